/**
 * Exercise 31 · A cart that survives a second process.
 *
 * The shop's `/cart` page: GET shows the cart, POST with a form field `item` adds one
 * item and shows the cart. Each answer also says which client it is for. It works with
 * one process. Behind nginx, with two processes sharing their sessions in Redis, carts
 * go missing: a visitor adds tea on one process, and the other shows an empty cart.
 *
 * 1. The carts live in `carts`, a Map in this module, keyed by session uid. Every
 *    process has its own copy of this module, so its own Map. Keep each cart in its
 *    session instead, under `CartItems`: read it with `request.getSession(CartItems)`,
 *    and store the changed cart with `session.setComponent(CartItems, …)`. A session kept
 *    in Redis holds JSON data, so the cart is a plain array of strings; the session is
 *    written back to the store when the response ends. Then delete `carts`.
 * 2. `clientAddress(request, trustedProxies)` names the client for the page. Behind a
 *    proxy, the connection comes from the proxy, and the proxy says who the client was
 *    in `X-Forwarded-For` (a list, `a, b, c`: each proxy appends the address it saw).
 *    Believe it only when the connection comes from a proxy you trust:
 *      - the connection's address (`request.getClientAddress().host`) is in
 *        `trustedProxies`, and there is an `X-Forwarded-For` header: the *last*
 *        address in it (the one your proxy wrote; the ones before it could be forged);
 *      - otherwise: the connection's own address.
 *
 * Grade with `npm run grade 31`; stuck? `npm run hint 31`.
 */
import { ComponentKey, Resource, type Request } from '../../lib/index.ts';

/** A session's cart: the items, in the order added. Plain data, so Redis can keep it. */
export const CartItems = new ComponentKey<string[]>('cart-items', () => []);

// TODO 1: the carts must not live in this process. Remove this Map.
const carts = new Map<string, string[]>();

/** `/cart`: GET shows it, POST adds `item`. */
export class CartPage extends Resource {
  override isLeaf = true;
  readonly trustedProxies: ReadonlySet<string>;

  constructor(trustedProxies: ReadonlySet<string> = new Set()) {
    super();
    this.trustedProxies = trustedProxies;
  }

  render_GET(request: Request): string {
    return this.#show(request, this.#items(request));
  }

  render_POST(request: Request): string {
    const item = request.args.get('item')?.[0];
    const items = this.#items(request);
    if (item !== undefined && item !== '') {
      // TODO 1: store the new cart in the session instead.
      carts.set(request.getSession().uid, [...items, item]);
      return this.#show(request, [...items, item]);
    }
    return this.#show(request, items);
  }

  /** The cart of this request's session. */
  #items(request: Request): string[] {
    // TODO 1: read the cart from the session.
    return carts.get(request.getSession().uid) ?? [];
  }

  #show(request: Request, items: readonly string[]): string {
    request.setHeader('content-type', 'text/plain; charset=utf-8');
    const list = items.length === 0 ? '(empty)' : items.join(', ');
    return `Cart for ${clientAddress(request, this.trustedProxies)}: ${list}\n`;
  }
}

/** Who the client is: the last X-Forwarded-For address when a trusted proxy sent the request, else the connection's address. */
export function clientAddress(request: Request, trustedProxies: ReadonlySet<string>): string {
  // TODO 2: believe X-Forwarded-For only from a trusted proxy.
  void trustedProxies;
  return request.getClientAddress().host;
}
