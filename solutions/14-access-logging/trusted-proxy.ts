/**
 * Reference solution for exercise 14 (an access log that only believes X-Forwarded-For
 * from your own proxies). See exercises/14-access-logging/trusted-proxy.ts for the task.
 */
import { Site, type IResource, type LogFormatter, type Request, type SiteOptions } from '../../lib/index.ts';
import { escapeField } from '../../lib/access-log.ts';

export function clientAddressFor(request: Request, trustedProxies: readonly string[]): string {
  const peer = request.getClientAddress().host;
  if (!trustedProxies.includes(peer)) return peer;
  const header = request.getHeader('x-forwarded-for');
  if (header === undefined) return peer;
  const hops = header.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  // Each proxy appended the address it saw; only the entries our own proxies wrote can be
  // trusted, so the client is the first untrusted one counting from the right.
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!trustedProxies.includes(hops[i]!)) return hops[i]!;
  }
  return hops[0] ?? peer;
}

export function trustedProxyLogFormatter(trustedProxies: readonly string[]): LogFormatter {
  return (timestamp, request) => combinedLine(clientAddressFor(request, trustedProxies), timestamp, request);
}

export function createLoggedSite(root: IResource, logPath: string, trustedProxies: readonly string[], options: SiteOptions = {}): Site {
  return new Site(root, { ...options, accessLog: logPath, logFormatter: trustedProxyLogFormatter(trustedProxies) });
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
