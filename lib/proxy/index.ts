/**
 * @module
 * Proxies: `ReverseProxyResource` (a path of this site answered by another server) and
 * `ForwardProxyResource` (a proxy for browsers), in resource.ts; the exchange with the
 * upstream in client.ts; the CONNECT tunnels that carry https:// in tunnel.ts; what
 * happens to headers on the way, both ways, in headers.ts.
 *
 * Twisted counterpart: `twisted.web.proxy`. The proxies guide
 * (docs/guide/proxies-and-virtual-hosts.md) draws a request's trip. Lesson 22 (proxies).
 */

export { ForwardProxyResource, ReverseProxyResource, parseProxyTarget, type ForwardProxyOptions } from './resource.ts';
export { DEFAULT_TUNNEL_PORTS, openTunnel, tunnelTarget, type TunnelTarget } from './tunnel.ts';
export { DEFAULT_PROXY_TIMEOUT, ProxyClientFactory, type ProxyClientOptions, type UpstreamTarget } from './client.ts';
export { upstreamHeaders } from './headers.ts';
