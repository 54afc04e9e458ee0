/**
 * Grades exercise 27: `requireToken(token)` wraps a small application, and each request
 * goes through a Site in memory. The wrapped application runs in this process (through
 * `ApplicationRun`, the class every Loom gateway uses), so the test can see whether the
 * inner application was called at all. A failure shows the request and the response.
 */
import { describe, expect, it } from 'vitest';
import {
  ApplicationRun, BlockingInput, LogErrorStream, completeEnviron, environFromRequest, type ResponseOutput,
} from '../../lib/gateway/index.ts';
import { NOT_DONE_YET, Resource, type Application, type Request } from '../../lib/index.ts';
import { request } from '../../lib/testing.ts';
import { subject } from '../../tools/grading/subject.ts';
import { GradingError, expectResponse } from '../../tools/grading/wire.ts';

const { requireToken } = await subject<typeof import('./require-token.ts')>(import.meta.url, 'require-token.ts');

/** Serves an application in this process: a one-thread GatewayResource, for tests. */
class InProcess extends Resource {
  override isLeaf = true;
  readonly #app: Application;

  constructor(app: Application) {
    super();
    this.#app = app;
  }

  override render(req: Request): typeof NOT_DONE_YET {
    req.defaultContentType = null;
    const output: ResponseOutput = {
      head: (code, reason, headers) => {
        req.setResponseCode(code, reason);
        for (const [name, value] of headers) req.responseHeaders.addRawHeader(name, value);
      },
      body: (chunk) => void req.write(chunk),
      flush: () => {},
    };
    const environ = completeEnviron(environFromRequest(req), BlockingInput.of(req.content.bytes()), new LogErrorStream(() => {}),
      { multithread: false, multiprocess: false, runOnce: false });
    const run = new ApplicationRun(this.#app, environ, output);
    try {
      run.start();
      while (run.step());
      run.end();
    } finally {
      run.close();
    }
    req.finish();
    return NOT_DONE_YET;
  }
}

/** The inner application: counts its calls and answers with a header of its own. */
function setUp() {
  const calls: string[] = [];
  const inner: Application = (environ, startResponse) => {
    calls.push(environ.PATH_INFO);
    startResponse('200 OK', [['Content-Type', 'text/plain'], ['X-Inner', 'here']]);
    return ['secret stuff\n'];
  };
  return { calls, resource: new InProcess(requireToken('s3cret')(inner)) };
}

describe('requireToken', () => {
  it('answers 401 with WWW-Authenticate when there is no Authorization header, without calling the application', async () => {
    const { calls, resource } = setUp();
    const response = await request(resource, { uri: '/data' });
    expectResponse(response, {
      code: 401, body: 'A valid token is required.\n',
      headers: { 'www-authenticate': 'Bearer', 'content-type': 'text/plain; charset=utf-8', 'x-inner': undefined },
    });
    expect(calls, 'the inner application must not be called without the token').toEqual([]);
  });

  it('answers 401 for a wrong token, one that only starts or ends with it, or the right token without "Bearer "', async () => {
    const { calls, resource } = setUp();
    for (const authorization of ['Bearer wrong', 's3cret', 'Basic czNjcmV0', 'bearer s3cret', 'Bearer s3cret2', 'Bearer s3cre', 'xBearer s3cret', 'Basic s3cret']) {
      const response = await request(resource, { uri: '/data', headers: { Authorization: authorization } });
      expectResponse(response, { code: 401 }, `Sent Authorization: ${authorization}`);
    }
    expect(calls).toEqual([]);
  });

  it('calls the application with the right token and passes its answer through', async () => {
    const { calls, resource } = setUp();
    const response = await request(resource, { uri: '/data', headers: { Authorization: 'Bearer s3cret' } });
    expectResponse(response, { code: 200, body: 'secret stuff\n', headers: { 'x-inner': 'here', 'content-type': 'text/plain' } });
    expect(calls).toEqual(['/data']);
  });

  it('adds X-Authenticated: yes to the application\'s own headers', async () => {
    const { resource } = setUp();
    const response = await request(resource, { uri: '/', headers: { Authorization: 'Bearer s3cret' } });
    expectResponse(response, { code: 200, headers: { 'x-authenticated': 'yes', 'x-inner': 'here' } });
  });

  it('hands the application\'s excInfo on, when it calls startResponse again to answer an error', () => {
    // Called directly, with a startResponse that records its calls: what the server's own
    // startResponse gets from the wrapper is the point here.
    const failure = new Error('the database is down');
    const inner: Application = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      startResponse('500 Internal Server Error', [['Content-Type', 'text/plain']], failure);
      return ['sorry\n'];
    };
    const got: unknown[] = [];
    // Only the keys a middleware reads; the rest of a real environ does not matter here.
    const environ = { PATH_INFO: '/', HTTP_AUTHORIZATION: 'Bearer s3cret' } as unknown as Parameters<Application>[0];
    void [...requireToken('s3cret')(inner)(environ, (_status, _headers, excInfo) => {
      got.push(excInfo);
      return () => {};
    })];
    if (got.length !== 2 || got[1] !== failure) {
      throw new GradingError('The inner application called startResponse("500 Internal Server Error", headers, error) to replace its answer after catching an error.\n' +
        `✗ The server's startResponse got excInfo ${got.length < 2 ? '(no second call)' : String(got[1])}; expected that error.\n` +
        'Your startResponse wrapper takes three arguments and hands all three on: (status, headers, excInfo) => startResponse(status, […], excInfo).');
    }
  });
});
