/**
 * Reference solution for exercise 18 (a shopping cart in the session). Read it after
 * your own passes: `npm run solution 18`.
 */
import { ComponentKey, Resource, escapeHTML, type Request } from '../../lib/index.ts';

/** One line of a cart: an item and how many of it. */
export interface CartLine {
  name: string;
  quantity: number;
}

/** A shopping cart: its lines, in the order their items were first added. */
export interface Cart {
  lines: CartLine[];
}

/**
 * Where a session keeps its cart. `create` runs once per session, so each session gets
 * a new empty cart (returning one shared object would give every visitor the same cart).
 */
export const CART = new ComponentKey<Cart>('cart', () => ({ lines: [] }));

/** The cart as a page. Item names came from visitors, so they are escaped. */
export function renderCart(cart: Cart): string {
  if (cart.lines.length === 0) return '<html><body>Your cart is empty.</body></html>';
  const items = cart.lines.map((line) => `<li>${escapeHTML(line.name)} × ${line.quantity}</li>`);
  return `<html><body><ul>${items.join('')}</ul></body></html>`;
}

/** Shows the client's cart, and adds to it. */
export class CartPage extends Resource {
  render_GET(request: Request): string {
    return renderCart(cartOf(request));
  }

  render_POST(request: Request): string {
    const name = request.args.get('item')?.[0]?.trim() ?? '';
    if (name === '') {
      request.setResponseCode(400);
      return '<html><body>Say which item to add.</body></html>';
    }
    // The cart is the session's own object: changing it in place changes what is stored.
    const cart = cartOf(request);
    const line = cart.lines.find((l) => l.name === name);
    if (line === undefined) cart.lines.push({ name, quantity: 1 });
    else line.quantity += 1;
    return renderCart(cart);
  }
}

/** This client's cart, made empty by `CART.create` on the session's first use. */
function cartOf(request: Request): Cart {
  return request.getSession(CART)!;
}

/** The site's tree: the cart at /cart. */
export function createRoot(): Resource {
  const root = new Resource();
  root.putChild('cart', new CartPage());
  return root;
}
