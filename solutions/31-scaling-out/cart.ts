/**
 * Exercise 31 · A cart that survives a second process: reference solution.
 *
 * The cart is a session component, a plain array replaced on each change, so a session
 * store outside the process (Redis) keeps it and every process finds it; the client's
 * address comes from `X-Forwarded-For` only when the connection is from a trusted proxy.
 */
import { ComponentKey, Resource, type Request } from '../../lib/index.ts';

/** A session's cart: the items, in the order added. Plain data, so Redis can keep it. */
export const CartItems = new ComponentKey<string[]>('cart-items', () => []);

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
      const next = [...items, item];
      // A new array, set again, so the change is plain to a reader; the session (whatever
      // it holds at the end of the response) is written back to the store as JSON.
      request.getSession().setComponent(CartItems, next);
      return this.#show(request, next);
    }
    return this.#show(request, items);
  }

  /** The cart of this request's session. */
  #items(request: Request): string[] {
    return request.getSession(CartItems) ?? [];
  }

  #show(request: Request, items: readonly string[]): string {
    request.setHeader('content-type', 'text/plain; charset=utf-8');
    const list = items.length === 0 ? '(empty)' : items.join(', ');
    return `Cart for ${clientAddress(request, this.trustedProxies)}: ${list}\n`;
  }
}

/** Who the client is: the last X-Forwarded-For address when a trusted proxy sent the request, else the connection's address. */
export function clientAddress(request: Request, trustedProxies: ReadonlySet<string>): string {
  const peer = request.getClientAddress().host;
  const forwarded = request.getHeader('x-forwarded-for');
  if (!trustedProxies.has(peer) || forwarded === undefined) return peer;
  // Each proxy appends what it saw: the last entry is our proxy's word, the others the client's.
  const last = forwarded.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '').at(-1);
  return last ?? peer;
}
