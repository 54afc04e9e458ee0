import { describe, expect, it } from 'vitest';
import { isLoomError } from '../../lib/errors.ts';
import { completeEnviron } from '../../lib/gateway/environ.ts';
import { ApplicationRun, parseStatus, type ResponseOutput } from '../../lib/gateway/handler.ts';
import { BlockingInput, LogErrorStream } from '../../lib/gateway/input.ts';
import type { Application, Environ, Header } from '../../lib/gateway/spec.ts';
import * as apps from './fixtures/apps.ts';

/** The events a run produced, and the error it ended with. */
interface Outcome {
  events: string[];
  head: { code: number; reason: string; headers: Header[] } | null;
  body: string;
  error: unknown;
  headSent: boolean;
  logged: string[];
}

function environFor(body = ''): { environ: Environ; logged: string[] } {
  const logged: string[] = [];
  const cgi = { REQUEST_METHOD: 'GET', SCRIPT_NAME: '', PATH_INFO: '/', QUERY_STRING: '', CONTENT_TYPE: '', CONTENT_LENGTH: '', SERVER_NAME: 'localhost', SERVER_PORT: '80', SERVER_PROTOCOL: 'HTTP/1.1' };
  const environ = completeEnviron(cgi, BlockingInput.of(body), new LogErrorStream((t) => logged.push(t)), { multithread: false, multiprocess: false, runOnce: false });
  return { environ, logged };
}

/** Run `app` the way every gateway does, recording what it sends. */
function run(app: Application, options: { stopAfter?: number; body?: string } = {}): Outcome {
  const events: string[] = [];
  const chunks: Buffer[] = [];
  let head: Outcome['head'] = null;
  const output: ResponseOutput = {
    head(code, reason, headers) {
      head = { code, reason, headers };
      events.push(`head ${code}`);
    },
    body(chunk) {
      chunks.push(Buffer.from(chunk));
      events.push(`body ${Buffer.from(chunk).toString()}`);
    },
    flush() {
      events.push('flush');
    },
  };
  const { environ, logged } = environFor(options.body);
  const r = new ApplicationRun(app, environ, output);
  let error: unknown = null;
  try {
    r.start();
    let steps = 0;
    while (r.step()) if (++steps === options.stopAfter) break;
    if (steps !== options.stopAfter) r.end();
  } catch (e) {
    error = e;
  }
  error = r.closeAfter(error);
  return { events, head, body: Buffer.concat(chunks).toString(), error, headSent: r.headSent, logged };
}

function violationMessage(outcome: Outcome): string {
  expect(isLoomError(outcome.error, 'LOOM_ERR_GATEWAY_VIOLATION')).toBe(true);
  return (outcome.error as Error).message;
}

