/**
 * @module
 * The gateway interface: the contract between a web server and a gateway application,
 * written down as TypeScript types.
 *
 * An application is a plain function `application(environ, startResponse)`. The server
 * calls it once per request with `environ`, a record holding the request as CGI
 * variables (`REQUEST_METHOD`, `PATH_INFO`, `HTTP_HOST`, …) plus a few `gateway.*` keys
 * (the body to read, where to write errors, how the server runs apps). The application
 * calls `startResponse(status, headers)` to choose the status line and headers, and
 * returns an iterable of body chunks; a generator streams its chunks one by one. When
 * the iterable has a `close()` method, the server calls it once it is done, whether the
 * response finished or the client went away.
 *
 * Twisted counterpart: PEP 3333 (WSGI), which `twisted.web.wsgi` implements. The
 * mapping, item by item, is the table in lesson 15. Loom differs:
 * - the `wsgi.*` keys are spelled `gateway.*`, because this is Loom's interface and not
 *   WSGI (a Python application cannot run here);
 * - body chunks may be strings (sent as UTF-8) as well as bytes, because a TypeScript
 *   application has both and the conversion is always the same;
 * - `excInfo` is the caught error itself, not Python's `(type, value, traceback)` triple.
 * Tests: `test/gateway/handler.test.ts` checks every rule here.
 */

// #region gateway-spec-application
/**
 * A gateway application: called once per request, on a worker thread (or in a CGI
 * process, or on the main thread of the simple server). It must call `startResponse`
 * before its first non-empty chunk and return the body as an iterable.
 *
 * @example
 * export const application: Application = (environ, startResponse) => {
 *   startResponse('200 OK', [['Content-Type', 'text/plain']]);
 *   return [`Hello from ${environ.PATH_INFO}`];
 * };
 */
export type Application = (environ: Environ, startResponse: StartResponse) => Iterable<Chunk>;

/** One piece of a response body. Strings are sent as UTF-8. */
export type Chunk = string | Uint8Array;

/** A response header as the application gives it: `['Content-Type', 'text/plain']`. */
export type Header = [name: string, value: string];

/**
 * Choose the status line and headers. `status` is a code and reason phrase, `'404 Not
 * Found'`. It may be called again before any body was sent, and the last call wins;
 * once the body has started, only a call carrying `excInfo` is allowed, and it throws
 * `excInfo` back (the response can no longer be changed).
 *
 * @returns `write`, for applications that push body bytes instead of returning them.
 */
export type StartResponse = (status: string, headers: Header[], excInfo?: unknown) => Write;

/** Push body bytes now (the old, imperative way; returning an iterable is better). */
export type Write = (data: Chunk) => void;
// #endregion gateway-spec-application

// #region gateway-spec-environ
/**
 * The request, as the application sees it. The CGI variables are strings; a variable
 * with nothing to say is `''` (`QUERY_STRING`, `CONTENT_TYPE`, `CONTENT_LENGTH`).
 * Every request header `X-Thing` appears as `HTTP_X_THING`, except Content-Type and
 * Content-Length, which have their own variables. Servers and middleware may add keys
 * of their own, with a prefix of their own.
 */
export interface Environ {
  REQUEST_METHOD: string;
  /** Where the application is mounted: `''` at the root, else `/mount` (never `/`). */
  SCRIPT_NAME: string;
  /** The path below the mount point, decoded: `/a b` for `/a%20b`; `''` for the mount point itself. */
  PATH_INFO: string;
  /** Everything after the first `?`, still percent-encoded. */
  QUERY_STRING: string;
  CONTENT_TYPE: string;
  CONTENT_LENGTH: string;
  SERVER_NAME: string;
  SERVER_PORT: string;
  /** `HTTP/1.1` or `HTTP/1.0`. */
  SERVER_PROTOCOL: string;
  REMOTE_ADDR?: string;
  REMOTE_PORT?: string;
  'gateway.version': readonly [1, 0];
  'gateway.url_scheme': 'http' | 'https';
  /** The request body, read with blocking calls. */
  'gateway.input': InputStream;
  /** Where the application writes error text; the server logs it. */
  'gateway.errors': ErrorStream;
  /** True when another thread of the same process may run the application at the same time. */
  'gateway.multithread': boolean;
  /** True when another process may run the application at the same time. */
  'gateway.multiprocess': boolean;
  /** True when the application will be called once in this process's life (CGI). */
  'gateway.run_once': boolean;
  [header: `HTTP_${string}`]: string | undefined;
  [key: string]: unknown;
}

/**
 * The request body as a blocking stream. Each call waits until enough bytes have
 * arrived (or the body ended): an application reading its body never needs a callback.
 */
export interface InputStream extends Iterable<Buffer> {
  /** Up to `size` bytes; the rest of the body when `size` is omitted, negative or null. Empty at the end. */
  read(size?: number | null): Buffer;
  /** One line, `\n` included, or at most `size` bytes of it. Empty at the end. */
  readline(size?: number | null): Buffer;
  /** The remaining lines; with `hint`, stop once about that many bytes were read. */
  readlines(hint?: number | null): Buffer[];
}

/** Text an application wants logged: the server's error log, or stderr for CGI. */
export interface ErrorStream {
  /** Log `text`. Only strings are accepted. */
  write(text: string): void;
  writelines(lines: Iterable<string>): void;
  /** Nothing is buffered, so this does nothing; it exists because applications call it. */
  flush(): void;
}
// #endregion gateway-spec-environ

/** The prefix of the interface's own environ keys (PEP 3333's `wsgi.`). */
export const ENVIRON_PREFIX = 'gateway.';

/** The version of the interface an environ carries, as `gateway.version`. */
export const GATEWAY_VERSION: readonly [1, 0] = Object.freeze([1, 0] as const);

/**
 * The CGI part of an environ: plain strings that can cross to a worker thread or
 * another process. A server builds this; the side that runs the application adds the
 * `gateway.*` keys.
 */
export type CgiEnviron = Record<string, string>;

/** Where a worker thread finds an application: a module and the name it is exported under. */
export interface AppRef {
  /** A `file:` URL or an absolute path. */
  readonly module: string;
  /** @default 'application' */
  readonly exportName: string;
}
