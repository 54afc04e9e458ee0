/**
 * @module
 * Proxies: resources that answer a request by asking another HTTP server.
 *
 * A reverse proxy stands in front of a server of yours: `ReverseProxyResource(host,
 * port, path)` maps the part of the URL space it is mounted on to `path` on that server,
 * segment by segment, and passes each request on with its method, headers and body. A
 * forward proxy works for clients instead: they send it absolute URIs
 * (`GET http://example.com/ HTTP/1.1`) and `ForwardProxyResource`, as the root of a
 * Site, fetches them. Both hand the exchange itself to `lib/proxy/client.ts`.
 *
 * Twisted counterpart: `twisted.web.proxy` (`ReverseProxyResource`, `Proxy` with
 * `ProxyRequest`). Loom differs:
 * - the resources of one proxy tree share one `ProxyClientFactory`, and so one pool of
 *   kept-alive upstream connections, where Twisted connects afresh for every request;
 *   `close()` releases them;
 * - the forward proxy is a leaf resource at the root of an ordinary Site, not a channel
 *   class, because Node's parser already hands over absolute URIs as `request.uri`; it
 *   answers an unknown scheme with 400 (Twisted fails with a 500), and opens CONNECT
 *   tunnels, to port 443 only by default (lib/proxy/tunnel.ts; Twisted has none);
 * - the forward proxy replaces the client's `Host` header with the URI's host, as RFC
 *   9112 §3.2.2 requires (Twisted keeps the client's when there is one);
 * - `X-Forwarded-For`, `-Host` and `-Proto` are added by the reverse proxy unless
 *   `xForwarded: false` (the upstream is yours and needs the client's address), and not
 *   by the forward proxy unless `xForwarded: true` (the upstream is a stranger, and the
 *   client's address is none of its business).
 * Left out: Twisted's `ReverseProxy` channel, whose work a `ReverseProxyResource` with
 * path `''` at the root does. A known limit: a path segment holding bytes that are not
 * UTF-8 (`%FF`) is re-quoted from Loom's decoded string, so it goes upstream as
 * `%EF%BF%BD`, where Twisted passes the bytes on.
 * Tests: `test/proxy/resource.test.ts`. Lesson 22 (proxies) teaches it.
 */

import { LoomError } from '../errors.ts';
import { NOT_DONE_YET, Resource, type RenderResult } from '../resource.ts';
import { quoteSegment } from '../plumbing/url.ts';
import type { Request } from '../request.ts';
import { ProxyClientFactory, type ProxyClientOptions, type UpstreamTarget } from './client.ts';
import { DEFAULT_TUNNEL_PORTS, openTunnel, tunnelTarget } from './tunnel.ts';

/** Options for a {@link ForwardProxyResource}: the proxy's, plus where tunnels may go. */
export interface ForwardProxyOptions extends ProxyClientOptions {
  /** The ports a CONNECT tunnel may go to; `[]` opens none. @default [443] */
  tunnelPorts?: readonly number[];
}

// #region proxy-reverse
/**
 * Serves the URL space below it from another HTTP server. Mounted at `/app` with
 * `path` `/v2`, a request for `/app/users/7?full=1` goes to `host:port` as
 * `/v2/users/7?full=1`. The answer streams back as it arrives, with the upstream's
 * status, reason phrase and headers. Twisted's `proxy.ReverseProxyResource`.
 *
 * @example
 * const root = new Resource();
 * const api = new ReverseProxyResource('127.0.0.1', 8080, '/api');
 * root.putChild('api', api);
 * const site = new Site(root);
 * await site.listen('tcp:8000:interface=127.0.0.1');
 * // on shutdown:
 * await site.close();
 * await api.close();
 */
export class ReverseProxyResource extends Resource {
  /** The upstream server's host name or address. */
  readonly host: string;
  readonly port: number;
  /** The upstream path this resource stands for (`''` for the upstream's root). */
  readonly path: string;
  /** The connection pool and settings this resource and all its children share. */
  readonly factory: ProxyClientFactory;
  readonly #hostHeader: string;

