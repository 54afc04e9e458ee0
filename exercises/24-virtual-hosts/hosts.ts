/**
 * Exercise 24 · Virtual hosts: three names, one port.
 *
 * A bakery runs everything on one server. Write `createRoot()` so that it returns a
 * `NameVirtualHost` that sends each request to the right tree by its `Host` header:
 *
 * 1. `www.bakery.test`     → `shopTree()` (below, written for you):
 *      /      answers  <html><body>Fresh bread every morning.</body></html>
 *      /menu  answers  <html><body>Bread, buns and cake.</body></html>
 * 2. `bakery.test`         → the very same shop: one tree, reachable by both names.
 * 3. `orders.bakery.test`  → `new OrdersDesk()` (below), a leaf that answers for every path.
 * 4. Any other name, and a request with no Host header at all, gets
 *    `new Page('No bakery here. Try www.bakery.test.')`.
 *
 * Names must match in any case and on any port: `Host: WWW.Bakery.TEST:8080` is the shop.
 * `NameVirtualHost` does that for you, as long as you give `addHost` the bare name.
 * Grade with `npm run grade 24`; stuck? `npm run hint 24`.
 */
import { NameVirtualHost, Resource, escapeHTML, type IResource, type Request } from '../../lib/index.ts';

/** A page that answers GET with `html` (which must already be safe HTML) inside `<html><body>`. */
export class Page extends Resource {
  override isLeaf = true;
  readonly html: string;

  constructor(html: string) {
    super();
    this.html = html;
  }

  render_GET(_request: Request): string {
    return `<html><body>${this.html}</body></html>`;
  }
}

/** The shop's pages: `/` and `/menu`. */
export function shopTree(): IResource {
  const shop = new Resource();
  shop.putChild('', new Page('Fresh bread every morning.'));
  shop.putChild('menu', new Page('Bread, buns and cake.'));
  return shop;
}

/** The orders desk: one leaf that names the order in the path, `/42` → "Order 42". */
export class OrdersDesk extends Resource {
  override isLeaf = true;

  render_GET(request: Request): string {
    // The path comes from the client: escape it before it goes into the page.
    const order = escapeHTML(request.postpath.join('/'));
    return order === '' ? 'Which order? Ask for /NUMBER.' : `Order ${order} is in the oven.`;
  }
}

/** The server's root: a virtual host for each of the bakery's names, and a default. */
export function createRoot(): IResource {
  const vhosts = new NameVirtualHost();
  // TODO: steps 1 to 4 above: vhosts.addHost(name, tree) for each name, then vhosts.default.
  return vhosts;
}
