/**
 * @module
 * Virtual hosting: one server answering for several host names, and a server behind a
 * reverse proxy building its URLs with the public name.
 *
 * `NameVirtualHost` picks a resource tree by the request's `Host` header, so
 * `www.example.org` and `api.example.org` can share one port. It consumes no path
 * segment: whatever it picked carries on the walk as if it were the root.
 * `VHostMonsterResource` is for a Site that sits behind a reverse proxy: the proxy puts
 * the public scheme and host in the path (`/vhm/https/www.example.org:443/…`), and the
 * monster takes them out again, tells the request it arrived as that host, and walks
 * the rest of the path from the Site's root. Links, redirects and `prePathURL()` then
 * name the public server instead of the back one.
 *
 * Twisted counterpart: `twisted.web.vhost` (`NameVirtualHost`, `VHostMonsterResource`,
 * `_HostResource`). Loom differs:
 * - host names match whatever their case, because `addHost` lower-cases its key as the
 *   lookup lower-cases the header (Twisted compares keys exactly, so a mixed-case key
 *   can never match);
 * - an IPv6 `Host` such as `[::1]:8080` is read as `::1`, because only the port after
 *   the `]` is cut (Twisted cuts at the first colon and gets `[`);
 * - the monster defaults the port to 443 for https, because that is the port an https
 *   URL without one means (Twisted uses 80 even for https);
 * - the rewritten `uri` and `path` drop exactly the segments the walk consumed, because
 *   the monster may be mounted at any depth (Twisted's cut assumes one level deep and a
 *   scheme of `http` or `https`, and corrupts `uri` otherwise);
 * - a scheme other than http or https, a missing host or a bad port is answered 400,
 *   because guessing would build wrong public URLs (Twisted leaves `isSecure` alone);
 * - `removeHost` of a name never added throws `LOOM_ERR_NO_SUCH_HOST` (Twisted: KeyError).
 * Left out: `VirtualHostCollection`, a configuration helper no request ever reaches.
 * Tests: `test/vhost.test.ts`. Lessons 24 (virtual-hosts) and 28 (vhost-monster).
 */

import { percentDecode, quoteSegment } from './plumbing/url.ts';
import { LoomError } from './errors.ts';
import { hostFromHeader } from './plumbing/http.ts';
import { errorPage, notFound, type ErrorPage } from './pages.ts';
import type { Request } from './request.ts';
import { Resource, type IResource, type RenderResult } from './resource.ts';
import { Site } from './site.ts';

/** The shape of a VHostMonster URL, quoted in every 400 page it sends. */
const MONSTER_URL_SHAPE = '<mount>/<http|https>/<host[:port]>/<path>';

// #region vhost-name-virtual-host
/**
 * Several sites on one port, told apart by the `Host` header. Each name maps to the
 * root of a resource tree; a request for a name not in the map goes to `default`, or
 * gets a 404 page naming the host.
 *
 * @example
 * const vhosts = new NameVirtualHost();
 * vhosts.addHost('www.example.org', new File('/srv/www'));
 * vhosts.addHost('api.example.org', api);
 * vhosts.default = new File('/srv/default');
 * await new Site(vhosts).listen('tcp:8080');
 */
export class NameVirtualHost extends Resource {
  /** Host name (lower case, no port, IPv6 without brackets) to the root of its tree. */
  readonly hosts = new Map<string, IResource>();
  /** The tree for requests whose host is not in `hosts`, or that have no Host header. @default null (a 404) */
  default: IResource | null = null;

  /**
   * Serve `resource` for requests whose Host header names `name`. The name matches in
   * any case and on any port: `Example.ORG` matches `Host: example.org:8080`. An IPv6
   * address may be given with or without brackets.
   *
   * @throws LoomError `LOOM_ERR_INVALID_ARGUMENT` when `name` is empty or has a port.
   */
  addHost(name: string, resource: IResource): void {
    this.hosts.set(hostKey(name), resource);
  }

  /**
   * Stop serving `name`.
   *
   * @throws LoomError `LOOM_ERR_NO_SUCH_HOST` when `name` was never added.
   */
  removeHost(name: string): void {
    const key = hostKey(name);
    if (!this.hosts.delete(key)) {
      const known = [...this.hosts.keys()].join(', ') || 'none';
      throw new LoomError('LOOM_ERR_NO_SUCH_HOST',
        `NameVirtualHost.removeHost("${name}"): no host "${key}" was added (hosts: ${known}). Check the spelling, or add it first with addHost.`);
    }
  }

