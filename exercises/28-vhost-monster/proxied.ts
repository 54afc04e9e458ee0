/**
 * Exercise 28 · VHostMonster: a newsletter behind a reverse proxy.
 *
 * The newsletter app runs on a back server that only the proxy reaches. The public
 * knows it as PUBLIC_URL, for instance `https://news.example.org`. Its `/signup` page
 * answers with a redirect to `/thanks`, built from `request.URLPath()`. Without help,
 * that redirect names the back server, where the public cannot follow it. Make it name
 * the public server:
 *
 * 1. In `createBackRoot()`, mount a `VHostMonsterResource` at `/proxied`.
 * 2. Write `upstreamPath(publicUrl)`: the path the proxy should put in front of every
 *    request so that the monster learns the public scheme, host and port:
 *      'https://news.example.org'       → '/proxied/https/news.example.org'
 *      'http://news.example.org:8080'   → '/proxied/http/news.example.org:8080'
 *      'http://news.example.org:80/'    → '/proxied/http/news.example.org'
 *    Leave the port out when it is the scheme's default (the `URL` class already does),
 *    and leave out any trailing slash: the proxy adds the request's own path after it.
 * 3. Write `createFrontRoot(backPort, publicUrl)`: a `ReverseProxyResource` to
 *    127.0.0.1:`backPort` whose upstream path is `upstreamPath(publicUrl)`.
 *
 * Grade with `npm run grade 28`; stuck? `npm run hint 28`.
 */
import { Resource, ReverseProxyResource, VHostMonsterResource, redirectTo, type IResource, type Request } from '../../lib/index.ts';

/** `/signup`: signs the reader up (pretend) and sends them on to `/thanks`. */
export class Signup extends Resource {
  render_GET(request: Request): string {
    // An absolute URL built from the request: right only if the request knows the public host.
    return redirectTo(request.URLPath().sibling('thanks').toString(), request);
  }
}

/** `/thanks`: a plain page. */
export class Thanks extends Resource {
  render_GET(_request: Request): string {
    return '<html><body>Thanks for signing up.</body></html>';
  }
}

/** The back server's tree. */
export function createBackRoot(): Resource {
  const root = new Resource();
  root.putChild('signup', new Signup());
  root.putChild('thanks', new Thanks());
  // TODO 1: mount a VHostMonsterResource at /proxied.
  return root;
}

/** The upstream path that tells the monster at /proxied what `publicUrl` is. */
export function upstreamPath(publicUrl: string): string {
  // TODO 2: new URL(publicUrl) gives you .protocol ('https:') and .host ('news.example.org:8080',
  // or just 'news.example.org' when the port is the scheme's default).
  throw new Error(`upstreamPath is not written yet (asked for ${publicUrl}).`);
}

/** The public server's tree: everything goes to the back server on 127.0.0.1:`backPort`, through the monster. */
export function createFrontRoot(backPort: number, publicUrl: string): IResource {
  // TODO 3: a ReverseProxyResource('127.0.0.1', backPort, …).
  throw new Error(`createFrontRoot is not written yet (asked for port ${backPort}, ${publicUrl}).`);
}
