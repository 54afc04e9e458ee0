/**
 * Exercise 22 · Proxies: a shop's front server.
 *
 * The shop's application server (the *backend*) serves its catalogue under `/store/`.
 * The public talks to this front server instead, whose tree `createRoot` builds. Two
 * pages are answered here already: `/` and `/status`. Add the rest:
 *
 * 1. `/shop/…` is the backend's `/store/…`: `/shop/items/7?color=red` goes to the backend
 *    as `/store/items/7?color=red`, `/shop` as `/store`, `/shop/` as `/store/`, with the
 *    method, headers and body the client sent. Its answer (status, headers, body) comes
 *    back as it is. One `ReverseProxyResource` does all of that.
 * 2. `/v1/…` is the shop's old address. It goes to the very same `/store/…`, but every
 *    answer from it, at any depth, also carries the header `Deprecation: DEPRECATION`,
 *    so that clients learn to move to `/shop/`. Write the `Deprecated` wrapper below to
 *    do that, and mount a wrapped proxy at `v1`.
 *
 * Give every proxy the `factory` you are passed (the fourth argument of
 * `ReverseProxyResource`): then they share one pool of kept-alive connections to the
 * backend, and the settings chosen for it.
 *
 * Grade with `npm run grade 22`; stuck? `npm run hint 22`.
 */
import {
  Data, ProxyClientFactory, Resource, ReverseProxyResource,
  type IResource, type RenderResult, type Request,
} from '../../lib/index.ts';

/** Where the shop's application server listens. */
export interface Backend {
  readonly host: string;
  readonly port: number;
}

/** The `Deprecation` header's value (RFC 9745): deprecated since 2026-01-01, in Unix seconds. */
export const DEPRECATION = '@1767225600';

/**
 * Wraps a resource, and the whole tree below it, so that every answer from it carries
 * `Deprecation: DEPRECATION`.
 */
export class Deprecated extends Resource {
  readonly inner: IResource;

  constructor(inner: IResource) {
    super();
    this.inner = inner;
  }

  // TODO (step 2): override getChild(name, request), so that the walk goes on in the
  // inner resource's tree, still wrapped; and override render(request), so that it sets
  // the header and then lets the inner resource answer.
}

/** The front server's tree. Every proxy shares `factory`, so one pool of connections. */
export function createRoot(backend: Backend, factory: ProxyClientFactory): Resource {
  const root = new Resource();
  root.putChild('', new Data('The shop. Browse /shop/.\n', 'text/plain; charset=utf-8'));
  root.putChild('status', new Data('front: ok\n', 'text/plain; charset=utf-8'));
  // TODO (step 1): mount a ReverseProxyResource at 'shop' for the backend's /store.
  // TODO (step 2): mount one at 'v1' as well, wrapped in a Deprecated.
  // ReverseProxyResource, RenderResult and Request are imported for you.
  return root;
}
