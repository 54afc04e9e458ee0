/**
 * @module
 * Building the environ: the request, written out as CGI variables, plus the
 * `gateway.*` keys.
 *
 * The CGI part is plain strings, built on the side that received the request (the Site's
 * main thread, the simple server, the SCGI or FastCGI server, or the CGI process reading
 * its own environment). The `gateway.*` part holds live objects (the blocking input, the
 * error stream) and is added on the side that runs the application.
 *
 * Twisted counterpart: the environ built in `twisted.web.wsgi._WSGIResponse.__init__`.
 * Loom differs:
 * - no `HTTP_CONTENT_TYPE` or `HTTP_CONTENT_LENGTH`: those headers are `CONTENT_TYPE`
 *   and `CONTENT_LENGTH` already (RFC 3875 §4.1.18; PEP 3333's validator rejects the
 *   duplicates, and Twisted sends them: pitfall 12);
 * - a header whose name contains `_` is dropped, because `X_User` and `X-User` would
 *   both become `HTTP_X_USER`, letting a client forge a header a proxy in front sets
 *   (nginx and Apache drop them for the same reason);
 * - `REMOTE_PORT` is always there (Twisted 22.4 lacked it).
 * Values stay as Twisted has them: `SCRIPT_NAME` and `PATH_INFO` are decoded (`%2F`
 * arrives as `/`), repeated headers are joined with `,`.
 * Tests: `test/gateway/environ.test.ts`.
 */

import { memoized } from '../plumbing/memo.ts';
import type { Request } from '../request.ts';
import { GATEWAY_VERSION, type CgiEnviron, type Environ, type ErrorStream, type InputStream } from './spec.ts';

/** The CGI variables every environ has, with `''` when there is nothing to say. */
export const REQUIRED_CGI_KEYS = [
  'REQUEST_METHOD', 'SCRIPT_NAME', 'PATH_INFO', 'QUERY_STRING', 'CONTENT_TYPE', 'CONTENT_LENGTH',
  'SERVER_NAME', 'SERVER_PORT', 'SERVER_PROTOCOL',
] as const;

// #region gateway-environ-from-request
/**
 * The CGI variables for a request that traversal has brought to a gateway resource:
 * `SCRIPT_NAME` from the segments consumed so far (prepath), `PATH_INFO` from those
 * left (postpath).
 */
export function environFromRequest(request: Request): CgiEnviron {
  const client = request.getClientAddress();
  const q = request.uri.indexOf('?');
  // In this order: lib/gateway/frames.ts reads an environ that begins so fastest.
  const env: CgiEnviron = {
    REQUEST_METHOD: request.method,
    SCRIPT_NAME: joinSegments(request.prepath),
    PATH_INFO: joinSegments(request.postpath),
    QUERY_STRING: q < 0 ? '' : request.uri.slice(q + 1),
    CONTENT_TYPE: request.getHeader('content-type') ?? '',
    CONTENT_LENGTH: request.getHeader('content-length') ?? '',
    SERVER_NAME: request.getRequestHostname(),
    SERVER_PORT: String(request.getHost().port),
    SERVER_PROTOCOL: request.clientproto,
    REMOTE_ADDR: client.host,
    REMOTE_PORT: String(client.port),
    'gateway.url_scheme': request.isSecure() ? 'https' : 'http',
  };
  for (const [name, values] of request.requestHeaders.getAllRawHeaders()) addHeader(env, name, values.join(','));
  return env;
}
// #endregion gateway-environ-from-request

/** `['a', 'b c']` → `/a/b c`; no segments → `''` (so SCRIPT_NAME is never a lone `/`). */
export function joinSegments(segments: readonly string[]): string {
  return segments.length === 0 ? '' : `/${segments.join('/')}`;
}

/**
 * Add one request header as `HTTP_…`: upper case, `-` as `_`, newlines as spaces.
 * Skips Content-Type and Content-Length (they have their own variables) and names with
 * an underscore (see the module comment).
 */
export function addHeader(env: CgiEnviron, name: string, value: string): void {
  const key = environName(name);
  if (key === '') return;
  const clean = /[\r\n]/.test(value) ? value.replace(/\r\n|\r|\n/g, ' ') : value;
  const before = env[key];
  env[key] = before === undefined ? clean : `${before},${clean}`;
}

/**
 * A header's environ name, `''` for one left out. Kept per header name: the same dozen
 * names come with every request, and the same string each time is also what the call's
 * frame looks up among its known names (lib/gateway/frames.ts).
 */
const environName = memoized((name) => {
  if (name.includes('_')) return '';
  const key = `HTTP_${name.toUpperCase().replace(/-/g, '_')}`;
  return key === 'HTTP_CONTENT_TYPE' || key === 'HTTP_CONTENT_LENGTH' ? '' : key;
}, 1000);

// #region gateway-environ-from-cgi
/**
 * The CGI variables from a CGI-style table: a CGI process's own environment, or the
 * parameters nginx sends over SCGI or FastCGI. Only the request's variables are kept:
 * the CGI names the interface defines, `HTTP_*`, `HTTPS`, and `REQUEST_URI`/
 * `DOCUMENT_URI` (which some front ends send), so a server's own environment (`PATH`,
 * `HOME`, secrets) never reaches the application.
 */
export function environFromCgi(vars: Readonly<Record<string, string | undefined>>): CgiEnviron {
  const env: CgiEnviron = {};
  for (const key of REQUIRED_CGI_KEYS) env[key] = vars[key] ?? '';
  if (env.REQUEST_METHOD === '') env.REQUEST_METHOD = 'GET';
  if (env.SCRIPT_NAME === '/') {
    // A front end mounted at the root may send SCRIPT_NAME "/"; the interface wants "".
    env.SCRIPT_NAME = '';
    if (!env.PATH_INFO!.startsWith('/')) env.PATH_INFO = `/${env.PATH_INFO}`;
  }
  for (const key of ['REMOTE_ADDR', 'REMOTE_PORT', 'REQUEST_URI', 'DOCUMENT_URI', 'SERVER_SOFTWARE', 'GATEWAY_INTERFACE', 'HTTPS']) {
    const value = vars[key];
    if (value !== undefined) env[key] = value;
  }
  for (const [key, value] of Object.entries(vars)) {
    if (value !== undefined && key.startsWith('HTTP_') && key !== 'HTTP_CONTENT_TYPE' && key !== 'HTTP_CONTENT_LENGTH') env[key] = value;
  }
  const https = (vars.HTTPS ?? '').toLowerCase();
  env['gateway.url_scheme'] = https === 'on' || https === '1' || https === 'yes' ? 'https' : 'http';
  return env;
}
// #endregion gateway-environ-from-cgi

/** How the side running the application runs it, for the `gateway.*` flags. */
export interface RunFlags {
  readonly multithread: boolean;
  readonly multiprocess: boolean;
  readonly runOnce: boolean;
}

// #region gateway-environ-complete
/** Add the `gateway.*` keys to a CGI environ, making the environ an application receives. */
export function completeEnviron(cgi: CgiEnviron, input: InputStream, errors: ErrorStream, flags: RunFlags): Environ {
  const environ = cgi as unknown as Environ;
  environ['gateway.version'] = GATEWAY_VERSION;
  if (environ['gateway.url_scheme'] !== 'https') environ['gateway.url_scheme'] = 'http';
  environ['gateway.input'] = input;
  environ['gateway.errors'] = errors;
  environ['gateway.multithread'] = flags.multithread;
  environ['gateway.multiprocess'] = flags.multiprocess;
  environ['gateway.run_once'] = flags.runOnce;
  return environ;
}
// #endregion gateway-environ-complete
