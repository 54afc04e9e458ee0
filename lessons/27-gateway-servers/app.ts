/**
 * Lesson 27 · One gateway application, every way of serving it.
 *
 * `application` says which kind of server ran it, from the `gateway.*` flags, and echoes
 * a POST body. `requestId` is a hand-written middleware; `served` is the application
 * wrapped in the validator and two middleware, and is what every server in this lesson
 * serves.
 */
import { addHeaders, compose, validator, type Application, type Environ, type Middleware } from '../../lib/gateway/index.ts';

// #region application
/** Hello from whichever server runs it; a POST gets its body back. */
export const application: Application = (environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  if (environ.REQUEST_METHOD === 'POST') {
    const body = environ['gateway.input'].read();
    return [`You sent ${body.length} bytes: ${body.toString('utf8')}\n`];
  }
  return [`Hello from ${servedBy(environ)}!\n`, `PATH_INFO=${environ.PATH_INFO} request=${String(environ['app.request_id'])}\n`];
};

/** The flags tell how the server runs applications: a CGI process runs one request and exits. */
function servedBy(environ: Environ): string {
  if (environ['gateway.run_once']) return 'a CGI process';
  if (environ['gateway.multithread']) return 'a worker thread';
  return 'a single-threaded server';
}
// #endregion application

// #region request-id
let counter = 0;

/**
 * A middleware working on both sides: it adds a key of its own to the environ on the way
 * in (with a prefix of its own, `app.`), and a header on the way out, by wrapping
 * startResponse.
 */
export const requestId: Middleware = (app) => (environ, startResponse) => {
  const id = `${process.pid}-${++counter}`;
  environ['app.request_id'] = id;
  return app(environ, (status, headers, excInfo) => startResponse(status, [...headers, ['X-Request-Id', id]], excInfo));
};
// #endregion request-id

// #region served
/** What every server in this lesson serves: validated, numbered, signed. */
export const served: Application = compose(validator, requestId, addHeaders([['X-Served-By', 'loom']]))(application);
// #endregion served
