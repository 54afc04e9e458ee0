/**
 * Exercise 18 · Storing objects in the session: a shopping cart.
 *
 * Every visitor has a cart of their own, kept in their session under the key `CART`. A
 * cart is plain data (arrays, objects, strings, numbers), so that a session store
 * outside this process, such as Redis, could keep it too: a list of lines, each the
 * name of an item and how many of it.
 *
 * 1. Give `CART` a create function, so that a session's first cart is an empty one:
 *    `{ lines: [] }`. Every session must get a cart of its own.
 * 2. `CartPage.render_GET` (at /cart): answer `renderCart(cart)`, where `cart` is this
 *    client's cart.
 * 3. `CartPage.render_POST`: the form field `item` names something to add. Add one of
 *    it to this client's cart (one more on its line if the cart already has it, else a
 *    new line at the end with quantity 1), then answer `renderCart(cart)`. A POST
 *    without an `item`, or with a blank one, changes nothing and gets 400 with
 *        <html><body>Say which item to add.</body></html>
 *
 * Grade with `npm run grade 18`; stuck? `npm run hint 18`.
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

// TODO: step 1. Give the key a create function as its second argument.
/** Where a session keeps its cart. */
export const CART = new ComponentKey<Cart>('cart');

/** The cart as a page. Item names came from visitors, so they are escaped. */
export function renderCart(cart: Cart): string {
  if (cart.lines.length === 0) return '<html><body>Your cart is empty.</body></html>';
  const items = cart.lines.map((line) => `<li>${escapeHTML(line.name)} × ${line.quantity}</li>`);
  return `<html><body><ul>${items.join('')}</ul></body></html>`;
}

/** Shows the client's cart, and adds to it. */
export class CartPage extends Resource {
  // TODO: step 2, render_GET(request: Request): string.
  // TODO: step 3, render_POST(request: Request): string.
}

/** The site's tree: the cart at /cart. */
export function createRoot(): Resource {
  const root = new Resource();
  root.putChild('cart', new CartPage());
  return root;
}
