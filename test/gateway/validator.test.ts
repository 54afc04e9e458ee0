import { describe, expect, it } from 'vitest';
import { isLoomError } from '../../lib/errors.ts';
import { completeEnviron } from '../../lib/gateway/environ.ts';
import { ApplicationRun } from '../../lib/gateway/handler.ts';
import { BlockingInput, LogErrorStream } from '../../lib/gateway/input.ts';
import type { Application, Environ, Header, StartResponse } from '../../lib/gateway/spec.ts';
import { validator, type Violation } from '../../lib/gateway/validator.ts';

const CGI = { REQUEST_METHOD: 'GET', SCRIPT_NAME: '', PATH_INFO: '/', QUERY_STRING: '', CONTENT_TYPE: '', CONTENT_LENGTH: '', SERVER_NAME: 'h', SERVER_PORT: '80', SERVER_PROTOCOL: 'HTTP/1.1' };

function goodEnviron(extra: Record<string, unknown> = {}): Environ {
  const env = completeEnviron({ ...CGI }, BlockingInput.of('body\n'), new LogErrorStream(() => {}), { multithread: false, multiprocess: false, runOnce: false });
  return Object.assign(env, extra);
}

/** Run `app` behind the validator through the real handler; collect the violations. */
function violations(app: Application, environ: Environ = goodEnviron(), drive?: (run: ApplicationRun) => void): Violation[] {
  const found: Violation[] = [];
  const run = new ApplicationRun(validator(app, { onViolation: (v) => found.push(v) }), environ, { head() {}, body() {}, flush() {} });
  try {
    if (drive !== undefined) drive(run);
    else {
      run.start();
      while (run.step());
      run.end();
    }
  } catch {
    // The handler's own checks may throw too; the validator's reports are what is tested.
  }
  try {
    run.close();
  } catch {
    // As above.
  }
  return found;
}

function messages(found: Violation[], side: Violation['side']): string[] {
  return found.filter((v) => v.side === side).map((v) => v.message);
}

const ok = (body: unknown = ['ok'], status = '200 OK', headers: Header[] = [['Content-Type', 'text/plain']]): Application => (_e, sr) => {
  sr(status, headers);
  return body as string[];
};