  /**
   * @param path the upstream path for this resource: `''` for the upstream's root, else
   *   starting with `/`. Leave off a trailing slash: a request for `…/` adds one, so
   *   `/api/` would give `/api//`.
   * @param options proxy options, or a factory to share with other proxies.
   * @throws LoomError `LOOM_ERR_INVALID_ARGUMENT` for a bad host, port, path or option.
   */
  constructor(host: string, port: number, path: string, options: ProxyClientOptions | ProxyClientFactory = {}) {
    super();
    checkUpstream(host, port);
    checkPath(path);
    this.host = host;
    this.port = port;
    this.path = path;
    this.factory = options instanceof ProxyClientFactory ? options : new ProxyClientFactory(options, true);
    this.#hostHeader = hostHeader(host, port);
  }

  /**
   * A proxy for the path one segment further down. The decoded segment is quoted again
   * (`sub dir` → `sub%20dir`, `a/b` → `a%2Fb`) so it reaches the upstream as one segment.
   */
  override getChild(name: string, _request: Request): ReverseProxyResource {
    // A trailing slash (the empty segment) is the most common child of all; it needs no quoting.
    const segment = name === '' ? '' : quoteSegment(name);
    return new ReverseProxyResource(this.host, this.port, `${this.path}/${segment}`, this.factory);
  }

