/**
 * @module
 * Every error Loom throws on purpose, each with a stable code.
 *
 * Callers match on `error.code` (a `LOOM_ERR_…` string), never on the message: messages
 * are written for people and may be reworded. An error that maps to an HTTP answer
 * carries its `status`.
 *
 * Twisted counterpart: the exceptions scattered over `twisted.web.error`,
 * `twisted.web.server` and `twisted.internet.error` (`UnsupportedMethod`,
 * `CannotListenError`, the `RuntimeError`s of `http.Request`).
 * Loom differs: one class, one table of codes, documented in
 * `docs/reference/errors.md`; `test/errors.test.ts` fails when the two disagree.
 */

/** Every code a {@link LoomError} can carry, with what it means. */
export const ERROR_CODES = {
  LOOM_ERR_INVALID_ARGUMENT: 'A function was called with an argument of the wrong kind or value.',
  LOOM_ERR_UNSUPPORTED_METHOD: 'A resource has no render method for the request method (405 or 501).',
  LOOM_ERR_BAD_RENDER_RESULT: 'A render method returned something that is not a body, NOT_DONE_YET or a Promise.',
  LOOM_ERR_WRITE_AFTER_FINISH: 'request.write() was called after request.finish().',
  LOOM_ERR_HEADERS_SENT: 'The status or a header was changed after the headers had been sent.',
  LOOM_ERR_CONNECTION_LOST: 'The client went away before the response was finished.',
  LOOM_ERR_BODY_TOO_LARGE: 'The request body is larger than the Site allows (413).',
  LOOM_ERR_BAD_REQUEST: 'The request could not be parsed (400).',
  LOOM_ERR_REQUEST_TIMEOUT: 'The client sent its request headers or body too slowly (408).',
  LOOM_ERR_RESPONSE_TIMEOUT: 'A resource did not start its response within the Site\'s responseTimeout (503).',
  LOOM_ERR_BAD_ENDPOINT: 'An endpoint string such as "tcp:8080:interface=127.0.0.1" could not be understood.',
  LOOM_ERR_ADDRESS_IN_USE: 'Another program is already listening on that port or socket path.',
  LOOM_ERR_GATEWAY_VIOLATION: 'A gateway application or server broke the gateway interface (lib/gateway/spec.ts).',
  LOOM_ERR_GATEWAY_APP: 'A gateway application could not be loaded: no such module, or no such function exported.',
  LOOM_ERR_WORKER_CRASHED: 'The worker thread running a gateway application died before it answered.',
  LOOM_ERR_POOL_STOPPED: 'Work was given to a thread pool that is not running.',
  LOOM_ERR_GATEWAY_TIMEOUT: 'A gateway application did not start its response within the time allowed.',
  LOOM_ERR_ALREADY_RUNNING: 'The pidfile names a server that is still running, so a second one was not started.',
  LOOM_ERR_USAGE: 'A command-line option or argument was wrong; the message says which and how to fix it.',
  LOOM_ERR_UNAUTHORIZED: 'Credentials were missing, malformed, expired, replayed or wrong (401).',
  LOOM_ERR_SESSION_VALUE: 'A session component holds something a remote session store cannot keep (only plain JSON data).',
  LOOM_ERR_SESSION_STORE: 'The session store (Redis) could not be reached (503).',
  LOOM_ERR_TLS_CREDENTIALS: 'The private key or certificate of an ssl: endpoint could not be read, or they do not belong together.',
  LOOM_ERR_LISTEN_FAILED: 'The server could not listen on the endpoint for another reason (permissions, bad address).',
  LOOM_ERR_SCRIPT_COMPILE: 'A resource script (.rsx.ts) has a syntax error; the message gives the file, line and column.',
  LOOM_ERR_SCRIPT_IMPORT: 'A module a resource script imports could not be found or loaded.',
  LOOM_ERR_CGI_SPAWN: 'A CGI program (or the filter that runs it) could not be started.',
  LOOM_ERR_ASIS_HEAD: 'An as-is file (.asis) does not start with a valid status line or header block.',
  LOOM_ERR_UPSTREAM: 'The upstream server behind a proxy could not be reached or did not answer in time (502 or 504).',
  LOOM_ERR_NO_SUCH_HOST: 'NameVirtualHost.removeHost was given a host name that was never added.',
  LOOM_ERR_REWRITE_RULE: 'A rewrite rule of a RewriterResource threw, or returned a Promise (500).',
  LOOM_ERR_TUNNEL_REFUSED: 'A forward proxy was asked for a CONNECT tunnel to a port it does not tunnel to (403).',
} as const;

/** A `LOOM_ERR_…` code. */
export type LoomErrorCode = keyof typeof ERROR_CODES;

/** Options for {@link LoomError}. */
export interface LoomErrorOptions {
  /** The HTTP status this error answers with, where it maps to one. */
  status?: number;
  /** The lower-level error this one wraps. */
  cause?: unknown;
}

/**
 * An error Loom raised on purpose. `code` says which, `message` says what was wrong and
 * what to do about it.
 */
export class LoomError extends Error {
  readonly code: LoomErrorCode;
  /** HTTP status for errors that are answers (400, 405, 413, …). */
  readonly status: number | undefined;

  constructor(code: LoomErrorCode, message: string, options: LoomErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LoomError';
    this.code = code;
    this.status = options.status;
  }
}

/** True when `error` is a {@link LoomError} with the given code. */
export function isLoomError(error: unknown, code?: LoomErrorCode): error is LoomError {
  return error instanceof LoomError && (code === undefined || error.code === code);
}

/**
 * Mark the case a switch over a tagged union can never reach. TypeScript checks the
 * `never` at compile time, so adding a kind without handling it is a type error; at run
 * time, a value that slipped past the types is a bug in Loom, not in the caller, so this
 * throws a plain Error naming what it saw.
 */
export function assertNever(value: never, what: string): never {
  throw new Error(`Loom bug: unexpected ${what} ${JSON.stringify(value)}`);
}