describe('validator', () => {
  it('reports nothing for an application and server that follow the interface', () => {
    expect(violations(ok())).toEqual([]);
  });

  it('throws a LOOM_ERR_GATEWAY_VIOLATION naming the side by default', () => {
    const run = new ApplicationRun(validator(ok('bare' as unknown as string[])), goodEnviron(), { head() {}, body() {}, flush() {} });
    try {
      run.start();
      expect.unreachable();
    } catch (error) {
      expect(isLoomError(error, 'LOOM_ERR_GATEWAY_VIOLATION')).toBe(true);
      expect((error as Error).message).toMatch(/^Gateway validator \(application\): the application returned a bare string/);
    }
  });

  describe('the server side', () => {
    it('reports a missing or non-string CGI variable', () => {
      const found = violations(ok(), goodEnviron({ PATH_INFO: undefined, SERVER_PORT: 80 }));
      expect(messages(found, 'server')).toEqual(expect.arrayContaining([
        expect.stringContaining('environ.PATH_INFO must be a string'),
        expect.stringContaining('environ.SERVER_PORT must be a string'),
      ]));
    });

    it('reports a SCRIPT_NAME of "/", paths without a leading slash, and both paths empty', () => {
      expect(messages(violations(ok(), goodEnviron({ SCRIPT_NAME: '/' })), 'server')[0]).toContain('SCRIPT_NAME "" and PATH_INFO starting with "/"');
      expect(messages(violations(ok(), goodEnviron({ PATH_INFO: 'x' })), 'server')[0]).toContain('must be empty or start with "/"');
      expect(messages(violations(ok(), goodEnviron({ PATH_INFO: '' })), 'server')[0]).toContain('both empty');
    });

    it('reports a bad CONTENT_LENGTH, SERVER_PORT or method, and HTTP_CONTENT_* duplicates', () => {
      const found = messages(violations(ok(), goodEnviron({ CONTENT_LENGTH: 'ten', SERVER_PORT: 'http', REQUEST_METHOD: 'GET /', HTTP_CONTENT_TYPE: 'x' })), 'server');
      expect(found).toHaveLength(4);
      expect(found[3]).toContain('HTTP_CONTENT_TYPE; that header belongs in CONTENT_TYPE only');
    });

    it('reports gateway.* keys of the wrong kind', () => {
      const found = messages(violations(ok(), goodEnviron({ 'gateway.version': '1.0', 'gateway.url_scheme': 'ftp', 'gateway.run_once': 'no', 'gateway.input': {}, 'gateway.errors': null })), 'server');
      expect(found).toEqual(expect.arrayContaining([
        expect.stringContaining('gateway.version must be [1, 0]'), expect.stringContaining('gateway.url_scheme must be "http" or "https"'),
        expect.stringContaining('gateway.run_once must be true or false'), expect.stringContaining('gateway.input must have a read() method'),
        expect.stringContaining('gateway.errors must have a write() method'),
      ]));
    });

    it('reports a server that iterates after close() or closes twice', () => {
      const found = violations(ok(['a', 'b']), goodEnviron(), (run) => {
        run.start();
        run.step();
        run.close();
        run.step();
      });
      expect(messages(found, 'server')).toEqual(['the server went on iterating the body after calling close().']);
    });
  });

  describe('the application side', () => {
    it('reports a malformed status, naming the form to use', () => {
      expect(messages(violations(ok(['x'], 'OK')), 'application')[0]).toContain("such as '404 Not Found'");
      expect(messages(violations(ok(['x'], '200')), 'application')[0]).toContain('reason phrase');
    });

    it('reports malformed headers, Status, hop-by-hop headers and newlines in values', () => {
      expect(messages(violations(ok(['x'], '200 OK', { 'Content-Type': 'x' } as unknown as Header[])), 'application')[0]).toContain('array of [name, value] pairs');
      const found = messages(violations(ok(['x'], '200 OK', [['Status', '200'], ['Connection', 'close'], ['X-A', 'a\nb'], ['Bad Name', 'v']])), 'application');
      expect(found).toEqual([
        expect.stringContaining('"Status" header is not allowed'),
        expect.stringContaining('"Connection" header is hop-by-hop'),
        expect.stringContaining('header X-A contains a control character'),
        expect.stringContaining('"Bad Name" is not valid'),
      ]);
    });

    it('reports a second startResponse without excInfo, and an excInfo that is not an error', () => {
      const twice: Application = (_e, sr) => {
        sr('200 OK', []);
        sr('404 Not Found', []);
        sr('500 Error', [], 'oops');
        return [];
      };
      expect(messages(violations(twice), 'application')).toEqual([
        expect.stringContaining('second time without excInfo'),
        expect.stringContaining('excInfo should be the caught error'),
      ]);
    });

    it('reports a bare string returned, a non-iterable, and chunks that are not strings or bytes', () => {
      expect(messages(violations(ok('text')), 'application')[0]).toContain('return an iterable of chunks instead, such as [body]');
      expect(messages(violations(ok(null)), 'application')[0]).toContain('got null. Did it forget to return?');
      expect(messages(violations(ok([42])), 'application')[0]).toContain('the returned iterable produced the number 42');
    });

    it('reports a body before startResponse, and an application that never calls it', () => {
      expect(messages(violations(() => ['early']), 'application')).toContain('the returned iterable produced body bytes before startResponse() was called; call startResponse() first.');
      expect(messages(violations(() => []), 'application')).toEqual(['the application returned without ever calling startResponse(); call it before returning the body.']);
    });

    it('reports a body on a 204 or 304, and a Content-Length the body does not match', () => {
      expect(messages(violations(ok(['x'], '204 No Content', [])), 'application')[0]).toContain('a 204 response has no body');
      expect(messages(violations(ok(['héllo'], '200 OK', [['Content-Length', '5']])), 'application')[0])
        .toContain('Content-Length said 5 bytes but the body had 6. Count bytes, not characters');
    });

    it('reports write() with a value that is not a chunk', () => {
      const app: Application = (_e, sr) => {
        sr('200 OK', [])(7 as unknown as string);
        return [];
      };
      expect(messages(violations(app), 'application')[0]).toContain('write() produced the number 7');
    });

    it('reports misuse of input and errors', () => {
      const app: Application = (environ, sr: StartResponse) => {
        // The real streams refuse these too (and throw); the validator has reported them first.
        const attempts = [
          () => environ['gateway.input'].read('10' as unknown as number),
          () => environ['gateway.input'].readline(1.5),
          () => environ['gateway.errors'].write(Buffer.from('x') as unknown as string),
        ];
        for (const attempt of attempts) {
          try {
            attempt();
          } catch {
            // Expected.
          }
        }
        sr('200 OK', []);
        return [];
      };
      expect(messages(violations(app), 'application')).toEqual([
        expect.stringContaining('input.read() takes a whole number of bytes (or nothing), got the string "10"'),
        expect.stringContaining('input.readline() takes a whole number'),
        expect.stringContaining('errors.write() takes a string'),
      ]);
    });
  });
});
