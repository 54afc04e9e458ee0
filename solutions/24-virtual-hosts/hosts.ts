/**
 * Reference solution for exercise 24 (three names, one port). Read it after your own
 * passes: `npm run solution 24`.
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
  // One shop tree for both names: a page added to it appears under both at once.
  const shop = shopTree();
  vhosts.addHost('www.bakery.test', shop);
  vhosts.addHost('bakery.test', shop);
  vhosts.addHost('orders.bakery.test', new OrdersDesk());
  // Unknown names, and HTTP/1.0 clients that send no Host, land here instead of on a 404.
  vhosts.default = new Page('No bakery here. Try www.bakery.test.');
  return vhosts;
}