  // #region vhost-pick-host
  /** The tree this request is for: its host's, else `default`, else a 404 page. */
  getHostResource(request: Request): IResource {
    const header = request.getHeader('host');
    if (header === undefined || header === '') return this.default ?? notFound();
    const host = hostnameOf(header);
    return this.hosts.get(host) ?? this.default ?? notFound('Not Found', `host '${host}' not in vhost map`);
  }
  // #endregion vhost-pick-host

  /**
   * Render the chosen tree's root. This happens only when the path ends at the virtual
   * host itself (one mounted at `/sites`, asked for `/sites`): `/` has one empty segment
   * left, which `getChild` hands to the chosen tree.
   */
  override render(request: Request): RenderResult {
    return this.getHostResource(request).render(request);
  }

  // #region vhost-get-child
  /**
   * Hand the segment to the chosen tree, so that the virtual host consumes no segment of
   * its own. A leaf gets the segment back: traversal put it in `prepath`, but a leaf
   * answers for everything below it and must find the whole path in `postpath`.
   */
  override getChild(name: string, request: Request): IResource {
    const chosen = this.getHostResource(request);
    if (!chosen.isLeaf) return chosen.getChildWithDefault(name, request);
    request.postpath.unshift(request.prepath.pop()!);
    return chosen;
  }
  // #endregion vhost-get-child
}
// #endregion vhost-name-virtual-host

// #region vhost-monster
/**
 * Put this in a Site that runs behind a reverse proxy, and point the proxy at
 * `<mount>/<scheme>/<host[:port]>/`: the scheme and host are what the public sees.
 * Requests then behave as if they had reached the public server: `isSecure()`,
 * `getHost()`, the Host header and `prePathURL()` give the public scheme, name and port,
 * and `uri`, `path` and `prepath` lose the monster's part. The rest of the path is walked
 * again from the Site's root.
 *
 * @example
 * // The back server, on 127.0.0.1:8538, with the monster at /vhm:
 * root.putChild('vhm', new VHostMonsterResource());
 * await new Site(root).listen('tcp:8538:interface=127.0.0.1');
 * // The front server, which the public reaches as https://www.example.org through a
 * // TLS terminator: its whole URL space goes to the back server, below the monster.
 * const proxy = new ReverseProxyResource('127.0.0.1', 8538, '/vhm/https/www.example.org');
 * await new Site(proxy).listen('tcp:8080:interface=127.0.0.1');
 */
export class VHostMonsterResource extends Resource {
  // Two shared children, made once: the scheme segment picks one, so a request makes none.
  readonly #http = new HostResource(false);
  readonly #https = new HostResource(true);

  /** The resource for the scheme segment: `http` or `https` (in any case); anything else is a 400. */
  override getChild(scheme: string, _request: Request): IResource {
    switch (scheme.toLowerCase()) {
      case 'http': return this.#http;
      case 'https': return this.#https;
      default: return badMonsterURL(`"${scheme}" is not a scheme VHostMonster knows; use http or https.`);
    }
  }

  /** The monster's own URL names no public host: a 400 that shows the expected shape. */
  override render(request: Request): RenderResult {
    return badMonsterURL('The URL stops before the scheme.').render(request);
  }
}
// #endregion vhost-monster

/**
 * The child of {@link VHostMonsterResource} for one scheme: its own child segment is the
 * public `host[:port]`, and asking for it rewrites the request and walks the rest of the
 * path from the Site's root. Twisted's `_HostResource`.
 */
export class HostResource extends Resource {
  /** True for the `https` scheme. */
  readonly secure: boolean;

  constructor(secure: boolean) {
    super();
    this.secure = secure;
  }

  // #region vhost-monster-host
  /**
   * Make the request look as if it had reached `hostport` directly, then find the
   * resource for the rest of the path, starting again from the Site's root.
   */
  override getChild(hostport: string, request: Request): IResource {
    const site = request.site;
    if (!(site instanceof Site)) {
      throw new LoomError('LOOM_ERR_INVALID_ARGUMENT', 'VHostMonsterResource walks the path again from the Site root, so the request needs a Site (makeRequest(options, site)).');
    }
    const target = parseHostPort(hostport, this.secure ? 443 : 80);
    if (target === null) return badMonsterURL(`"${hostport}" is not a host with an optional port, such as www.example.org or www.example.org:8443.`);
    request.setHost(target.host, target.port, this.secure);
    rewriteTarget(request);
    // Everything consumed so far was the monster's; the public URL starts at the root.
    request.prepath = [];
    return site.getResourceFor(request);
  }
  // #endregion vhost-monster-host

