/**
 * Lesson 07 · Handling POSTs.
 *
 * `FormPage` does two things at one URL: `render_GET` serves an HTML form, and
 * `render_POST` reads the submitted field from `request.args` and shows it back,
 * escaped, so that whatever was typed appears as text and never as markup.
 */
import { Resource, Site, escapeHTML, type Request, type SiteOptions } from '../../lib/index.ts';
import type { Try } from '../lesson.ts';

// #region form-page
/** A form, and the page that shows what was sent with it. */
export class FormPage extends Resource {
  render_GET(_request: Request): string {
    // No `action` on the form, so the browser posts it back to this same URL.
    return page('<form method="POST"><input name="the-field" autofocus> <button>Send</button></form>');
  }

  render_POST(request: Request): string {
    // Each name maps to a list of values (a form may repeat a name); take the first.
    const value = request.args.get('the-field')?.[0];
    if (value === undefined) {
      request.setResponseCode(400);
      return page('The form had no field called "the-field".');
    }
    return page(`You submitted: ${escapeHTML(value)}`);
  }
}
// #endregion form-page

/** A small, complete HTML page around `body` (which must already be safe HTML). */
function page(body: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Form</title></head><body>${body}</body></html>`;
}

// #region create-site
/** The site: the form at /form. */
export function createSite(options: SiteOptions = {}): Site {
  const root = new Resource();
  root.putChild('', new HomePage());
  root.putChild('form', new FormPage());
  return new Site(root, options);
}
// #endregion create-site

/** The home page, with a link to the form. */
class HomePage extends Resource {
  render_GET(_request: Request): string {
    return page('Try <a href="form">the form</a>.');
  }
}

export const tryThis: Try[] = [
  { note: 'the form (best in a browser)', path: '/form', expect: { code: 200, bodyIncludes: '<form method="POST">' }, browser: true },
  { note: 'post the form, as a browser would', method: 'POST', path: '/form', form: { 'the-field': 'hello' }, expect: { code: 200, bodyIncludes: 'You submitted: hello' } },
  { note: 'markup is shown as text, not obeyed', method: 'POST', path: '/form', form: { 'the-field': '<b>bold?</b>' }, expect: { code: 200, bodyIncludes: 'You submitted: &lt;b&gt;bold?&lt;/b&gt;' } },
  { note: 'a form without the field gets 400', method: 'POST', path: '/form', form: { 'other-field': 'x' }, expect: { code: 400, bodyIncludes: 'no field called' } },
];
