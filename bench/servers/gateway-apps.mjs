/**
 * The gateway scenario's applications, loaded by the gateway's worker threads by module
 * path and export name (lib/gateway/spec.ts: `application(environ, startResponse)`).
 * Plain JS with no imports, so a worker can load it whatever loader it has.
 */

const HELLO = 'Hello, world!';
const HEADERS = [['Content-Type', 'text/plain'], ['Content-Length', '13']];

/** Hello world, the same 13 bytes as every other hello server. */
export function hello(_environ, startResponse) {
  startResponse('200 OK', HEADERS);
  return [HELLO];
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Hello world after blocking its thread for 10 ms (a slow database call, say). */
export function blocking(_environ, startResponse) {
  Atomics.wait(sleeper, 0, 0, 10);
  startResponse('200 OK', HEADERS);
  return [HELLO];
}
