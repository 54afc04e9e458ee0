/**
 * @module
 * The Node HTTP/1 server under a Site, and what it answers before there is a Request.
 *
 * Node parses HTTP; Loom gives the servers of lib/plumbing/servers.ts the Site's limits (the headers
 * and idle keep-alive timeouts of lib/timeouts.ts, no Host demanded by Node, TCP_NODELAY),
 * answers what Node's parser refuses with a proper page instead of Node's bare status
 * line, and holds the Host rules of RFC 9112 §3.2 that Node does not check.
 *
 * Twisted counterpart: the parsing limits of `twisted.web.http.HTTPChannel`, whose every
 * refusal is the bare reply `HTTP/1.1 400 Bad Request` before `process()` is called, and
 * `UnsupportedMethod`'s 501 page. Loom differs:
 * - a method Node's parser does not know (`FOO /`, `get /`) gets Twisted's 501 page
 *   ("I don't know how to treat a FOO request."), as a method Twisted's resource does
 *   not know does; a method that is not even a token gets 400;
 * - a request line longer than the header limit gets 414, other oversized heads 431,
 *   oversized chunk extensions 413, headers that took too long 408, the rest 400, each
 *   with an HTML page, `Content-Length` and `Connection: close`;
 * - nothing is written to a socket that is gone or that already carries a response;
 * - an HTTP/1.1 request without a Host header, any request with two, or one whose Host
 *   is not a host and port (`<script>`, a space, a path) gets 400 (RFC 9112 §3.2);
 *   Twisted takes any Host or none.
 * Tests: `test/http-server.test.ts`.
 */

import { maxHeaderSize, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Clock } from './clock.ts';
import { datetimeToString, statusPhrase } from './plumbing/http.ts';
import { errorHTML } from './pages.ts';
import type { ServerSettings } from './plumbing/servers.ts';
import type { RequestHead } from './request.ts';
import type { Timeouts } from './timeouts.ts';

/** What the server needs from its Site. */
export interface HttpServerSettings {
  readonly timeouts: Timeouts;
  /** The `Server` header of refusals. */
  readonly serverHeader: string;
  /** For the `Date` header of refusals. */
  readonly clock: Clock;
}

// #region http-server-create
/**
 * The settings of the Node servers under a Site (lib/plumbing/servers.ts makes them):
 * the Site's timeouts, and Loom's answers to requests Node's parser refuses. Node's own
 * timers do what they do well: `headersTimeout` (whole headers, counted from a
 * request's first byte or a connection's opening) and `keepAliveTimeout` (the idle wait
 * for the next request). Node's `requestTimeout` is off: the body's minimum rate
 * (lib/timeouts.ts) does its job without cutting honest slow uploads.
 */
export function serverSettingsFor(settings: HttpServerSettings): ServerSettings {
  const { headersTimeout, idleTimeout } = settings.timeouts;
  return {
    idleTimeout: idleTimeout * 1000,
    headersTimeout: headersTimeout * 1000,
    // How often Node looks for connections past headersTimeout. Its default, 30 s, would
    // let a 30 s limit run to 60 s; a second (or a quarter of a short limit) is cheap.
    connectionsCheckingInterval: Math.max(10, Math.min(1000, (headersTimeout * 1000) / 4)),
    onClientError: (error: Error, socket: Duplex) => answerClientError(error, socket as Socket, settings),
    clock: settings.clock,
  };
}
// #endregion http-server-create

/** What Node attaches to the errors of its parser. */
interface ParserError extends Error {
  readonly code?: string;
  /** The bytes being parsed when it failed (the current packet). */
  readonly rawPacket?: Buffer;
}

/** Sockets already answered: a parser in error reports again if more bytes come. */
const answered = new WeakSet<Socket>();

// #region http-server-client-error
/**
 * Answer a request Node's parser refused, on the raw socket (there is no response
 * object yet), then close. A socket that is gone, or one that carries a response
 * already, is only closed: writing there would be lost or would land inside that
 * response.
 */
export function answerClientError(error: ParserError, socket: Socket, settings: HttpServerSettings): void {
  if (answered.has(socket)) return;
  answered.add(socket);
  const refusal = refusalFor(error, settings.timeouts);
  if (refusal === null || !socket.writable || socket.destroyed) {
    socket.destroy();
    return;
  }
  if (carriesAnotherAnswer(socket)) {
    socket.destroySoon(); // let what the response wrote go out, then close
    return;
  }
  socket.write(refusalBytes(refusal, settings));
  socket.destroySoon();
}

/**
 * True when the socket carries a response that a refusal written now would land in or
 * before: one whose headers went out, or one to an earlier, complete request (pipelined).
 * A response Node made for the very request whose body failed to parse has sent nothing
 * (the Site reads a body before it answers), so the refusal is that request's answer.
 * `_httpMessage` is Node's own field for the response in progress.
 */
function carriesAnotherAnswer(socket: Socket): boolean {
  const res = (socket as Socket & { _httpMessage?: { headersSent?: boolean; req?: { complete?: boolean } } | null })._httpMessage;
  if (res === null || res === undefined) return false;
  return res.headersSent === true || res.req?.complete !== false;
}

