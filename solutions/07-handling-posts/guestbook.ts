/**
 * Reference solution for exercise 07 (a guestbook). Read it after your own passes:
 * `npm run solution 07`.
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

  render_POST(request: Request): string {
    // request.args holds the query string and, for a POST, the form fields; each name
    // maps to a list of values, because a form may send a name more than once.
    const name = request.args.get('name')?.[0];
    const message = request.args.get('message')?.[0];
    if (!isFilledIn(name) || !isFilledIn(message)) {
      request.setResponseCode(400);
      return '<html><body>Please give both a name and a message.</body></html>';
    }
    this.entries.push({ name, message });
    return `<html><body>Thank you, ${escapeHTML(name)}!</body></html>`;
  }
}

/** True for a field that was sent and holds more than white space. */
function isFilledIn(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

/** The site's tree: the guestbook at /guestbook. */
export function createRoot(): Resource {
  const root = new Resource();
  root.putChild('guestbook', new Guestbook());
  return root;
}
