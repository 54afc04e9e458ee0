/**
 * @module
 * What a proxy does to headers, in both directions: which request headers go upstream
 * (every one but the hop-by-hop ones, with `Host` and `Content-Length` rewritten and,
 * when asked, `X-Forwarded-*` added), and which of the upstream's response headers come
 * back to the client.
 *
 * Twisted counterpart: the header handling of `twisted.web.proxy.ProxyRequest.process`
 * and `ProxyClient.handleHeader`. Loom differs: every hop-by-hop header of RFC 9110
 * §7.6.1, and every name `Connection` lists, is dropped both ways (Twisted rewrites only
 * `Connection` and drops `Proxy-Connection`); every value of a repeated request header
 * goes upstream (Twisted's `getAllHeaders()` keeps the last); `X-Forwarded-For`, `-Host`
 * and `-Proto` can be added (Twisted adds none).
 * Tests: `test/proxy/headers.test.ts`. Lesson 22 (proxies) teaches it.
 */

import type { Request } from '../request.ts';

// #region proxy-hop-by-hop
/**
 * Headers that describe one connection, not the message (RFC 9110 §7.6.1), plus the
 * older `Proxy-Connection` and `Keep-Alive`. A proxy must not pass them on: the next
 * connection has its own. `Connection` may name more of them.
 */
const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade',
]);
// #endregion proxy-hop-by-hop

/**
 * Request headers the proxy writes itself instead of copying. `Expect: 100-continue` was
 * answered by the Site, which has the whole body by now: nothing is left to wait for.
 */
const REWRITTEN: ReadonlySet<string> = new Set(['host', 'content-length', 'expect']);
const FORWARDED: ReadonlySet<string> = new Set(['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto']);

// #region proxy-request-headers
/**
 * The headers to send upstream, as a flat `[name, value, …]` list: every request header
 * but the hop-by-hop ones, with `Host` rewritten for the upstream, `Content-Length`
 * for the body being sent, and, when asked, the `X-Forwarded-*` trio.
 */
export function upstreamHeaders(request: Request, hostHeader: string, xForwarded: boolean): string[] {
  const out = ['Host', hostHeader];
  const headers = request.requestHeaders;
  const named = connectionNames(headers.getRawHeaders('connection'));
  for (const [name, values] of headers.getAllRawHeaders()) {
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || REWRITTEN.has(lower) || (named !== null && named.has(lower))) continue;
    if (xForwarded && FORWARDED.has(lower)) continue;
    for (const value of values) out.push(name, value);
  }
  // The body was read whole (and de-chunked), so its length is known: send it as such.
  if (headers.hasHeader('content-length') || headers.hasHeader('transfer-encoding')) {
    out.push('Content-Length', String(request.content.length));
  }
  if (xForwarded) addForwarded(out, request);
  return out;
}

/**
 * `X-Forwarded-For` gets the client's address appended to whatever earlier proxies
 * wrote (so the last entry is the one this proxy vouches for; earlier ones may be
 * forged by the client). `-Host` and `-Proto` describe the request as this proxy
 * received it, replacing what the client sent.
 */
function addForwarded(out: string[], request: Request): void {
  const client = request.getClientAddress();
  const earlier = request.requestHeaders.getRawHeaders('x-forwarded-for');
  // A UNIX socket peer has no address worth passing on.
  if (client.type !== 'UNIX') out.push('X-Forwarded-For', earlier === undefined ? client.host : `${earlier.join(', ')}, ${client.host}`);
  else if (earlier !== undefined) out.push('X-Forwarded-For', earlier.join(', '));
  const host = request.getHeader('host');
  if (host !== undefined) out.push('X-Forwarded-Host', host);
  out.push('X-Forwarded-Proto', request.isSecure() ? 'https' : 'http');
}
// #endregion proxy-request-headers

/**
 * The lower-cased header names a `Connection` header lists beyond the hop-by-hop ones
 * and `close`, or null when there are none: the usual `keep-alive` or `close` costs no Set.
 */
function connectionNames(values: readonly string[] | undefined): Set<string> | null {
  if (values === undefined) return null;
  let names: Set<string> | null = null;
  for (const value of values) {
    for (const token of value.split(',')) {
      const name = token.trim().toLowerCase();
      if (name !== 'close' && !HOP_BY_HOP.has(name)) (names ??= new Set()).add(name);
    }
  }
  return names;
}

// #region proxy-response-head
/**
 * Copy the upstream's status, reason phrase and headers (`raw`, a flat `[name, value, …]`
 * list as received) onto the response. Loom fills in `Server`, `Date` and `Content-Type`
 * only when they are missing at send time, so the upstream's own replace those
 * defaults, as in Twisted; every other header is added.
 */
export function copyResponseHead(request: Request, status: number, reason: string, raw: readonly (Buffer | string)[]): void {
  request.setResponseCode(status, reason);
  request.defaultContentType = null;
  let named: Set<string> | null = null;
  const headers = request.responseHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const lower = raw[i]!.toString('latin1').toLowerCase();
    const value = raw[i + 1]!.toString('latin1');
    if (HOP_BY_HOP.has(lower)) {
      // Almost every answer says `keep-alive` (or `close`) here, which names nothing more.
      if (lower === 'connection' && value !== 'keep-alive' && value !== 'close') named = connectionNames([value]);
      continue;
    }
    headers.addRawHeader(lower, value);
  }
  if (named !== null) for (const name of named) headers.removeHeader(name);
}
// #endregion proxy-response-head