/** A status and the sentence that explains it. */
export interface Refusal {
  readonly status: number;
  readonly brief: string;
  readonly detail: string;
}

/** What to answer for a parser error, or null when the client is gone (nobody to answer). */
export function refusalFor(error: ParserError, timeouts: Timeouts): Refusal | null {
  const page = (status: number, detail: string, brief = statusPhrase(status)): Refusal => ({ status, brief, detail });
  switch (error.code) {
    case 'ECONNRESET':
    case 'EPIPE':
      return null;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return page(408, `The request headers did not arrive within ${timeouts.headersTimeout} seconds.`);
    case 'HPE_INVALID_METHOD': {
      const method = methodOf(error.rawPacket);
      // Twisted's answer to a method nothing renders; a method that is not a token is not a method.
      return method === null ? page(400, 'The request method is not a valid token.') : page(501, `I don't know how to treat a ${method} request.`, 'Huh?');
    }
    case 'HPE_HEADER_OVERFLOW':
      return requestLineTooLong(error.rawPacket)
        ? page(414, `The request target is longer than this server accepts (${maxHeaderSize} bytes with the headers).`)
        : page(431, `The request headers are larger than this server accepts (${maxHeaderSize} bytes).`);
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return page(413, 'The chunk extensions of the request body are larger than this server accepts.');
    default:
      return page(400, 'The request could not be understood: it is not well-formed HTTP/1.1.');
  }
}
// #endregion http-server-client-error

/** The bytes of a refusal: status line, headers, page. */
function refusalBytes(refusal: Refusal, settings: HttpServerSettings): Buffer {
  const body = Buffer.from(errorHTML(refusal.status, refusal.brief, refusal.detail));
  return Buffer.concat([Buffer.from(`HTTP/1.1 ${refusal.status} ${statusPhrase(refusal.status)}\r\n` +
    `Server: ${settings.serverHeader}\r\nDate: ${datetimeToString(settings.clock.seconds())}\r\n` +
    `Content-Type: text/html; charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`, 'latin1'), body]);
}

/** A token (RFC 9110 §5.6.2) of at most 32 characters. */
const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,32}$/;

/** The method of the request line in `packet`, when it is a token. */
function methodOf(packet: Buffer | undefined): string | null {
  if (packet === undefined) return null;
  const head = packet.subarray(0, 40).toString('latin1');
  const method = head.slice(0, head.indexOf(' '));
  return METHOD.test(method) ? method : null;
}

/**
 * True when the head that overflowed is the request line itself: the packet starts with
 * a method and its first line runs past the limit. (A target trickled in many packets
 * is not recognised, and gets 431.)
 */
function requestLineTooLong(packet: Buffer | undefined): boolean {
  if (packet === undefined || methodOf(packet) === null) return false;
  const end = packet.indexOf(0x0a);
  return end < 0 || end > maxHeaderSize;
}

// #region http-server-host
/**
 * A Host value as RFC 9112 §3.2 allows it: `uri-host [ ":" port ]` (RFC 3986 §3.2.2), an
 * IP literal in brackets or a registered name of unreserved, sub-delim and %XX characters.
 * Empty is allowed (a target with no authority).
 */
const HOST_VALUE = /^(?:\[[0-9A-Za-z:.]+\]|(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*)(?::[0-9]*)?$/;

/**
 * Why a request's Host header breaks RFC 9112 §3.2, or null when it is fine: an
 * HTTP/1.1 request must have exactly one, and it must be a host and port. "A server
 * MUST respond with a 400 (Bad Request) status code" to each of these.
 */
export function hostProblem(rawHeaders: readonly string[], httpVersionMinor: number): string | null {
  let value: string | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length !== 4 || name.toLowerCase() !== 'host') continue;
    if (value !== undefined) return 'The request has more than one Host header; send exactly one (RFC 9112 §3.2).';
    value = rawHeaders[i + 1]!;
  }
  if (value === undefined) {
    return httpVersionMinor >= 1 ? 'An HTTP/1.1 request must have a Host header naming the site it is for (RFC 9112 §3.2).' : null;
  }
  return HOST_VALUE.test(value) ? null : 'The Host header is not a host name or address with an optional port (RFC 9112 §3.2).';
}
// #endregion http-server-host

/** The request line and headers of an HTTP/1 request, as `Request` reads them. */
export function head(req: IncomingMessage): RequestHead {
  return { method: req.method ?? 'GET', url: req.url ?? '/', httpVersion: req.httpVersion, rawHeaders: req.rawHeaders };
}

/**
 * The declared body length: 0 when there is no body, the Content-Length when given,
 * and 1 (unknown, read to find out) for a chunked body. A scan of the raw headers is
 * cheaper than building Node's `req.headers` object for every request.
 */
export function bodyLength(raw: readonly string[]): number {
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 14 && name.toLowerCase() === 'content-length') return Number(raw[i + 1]);
    if (name.length === 17 && name.toLowerCase() === 'transfer-encoding') return 1;
  }
  return 0;
}