describe('ApplicationRun: startResponse', () => {
  it('sends the status, reason and headers the application chose', () => {
    const outcome = run(apps.hello);
    expect(outcome.error).toBeNull();
    expect(outcome.head).toEqual({ code: 200, reason: 'OK', headers: [['Content-Type', 'text/plain']] });
    expect(outcome.body).toBe('Hello, world!');
  });

  it('splits the status at the first space, keeping the rest as the reason', () => {
    expect(parseStatus('201 Created')).toEqual({ code: 201, reason: 'Created' });
    expect(parseStatus('404 Not  Quite Found')).toEqual({ code: 404, reason: 'Not  Quite Found' });
    expect(parseStatus('299')).toEqual({ code: 299, reason: 'Unknown Status' });
  });

  it('refuses a status that is not a string, with the value in the message', () => {
    const outcome = run((_e, sr) => {
      sr(200 as unknown as string, []);
      return [];
    });
    expect(violationMessage(outcome)).toContain("needs the status as a string such as '200 OK', got the number 200");
  });

  it('refuses a status that does not start with three digits', () => {
    const outcome = run((_e, sr) => {
      sr('OK', []);
      return [];
    });
    expect(violationMessage(outcome)).toContain('must be three digits, a space and a reason phrase');
  });

  it('refuses headers that are not an array of [name, value] string pairs', () => {
    const notArray = run((_e, sr) => {
      sr('200 OK', { 'Content-Type': 'text/plain' } as unknown as Header[]);
      return [];
    });
    expect(violationMessage(notArray)).toContain('needs the headers as an array of [name, value] pairs');
    const notPair = run((_e, sr) => {
      sr('200 OK', [['Content-Type']] as unknown as Header[]);
      return [];
    });
    expect(violationMessage(notPair)).toContain('Each header must be a [name, value] pair of two strings');
    const notString = run((_e, sr) => {
      sr('200 OK', [['Content-Length', 5]] as unknown as Header[]);
      return [];
    });
    expect(violationMessage(notString)).toContain('Each header must be a [name, value] pair');
  });

  it('refuses a header value with a newline (no response splitting) and a name that is not a token', () => {
    const newline = run((_e, sr) => {
      sr('200 OK', [['X-Evil', 'a\r\nSet-Cookie: x=1']]);
      return [];
    });
    expect(violationMessage(newline)).toContain('The value of header X-Evil contains a control character');
    const badName = run((_e, sr) => {
      sr('200 OK', [['X Evil:', 'a']]);
      return [];
    });
    expect(violationMessage(badName)).toContain('is not valid');
  });

  it('lets the last call win when called more than once before any output', () => {
    const outcome = run(apps.twice);
    expect(outcome.head).toEqual({ code: 202, reason: 'Accepted', headers: [['X-Second', 'yes']] });
    expect(outcome.body).toBe('second');
  });

  it('replaces the response when called with excInfo before any output', () => {
    const outcome = run(apps.excInfoBefore);
    expect(outcome.error).toBeNull();
    expect(outcome.head?.code).toBe(500);
    expect(outcome.head?.reason).toBe('Oops');
    expect(outcome.body).toBe('replaced');
  });

  it('throws excInfo back to the application when called with it after output began', () => {
    const outcome = run(apps.excInfoAfter);
    expect((outcome.error as Error).message).toBe('raised again');
    expect(outcome.headSent).toBe(true);
    expect(outcome.body).toBe('started');
  });

  it('refuses a second call without excInfo once output began, saying to pass the error', () => {
    const outcome = run((_e, sr) => {
      const write = sr('200 OK', []);
      write('x');
      sr('500 Error', []);
      return [];
    });
    expect(violationMessage(outcome)).toContain('pass the caught error as the third argument');
  });

  it('drops the application\'s Server and Date headers and keeps repeated ones', () => {
    const outcome = run(apps.serverHeaders);
    expect(outcome.head?.headers).toEqual([['Content-Type', 'text/plain'], ['Content-Length', '2']]);
    const multi = run(apps.echo);
    expect(multi.head?.headers.filter(([n]) => n === 'X-Multi')).toEqual([['X-Multi', 'one'], ['X-Multi', 'two']]);
  });
});

describe('ApplicationRun: when the status and headers are sent', () => {
  it('sends them with the first non-empty chunk, skipping empty ones', () => {
    const outcome = run(apps.serverHeaders);
    expect(outcome.events.filter((e) => e !== 'flush')).toEqual(['head 200', 'body ok']);
  });

  it('sends them at the end when the body is empty', () => {
    const outcome = run((_e, sr) => {
      sr('204 No Content', []);
      return ['', ''];
    });
    expect(outcome.events).toEqual(['head 204']);
  });

  it('does not send them before the first chunk, so the application can still change its mind', () => {
    const outcome = run((_e, sr) => {
      sr('200 OK', []);
      return (function* () {
        yield '';
        sr('203 Changed', []);
        yield 'body';
      })();
    });
    expect(outcome.head?.code).toBe(203);
  });

  it('flushes after each chunk of a generator but gathers the chunks of an array', () => {
    const streamed = run((_e, sr) => {
      sr('200 OK', []);
      return (function* () {
        yield 'a';
        yield 'b';
      })();
    });
    expect(streamed.events).toEqual(['head 200', 'body a', 'flush', 'body b', 'flush']);
    const array = run((_e, sr) => {
      sr('200 OK', []);
      return ['a', 'b'];
    });
    expect(array.events).toEqual(['head 200', 'body a', 'body b']);
  });

  it('sends write() output at once, before the returned chunks', () => {
    const outcome = run(apps.writer);
    expect(outcome.body).toBe('one two three');
    expect(outcome.events.slice(0, 3)).toEqual(['head 200', 'body one ', 'flush']);
  });

  it('refuses a chunk that is neither a string nor bytes', () => {
    const outcome = run((_e, sr) => {
      sr('200 OK', []);
      return [42 as unknown as string];
    });
    expect(violationMessage(outcome)).toContain('body chunks must be strings or Uint8Arrays');
  });
});