  /** A URL that ends after the scheme names no host: a 400 that shows the expected shape. */
  override render(request: Request): RenderResult {
    return badMonsterURL('The URL stops before the host.').render(request);
  }
}

// #region vhost-monster-rewrite
/**
 * Cut the consumed segments off `path` and `uri`, keeping the query: what is left is
 * the path still to walk. It is taken from the raw path as the client sent it, so its
 * percent-encoding survives; when something before the monster rewrote `postpath` and
 * the two no longer agree, the path is rebuilt from `postpath` instead.
 */
function rewriteTarget(request: Request): void {
  const left = request.postpath;
  const raw = request.path.split('/');
  const tail = raw.slice(raw.length - left.length);
  const path = left.length > 0 && tail.length === left.length && tail.every((s, i) => decoded(s) === left[i])
    ? `/${tail.join('/')}`
    : `/${left.map(quoteSegment).join('/')}`;
  const q = request.uri.indexOf('?');
  request.path = path;
  request.uri = q < 0 ? path : path + request.uri.slice(q);
}
// #endregion vhost-monster-rewrite

// #region vhost-host-name
/**
 * The host name in a Host header value as virtual hosts compare it: lower case (host
 * names are case-insensitive), port cut, IPv6 brackets removed (`hostFromHeader`, which
 * `request.getRequestHostname()` uses too). `WWW.Example.org:8080` → `www.example.org`;
 * `[::1]:8080` → `::1`.
 */
export function hostnameOf(header: string): string {
  return hostFromHeader(header.trim().toLowerCase());
}
// #endregion vhost-host-name

/**
 * The key `addHost` stores a name under: the form `hostnameOf` gives a Host header. A
 * name that `hostnameOf` would shorten has a port (or a stray bracket), and could never
 * match, so it is refused rather than stored.
 */
function hostKey(name: string): string {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new LoomError('LOOM_ERR_INVALID_ARGUMENT', `A virtual host needs a name such as "www.example.org", got ${JSON.stringify(name)}.`);
  }
  const given = name.trim().toLowerCase();
  // Two colons or more, no brackets: a bare IPv6 address such as ::1, kept whole.
  if (!given.startsWith('[') && given.indexOf(':') !== given.lastIndexOf(':')) return given;
  const key = hostnameOf(given);
  const brackets = given.startsWith('[') ? 2 : 0;
  if (key.length + brackets !== given.length) {
    throw new LoomError('LOOM_ERR_INVALID_ARGUMENT',
      `addHost("${name}"): virtual hosts are matched by name only, without a port, so this could never match. Use addHost("${key}").`);
  }
  return key;
}

// Names and IPv4 addresses (RFC 3986 reg-name, less the sub-delims and %-escapes no DNS
// name uses), or a bracketed IPv6 literal. Anything else could smuggle markup or header
// syntax into the URLs built from it.
const HOST_PORT = /^(?:([a-z0-9._~-]+)|\[([0-9a-f:.]+)\])(?::(\d{1,5}))?$/i;

/** `www.example.org:8443` → `{ host, port: 8443 }`; no port gives `defaultPort`; junk gives null. */
function parseHostPort(segment: string, defaultPort: number): { host: string; port: number } | null {
  const match = HOST_PORT.exec(segment);
  if (match === null) return null;
  const port = match[3] === undefined ? defaultPort : Number(match[3]);
  if (port < 1 || port > 65535) return null;
  return { host: (match[1] ?? match[2])!, port };
}

/** A 400 page for a VHostMonster URL that cannot be read, saying why and what it should look like. */
function badMonsterURL(why: string): ErrorPage {
  return errorPage(400, 'Bad Request', `${why} VHostMonster URLs look like ${MONSTER_URL_SHAPE}.`);
}

function decoded(segment: string): string {
  return segment.includes('%') ? percentDecode(segment) : segment;
}
