/**
 * Reference solution for exercise 28 (a newsletter behind a reverse proxy). Read it
 * after your own passes: `npm run solution 28`.
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
  // The proxy points at /proxied/<scheme>/<host>; the monster reads those two segments.
  root.putChild('proxied', new VHostMonsterResource());
  return root;
}

/** The upstream path that tells the monster at /proxied what `publicUrl` is. */
export function upstreamPath(publicUrl: string): string {
  const url = new URL(publicUrl);
  // protocol ends with a colon; host already leaves out a default port and keeps IPv6 brackets.
  return `/proxied/${url.protocol.slice(0, -1)}/${url.host}`;
}

/** The public server's tree: everything goes to the back server on 127.0.0.1:`backPort`, through the monster. */
export function createFrontRoot(backPort: number, publicUrl: string): IResource {
  return new ReverseProxyResource('127.0.0.1', backPort, upstreamPath(publicUrl));
}
