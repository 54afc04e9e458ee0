/**
 * @module
 * The URL helpers: split a request path into decoded segments, decode `%XX` escapes,
 * quote a segment back for a link. Every module that turns a path into segments or
 * segments into a path uses these four, so the rules live in one place.
 *
 * Twisted counterpart: the path handling in `twisted.web.server.Request.process`
 * (`postpath = [unquote(s) for s in path[1:].split(b"/")]`) and `urllib.parse.quote`.
 * Loom differs: segments are decoded to UTF-8 strings once, here (bad escapes are kept
 * as written), and an absolute-form target is walked by its path.
 * Tests: `test/plumbing/url.test.ts`. Lesson 04 (dynamic-dispatch) shows the split.
 */

// #region url-split-path
/**
 * `/a/b%20c/` → `['a', 'b c', '']`: the path after the first `/`, split and decoded. An
 * absolute-form target (`http://host/a`, as clients send to a forward proxy) is walked
 * by its path: `['a']`.
 */
export function splitPath(path: string): string[] {
  if (path === '/') return ['']; // the most common path of all, spared a slice and a split
  if (!path.startsWith('/')) return splitPath(absolutePath(path));
  const segments = path.slice(1).split('/');
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    if (s.includes('%')) segments[i] = percentDecode(s);
  }
  return segments;
}
// #endregion url-split-path

/** The path of an absolute-form target (`http://host:80/a` → `/a`); `/` when it has none. */
export function absolutePath(target: string): string {
  const authority = target.indexOf('://');
  const slash = authority < 0 ? -1 : target.indexOf('/', authority + 3);
  return slash < 0 ? '/' : target.slice(slash);
}

/** Percent-quote a segment for a URL, leaving only `A-Z a-z 0-9 - _ . ~` (Python's `quote(…, safe="")`). */
export function quoteSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Decode `%XX` escapes to UTF-8 text, leaving malformed escapes as they are. */
export function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    // Either a malformed escape or bytes that are not UTF-8: decode what can be decoded.
    const bytes: number[] = [];
    for (let i = 0; i < text.length; i++) {
      const hex = text[i] === '%' ? text.slice(i + 1, i + 3) : '';
      if (/^[0-9a-fA-F]{2}$/.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
      } else {
        for (const b of Buffer.from(text[i]!)) bytes.push(b);
      }
    }
    return Buffer.from(bytes).toString('utf8');
  }
}
