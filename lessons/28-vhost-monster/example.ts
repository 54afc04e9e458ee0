/**
 * Lesson 28: VHostMonster behind a reverse proxy. One process runs two Sites:
 *
 * - the **back** Site, on a free loopback port, standing for your application server.
 *   Its pages build absolute URLs with `prePathURL()`, and it mounts a
 *   `VHostMonsterResource` at `/vhm`;
 * - the **front** Site, on the lesson's port (8028), which the public reaches. Its root
 *   is a `NameVirtualHost` (lesson 24) whose every tree is a `ReverseProxyResource` to
 *   the back Site, each with a different upstream path:
 *   - `www.example.org`    → `/vhm/http/www.example.org`, through the monster;
 *   - `secure.example.org` → `/vhm/https/secure.example.org`, through the monster, as if
 *     a TLS terminator stood in front (this lesson has none: curl speaks plain HTTP);
 *   - any other name      → the back Site's root, with no monster, to show the problem.
 */
import {
  NameVirtualHost, ProxyClientFactory, Resource, ReverseProxyResource, Site, VHostMonsterResource, realClock, redirectTo,
  type Request, type SiteOptions,
} from '../../lib/index.ts';
import type { Try } from '../lesson.ts';

// #region back-site
/**
 * The application server's tree. `/where` reports the URL the back Site believes it was
 * reached at; `/old` redirects to `/where`, building the URL from the request; `/vhm`
 * is the monster, for the front's proxies to point at.
 */
export function backRoot(): Resource {
  const root = new Resource();
  root.putChild('where', new Where());
  root.putChild('old', new MovedToWhere());
  root.putChild('vhm', new VHostMonsterResource());
  return root;
}

/** What this request looks like from inside the back Site. */
class Where extends Resource {
  override isLeaf = true;

  render_GET(request: Request): string {
    request.setHeader('content-type', 'text/plain; charset=utf-8');
    return [
      `prePathURL: ${request.prePathURL()}`,
      `isSecure: ${request.isSecure()}`,
      `Host header: ${request.getHeader('host') ?? '(none)'}`,
      `uri: ${request.uri}`,
      '',
    ].join('\n');
  }
}

/** A page that moved: the redirect's absolute URL is built from the request, as most are. */
class MovedToWhere extends Resource {
  render_GET(request: Request): string {
    return redirectTo(request.URLPath().sibling('where').toString(), request);
  }
}
// #endregion back-site

// #region front-root
/**
 * The public server's tree: one reverse proxy per public name, all to the back Site at
 * `backPort`, sharing `factory` (one pool of kept-alive connections).
 */
export function frontRoot(backPort: number, factory: ProxyClientFactory): NameVirtualHost {
  const vhosts = new NameVirtualHost();
  // The public name goes into the upstream path, for the monster to read back.
  vhosts.addHost('www.example.org', new ReverseProxyResource('127.0.0.1', backPort, '/vhm/http/www.example.org', factory));
  vhosts.addHost('secure.example.org', new ReverseProxyResource('127.0.0.1', backPort, '/vhm/https/secure.example.org', factory));
  // No monster: the back Site sees only the proxy's own request, and builds URLs from it.
  vhosts.default = new ReverseProxyResource('127.0.0.1', backPort, '', factory);
  return vhosts;
}
// #endregion front-root

// #region create-site
/** The front Site, which starts the back Site before it and stops it after. */
export class FrontSite extends Site {
  readonly back: Site;
  /** `http://127.0.0.1:PORT/` of the back Site: ask it for `vhm/https/www.example.org/where` yourself. */
  readonly backUrl: string;
  readonly #factory: ProxyClientFactory;

  constructor(back: Site, backUrl: string, options: SiteOptions) {
    // The proxy waits for a real socket, so it times out by the real clock, whatever
    // clock the Site was given (the tests give one on which time flies).
    const factory = new ProxyClientFactory({ clock: realClock });
    super(frontRoot(Number(new URL(backUrl).port), factory), options);
    this.back = back;
    this.backUrl = backUrl;
    this.#factory = factory;
  }

  /** Stop the front, then the back Site behind it, then the kept-alive upstream connections. */
  override async close(): Promise<void> {
    await super.close();
    await this.back.close();
    await this.#factory.close();
  }
}

export async function createSite(options: SiteOptions = {}): Promise<FrontSite> {
  const back = new Site(backRoot(), options);
  // Loopback only: whoever can reach the monster can claim to be any public host.
  const { url } = await back.listen('tcp:0:interface=127.0.0.1');
  return new FrontSite(back, url, options);
}
// #endregion create-site

export const tryThis: Try[] = [
  { note: 'no monster: the back Site names itself, a URL the public cannot reach', path: '/where', expect: { code: 200, bodyIncludes: 'prePathURL: http://127.0.0.1:' } },
  { note: 'through the monster: the public name', path: '/where', headers: { Host: 'www.example.org' }, expect: { code: 200, bodyIncludes: 'prePathURL: http://www.example.org/where' } },
  { note: 'through the monster, https: the public scheme too', path: '/where', headers: { Host: 'secure.example.org' }, expect: { code: 200, bodyIncludes: 'prePathURL: https://secure.example.org/where\nisSecure: true' } },
  { note: 'the monster cut its part off uri; the query stays', path: '/where/a%20b?z=1', headers: { Host: 'www.example.org' }, expect: { code: 200, bodyIncludes: 'uri: /where/a%20b?z=1' } },
  { note: 'a redirect with no monster sends the browser to the back Site', path: '/old', expect: { code: 302, bodyIncludes: 'http://127.0.0.1:' } },
  { note: 'a redirect through the monster names the public host', path: '/old', headers: { Host: 'secure.example.org' }, expect: { code: 302, bodyIncludes: 'https://secure.example.org/where' } },
];