  /** Forward the request, whatever its method, and answer when the upstream does. */
  override render(request: Request): RenderResult {
    const uri = request.uri;
    const q = uri.indexOf('?');
    const path = this.path === '' ? '/' : this.path;
    this.factory.forward(request, { host: this.host, port: this.port, hostHeader: this.#hostHeader, path: q < 0 ? path : path + uri.slice(q) });
    return NOT_DONE_YET;
  }

  /** Close the kept-alive upstream connections (the whole tree shares them). Call it after `site.close()`. */
  close(): Promise<void> {
    return this.factory.close();
  }
}
// #endregion proxy-reverse

// #region proxy-forward
/**
 * A forward proxy: put it at the root of a Site and point clients' `http_proxy` at
 * the Site. Each request names its destination as an absolute URI
 * (`GET http://example.com/page HTTP/1.1`), which this resource fetches with the
 * client's method, headers and body. `https://` goes through a CONNECT tunnel
 * (lib/proxy/tunnel.ts), to the ports in `tunnelPorts` only. Twisted's `proxy.Proxy`
 * and `ProxyRequest`, plus the tunnels Twisted does not have.
 *
 * @example
 * const proxy = new ForwardProxyResource({ timeout: 30 });
 * await new Site(proxy).listen('tcp:3128:interface=127.0.0.1');
 * // curl --proxy http://127.0.0.1:3128 http://example.com/
 * // curl --proxy http://127.0.0.1:3128 https://example.com/   (a tunnel to port 443)
 */
export class ForwardProxyResource extends Resource {
  /** It answers for any URI: there is no tree below it to walk. */
  override isLeaf = true;
  /** The connection pool and settings for every request. */
  readonly factory: ProxyClientFactory;
  /** The ports CONNECT may tunnel to (443 by default). */
  tunnelPorts: ReadonlySet<number>;

  /**
   * @param options proxy options (`xForwarded` is off unless asked for; `tunnelPorts`),
   *   or a factory to share (tunnels then go to port 443 only).
   */
  constructor(options: ForwardProxyOptions | ProxyClientFactory = {}) {
    super();
    this.factory = options instanceof ProxyClientFactory ? options : new ProxyClientFactory(options, false);
    this.tunnelPorts = new Set(options instanceof ProxyClientFactory ? DEFAULT_TUNNEL_PORTS : (options.tunnelPorts ?? DEFAULT_TUNNEL_PORTS));
  }

  /**
   * Fetch `request.uri` for the client, or open the tunnel a CONNECT asks for.
   * @throws LoomError `LOOM_ERR_BAD_REQUEST` (400) when the target is not an `http://` URI
   *   (or, for CONNECT, not `host:port`); `LOOM_ERR_TUNNEL_REFUSED` (403) for a CONNECT
   *   to a port not in `tunnelPorts`.
   */
  override render(request: Request): RenderResult {
    if (request.method === 'CONNECT') {
      openTunnel(request, tunnelTarget(request.uri, this.tunnelPorts), this.factory.timeout, this.factory.clock);
      return NOT_DONE_YET;
    }
    this.factory.forward(request, parseProxyTarget(request.uri));
    return NOT_DONE_YET;
  }

  /** Close the kept-alive upstream connections. Call it after `site.close()`. */
  close(): Promise<void> {
    return this.factory.close();
  }
}

/**
 * Split an absolute `http://` request target into where to connect and what to ask:
 * `http://example.com:8080/a?b` → host `example.com`, port 8080, path `/a?b`. The port
 * defaults to 80 and an empty path becomes `/`, as in Twisted. A fragment and any
 * `user:password@` are dropped: neither belongs in a request to the origin.
 *
 * @throws LoomError `LOOM_ERR_BAD_REQUEST` (400) for a target that is not an absolute
 *   `http://` URI with a host and a valid port.
 */
export function parseProxyTarget(uri: string): UpstreamTarget {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(uri);
  if (scheme === null) {
    throw badTarget(`This server is a forward proxy: ask it for an absolute URI such as "GET http://example.com/ HTTP/1.1", not "${uri}".`);
  }
  if (scheme[1]!.toLowerCase() !== 'http') {
    throw badTarget(`This proxy fetches http:// URLs only, and "${scheme[1]}:" is not one it can fetch.`);
  }
  const rest = uri.slice(scheme[0].length).split('#', 1)[0]!;
  const end = rest.search(/[/?]/);
  const authority = end < 0 ? rest : rest.slice(0, end);
  const path = end < 0 ? '/' : rest[end] === '?' ? `/${rest.slice(end)}` : rest.slice(end);
  const { host, port } = splitAuthority(authority.slice(authority.lastIndexOf('@') + 1), uri);
  return { host, port, hostHeader: hostHeader(host, port), path };
}
// #endregion proxy-forward

/** `example.com:8080` → host and port; `[::1]:8080` → `::1` and 8080; no port → 80. */
function splitAuthority(authority: string, uri: string): { host: string; port: number } {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]]+)(?::(\d*))?$/.exec(authority);
  if (match === null) throw badTarget(`The URI "${uri}" has no host to connect to.`);
  const host = match[1]!.startsWith('[') ? match[1]!.slice(1, -1) : match[1]!;
  const port = match[2] === undefined || match[2] === '' ? 80 : Number(match[2]);
  if (!(port >= 1 && port <= 65535)) throw badTarget(`The URI "${uri}" has port ${match[2]}, which is not a TCP port (1 to 65535).`);
  return { host, port };
}

/** The `Host` header for an upstream: the port is left out when it is 80, as Twisted does. */
function hostHeader(host: string, port: number): string {
  const name = host.includes(':') ? `[${host}]` : host;
  return port === 80 ? name : `${name}:${port}`;
}

function badTarget(message: string): LoomError {
  return new LoomError('LOOM_ERR_BAD_REQUEST', message, { status: 400 });
}

function checkUpstream(host: string, port: number): void {
  if (typeof host !== 'string' || host === '') {
    throw new LoomError('LOOM_ERR_INVALID_ARGUMENT', `The upstream host must be a host name or address such as "127.0.0.1", got ${JSON.stringify(host)}.`);
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new LoomError('LOOM_ERR_INVALID_ARGUMENT', `The upstream port must be a whole number from 1 to 65535, got ${String(port)}.`);
  }
}

function checkPath(path: string): void {
  if (typeof path !== 'string' || (path !== '' && !path.startsWith('/'))) {
    throw new LoomError('LOOM_ERR_INVALID_ARGUMENT',
      `The upstream path must be '' (the upstream's root) or start with "/", e.g. "/api", got ${JSON.stringify(path)}.`);
  }
}
