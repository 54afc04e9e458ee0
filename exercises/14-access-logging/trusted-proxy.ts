/**
 * Exercise 14: an access log that only believes X-Forwarded-For from your own proxies.
 *
 * `proxiedLogFormatter` logs the first address in `X-Forwarded-For`, whoever sent it.
 * But anyone can send that header: `curl -H 'X-Forwarded-For: 1.2.3.4'` puts a made-up
 * address in your log. A proxy *appends* the address it saw to the header, so the
 * entries a client cannot forge are the ones on the right, added by proxies you run.
 *
 * 1. `clientAddressFor(request, trustedProxies)`: the address to log.
 *    - The connection's peer is `request.getClientAddress().host`. When the peer is not
 *      one of `trustedProxies`, return it: the header is ignored.
 *    - When the peer is trusted, read `X-Forwarded-For` (`request.getHeader(…)`), split
 *      it on commas, trim each entry, and walk from the right, skipping entries that
 *      are themselves trusted proxies. The first other entry is the client.
 *    - A trusted peer with no header, or with only trusted entries, logs the peer
 *      itself (or the leftmost entry, when there are only trusted ones).
 *
 * 2. `trustedProxyLogFormatter(trustedProxies)`: a LogFormatter (a function of the
 *    timestamp and the request) that returns the combined-format line of
 *    `combinedLine` (written for you) with the address from step 1.
 *
 * 3. `createLoggedSite(root, logPath, trustedProxies, options)`: a Site for `root` that
 *    appends its access log to the file `logPath`, formatted by step 2, and passes every
 *    other option on to the Site (the grader gives it a clock).
 *
 * Check your work with `npm run grade 14`. Stuck? `npm run hint 14`.
 */
import { Site, type IResource, type LogFormatter, type Request, type SiteOptions } from '../../lib/index.ts';
import { escapeField } from '../../lib/access-log.ts';

export function clientAddressFor(request: Request, trustedProxies: readonly string[]): string {
  // TODO 1: the peer, unless it is a trusted proxy; then the rightmost untrusted X-Forwarded-For entry.
  return `TODO ${request.getClientAddress().host} ${trustedProxies.length}`;
}

export function trustedProxyLogFormatter(trustedProxies: readonly string[]): LogFormatter {
  // TODO 2: return a function (timestamp, request) => the line, using clientAddressFor.
  return (timestamp, request) => `TODO ${trustedProxies.length} ${timestamp} ${request.uri}`;
}

export function createLoggedSite(root: IResource, logPath: string, trustedProxies: readonly string[], options: SiteOptions = {}): Site {
  // TODO 3: add the Site options for an access log at logPath, formatted by
  //         trustedProxyLogFormatter(trustedProxies), keeping the caller's options.
  return new Site(root, options);
}

/**
 * One line in the combined log format, for the client address `ip`:
 * `"ip" - - [timestamp] "METHOD uri HTTP/1.1" status bytes "referer" "user-agent"`.
 */
export function combinedLine(ip: string, timestamp: string, request: Request): string {
  const bytes = request.sentLength === 0 ? '-' : String(request.sentLength);
  return `"${escapeField(ip)}" - - ${timestamp} "${escapeField(request.method)} ${escapeField(request.uri)} ` +
    `${escapeField(request.clientproto)}" ${request.code} ${bytes} ` +
    `"${escapeField(request.getHeader('referer') ?? '-')}" "${escapeField(request.getHeader('user-agent') ?? '-')}"`;
}
