/**
 * @module
 * Escaping text for HTML, the one thing every page that echoes input must do.
 *
 * Twisted counterpart: Python's `html.escape`, which lesson 07 of "Twisted Web in 60
 * Seconds" uses on a posted field, and the escaping `twisted.web.template` does.
 * Tests: `test/plumbing/html.test.ts`.
 */

// #region html-escape
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;' };

/**
 * Escape `&`, `<`, `>`, `"` and `'` so that `text` shows as itself inside HTML text or a
 * quoted attribute, and can never start a tag or end an attribute.
 *
 * @example
 * escapeHTML('<script>alert("hi")</script>')
 * // '&lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt;'
 */
export function escapeHTML(text: string): string {
  return /[&<>"']/.test(text) ? text.replace(/[&<>"']/g, (c) => ESCAPES[c]!) : text;
}
// #endregion html-escape
