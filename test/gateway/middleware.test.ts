import { describe, expect, it } from 'vitest';
import { completeEnviron } from '../../lib/gateway/environ.ts';
import { ApplicationRun, type ResponseOutput } from '../../lib/gateway/handler.ts';
import { BlockingInput, LogErrorStream } from '../../lib/gateway/input.ts';
import { addHeaders, compose, mapBody, type Middleware } from '../../lib/gateway/middleware.ts';
import type { Application, Header } from '../../lib/gateway/spec.ts';

/** Run an application in-process and return what it answered. */
function call(app: Application, path = '/'): { code: number; headers: Header[]; body: string } {
  let code = 0;
  let headers: Header[] = [];
  const chunks: Buffer[] = [];
  const output: ResponseOutput = {
    head: (c, _r, h) => {
      code = c;
      headers = h;
    },
    body: (chunk) => void chunks.push(Buffer.from(chunk)),
    flush: () => {},
  };
  const cgi = { REQUEST_METHOD: 'GET', SCRIPT_NAME: '', PATH_INFO: path, QUERY_STRING: '', CONTENT_TYPE: '', CONTENT_LENGTH: '', SERVER_NAME: 'h', SERVER_PORT: '80', SERVER_PROTOCOL: 'HTTP/1.1' };
  const environ = completeEnviron(cgi, BlockingInput.of(''), new LogErrorStream(() => {}), { multithread: false, multiprocess: false, runOnce: false });
  const run = new ApplicationRun(app, environ, output);
  try {
    run.start();
    while (run.step());
    run.end();
  } finally {
    run.close();
  }
  return { code, headers, body: Buffer.concat(chunks).toString() };
}

const hello: Application = (_e, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return ['hello'];
};

/** Records the order in which layers see the request and the response. */
function tracing(name: string, seen: string[]): Middleware {
  return (app) => (environ, startResponse) => {
    seen.push(`${name} in`);
    return app(environ, (status, headers, excInfo) => {
      seen.push(`${name} out`);
      return startResponse(status, headers, excInfo);
    });
  };
}

describe('compose', () => {
  it('wraps the first layer outermost: it sees the request first and the response last', () => {
    const seen: string[] = [];
    call(compose(tracing('a', seen), tracing('b', seen))(hello));
    expect(seen).toEqual(['a in', 'b in', 'b out', 'a out']);
  });

  it('with no layers is the application itself', () => {
    expect(compose()(hello)).toBe(hello);
  });
});

describe('addHeaders', () => {
  it('adds its headers to every response', () => {
    expect(call(addHeaders([['X-Frame-Options', 'DENY']])(hello)).headers).toEqual([['Content-Type', 'text/plain'], ['X-Frame-Options', 'DENY']]);
  });
});

describe('mapBody', () => {
  it('transforms each chunk and passes close() on to the inner body', () => {
    const closed: string[] = [];
    const app: Application = (environ, startResponse) => {
      const inner = { *[Symbol.iterator]() { yield 'a'; yield 'b'; }, close: () => void closed.push('inner') };
      startResponse('200 OK', []);
      return mapBody(inner, (chunk) => String(chunk).toUpperCase());
    };
    expect(call(app).body).toBe('AB');
    expect(closed).toEqual(['inner']);
  });
});