describe('ApplicationRun: application errors', () => {
  it('is an error, not a hang, when the application never calls startResponse', () => {
    const outcome = run(apps.noStart);
    expect(violationMessage(outcome)).toContain('returned without calling startResponse()');
    expect(outcome.headSent).toBe(false);
  });

  it('is an error when a chunk comes before startResponse', () => {
    const outcome = run(apps.bodyBeforeStart);
    expect(violationMessage(outcome)).toContain('before calling startResponse()');
  });

  it('is an error when the application returns something that is not iterable', () => {
    const outcome = run(() => undefined as unknown as string[]);
    expect(violationMessage(outcome)).toContain('must return an iterable of body chunks');
  });

  it('takes a bare string as one chunk instead of one chunk per character', () => {
    const outcome = run((_e, sr) => {
      sr('200 OK', []);
      return 'whole' as unknown as string[];
    });
    expect(outcome.events).toEqual(['head 200', 'body whole']);
  });

  it('reports an error thrown before output with nothing sent', () => {
    const outcome = run(apps.failEarly);
    expect((outcome.error as Error).message).toBe('application failure before output');
    expect(outcome.headSent).toBe(false);
  });

  it('reports an error thrown during iteration after output began', () => {
    const outcome = run(apps.failLate);
    expect((outcome.error as Error).message).toBe('application failure after output');
    expect(outcome.headSent).toBe(true);
    expect(outcome.body).toBe('partial');
  });
});

describe('ApplicationRun.close', () => {
  it('calls close() after a successful iteration', () => {
    expect(run(apps.closing).logged).toEqual(['closed']);
  });

  it('calls close() when the gateway stops early (the client left)', () => {
    const outcome = run(apps.endless, { stopAfter: 3 });
    expect(outcome.logged).toEqual(['chunk 1', 'chunk 2', 'chunk 3', 'closed after 3']);
  });

  it('calls close() after the iteration failed', () => {
    const closed: string[] = [];
    const outcome = run((_e, sr) => {
      sr('200 OK', []);
      const gen = (function* () {
        yield 'a';
        throw new Error('boom');
      })();
      return { [Symbol.iterator]: () => gen, close: () => void closed.push('closed') };
    });
    expect((outcome.error as Error).message).toBe('boom');
    expect(closed).toEqual(['closed']);
  });

  it('counts an error thrown by close() as an application error', () => {
    const outcome = run((_e, sr) => {
      sr('200 OK', []);
      return { *[Symbol.iterator]() { yield 'ok'; }, close: () => { throw new Error('close failed'); } };
    });
    expect((outcome.error as Error).message).toBe('close failed');
  });

  it('reports the iteration\'s error, not close()\'s, when both fail', () => {
    const outcome = run((_e, sr) => {
      sr('200 OK', []);
      const gen = (function* () {
        yield 'a';
        throw new Error('boom');
      })();
      return { [Symbol.iterator]: () => gen, close: () => { throw new Error('close failed'); } };
    });
    expect((outcome.error as Error).message).toBe('boom');
  });
});

describe('ApplicationRun: header values HTTP cannot carry', () => {
  it('refuses a header value outside Latin-1, saying to percent-encode it', () => {
    const outcome = run((_e, sr) => {
      sr('200 OK', [['X-Price', '5 €']]);
      return [];
    });
    expect(violationMessage(outcome)).toContain('percent-encode anything else');
  });

  it('accepts Latin-1 text such as "café"', () => {
    const outcome = run((_e, sr) => {
      sr('200 OK', [['X-Word', 'café']]);
      return [];
    });
    expect(outcome.error).toBeNull();
  });
});
