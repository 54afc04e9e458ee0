/**
 * Exercise 07 · Handling POSTs: a guestbook.
 *
 * Visitors sign the guestbook with a form of two fields, `name` and `message`. GET shows
 * the entries and the form (already written). Your task is `render_POST`, which handles
 * the form when it is sent:
 *
 * 1. Read the first value of the fields `name` and `message` from `request.args`.
 * 2. If either is missing, or blank (nothing but spaces), answer 400 with exactly
 *        <html><body>Please give both a name and a message.</body></html>
 *    and store nothing.
 * 3. Otherwise add `{ name, message }`, as they came, to `this.entries` (the GET page
 *    escapes each entry itself) and answer 200 with
 *        <html><body>Thank you, NAME!</body></html>
 *    where NAME is the name, escaped with `escapeHTML`: a visitor called
 *    `<script>alert(1)</script>` must be thanked, not obeyed.
 *
 * Grade with `npm run grade 07`; stuck? `npm run hint 07`.
 */
import { Resource, escapeHTML, type Request } from '../../lib/index.ts';

/** One signature. */
export interface Entry {
  readonly name: string;
  readonly message: string;
}

/** The guestbook: its entries, a page that lists them, and (your part) a way to add one. */
export class Guestbook extends Resource {
  readonly entries: Entry[] = [];

  render_GET(_request: Request): string {
    // Entries came from visitors, so each part is escaped before it goes into the page.
    const items = this.entries.map((e) => `<li><b>${escapeHTML(e.name)}</b>: ${escapeHTML(e.message)}</li>`);
    return '<html><body><h1>Guestbook</h1>' +
      `<ul>${items.join('')}</ul>` +
      '<form method="POST"><input name="name"> <input name="message"> <button>Sign</button></form>' +
      '</body></html>';
  }

  // TODO: add render_POST(request: Request): string, doing steps 1 to 3 above.
}

/** The site's tree: the guestbook at /guestbook. */
export function createRoot(): Resource {
  const root = new Resource();
  root.putChild('guestbook', new Guestbook());
  return root;
}
