/**
 * Reference solution for exercise 22 (a shop's front server). Read it after your own
 * passes: `npm run solution 22`.
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
    // A leaf answers for the whole path below it; so must its wrapper, or the walk would go on.
    this.isLeaf = inner.isLeaf;
  }

  /** One segment further down: the inner resource's child, wrapped in turn. */
  override getChild(name: string, request: Request): IResource {
    return new Deprecated(this.inner.getChildWithDefault(name, request));
  }

  /** Mark the answer, then let the inner resource give it. */
  override render(request: Request): RenderResult {
    // Set before the proxy copies the upstream's head: that head adds its headers to
    // ours, so this one survives.
    request.setHeader('deprecation', DEPRECATION);
    return this.inner.render(request);
  }
}

/** The front server's tree. Every proxy shares `factory`, so one pool of connections. */
export function createRoot(backend: Backend, factory: ProxyClientFactory): Resource {
  const root = new Resource();
  root.putChild('', new Data('The shop. Browse /shop/.\n', 'text/plain; charset=utf-8'));
  root.putChild('status', new Data('front: ok\n', 'text/plain; charset=utf-8'));
  // No trailing slash on '/store': a request for /shop/ adds it.
  root.putChild('shop', new ReverseProxyResource(backend.host, backend.port, '/store', factory));
  root.putChild('v1', new Deprecated(new ReverseProxyResource(backend.host, backend.port, '/store', factory)));
  return root;
}
