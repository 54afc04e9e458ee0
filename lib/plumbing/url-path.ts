/**
 * @module
 * An absolute URL you can move around in: to a child, a sibling, the parent, the
 * "directory" you are in, or wherever a relative link would take you.
 *
 * Twisted counterpart: `twisted.python.urlpath.URLPath`, which `request.URLPath()` and
 * `util.ParentRedirect` use. The moves follow Twisted's rules on trailing slashes.
 * Loom differs: built on the WHATWG `URL` parser instead of `urlsplit`.
 * Tests: `test/plumbing/url-path.test.ts`.
 */

import { quoteSegment } from './url.ts';

/** An absolute URL split into scheme, host, path segments, query and fragment. */
export class URLPath {
  readonly scheme: string;
  readonly netloc: string;
  /** The path, percent-encoded, starting with `/`. */
  readonly path: string;
  /** The query string without `?` (empty when none). */
  readonly query: string;
  /** The fragment without `#` (empty when none). */
  readonly fragment: string;

  constructor(scheme: string, netloc: string, path = '/', query = '', fragment = '') {
    this.scheme = scheme;
    this.netloc = netloc;
    this.path = path.startsWith('/') ? path : `/${path}`;
    this.query = query;
    this.fragment = fragment;
  }

  /** Parse an absolute URL. */
  static fromString(url: string): URLPath {
    const u = new URL(url);
    return new URLPath(u.protocol.slice(0, -1), u.host, u.pathname, u.search.slice(1), u.hash.slice(1));
  }

  /** The path's segments, still encoded: `/foo/bar` → `['', 'foo', 'bar']`. */
  pathList(): string[] {
    return this.path.split('/');
  }

  /** The URL of `name` beside this one: `/foo/bar` → `/foo/name`. */
  sibling(name: string, keepQuery = false): URLPath {
    const l = this.pathList();
    l[l.length - 1] = quoteSegment(name);
    return this.#withPath(l, keepQuery);
  }

  /** The URL of `name` below this one: `/foo/` → `/foo/name`, `/foo` → `/foo/name`. */
  child(name: string, keepQuery = false): URLPath {
    const l = this.pathList();
    if (l[l.length - 1] === '') l[l.length - 1] = quoteSegment(name);
    else l.push(quoteSegment(name));
    return this.#withPath(l, keepQuery);
  }

  /** The directory above: `/foo/bar/` → `/foo/`, `/foo/bar` → `/`. */
  parent(keepQuery = false): URLPath {
    const l = this.pathList();
    if (l[l.length - 1] === '') {
      if (l.length > 2) l.splice(l.length - 2, 1);
    } else {
      l.pop();
      if (l.length > 1) l[l.length - 1] = '';
      else l.push('');
    }
    return this.#withPath(l, keepQuery);
  }

  /** The directory this URL is in: `/foo/bar` → `/foo/`, `/foo/` stays. */
  here(keepQuery = false): URLPath {
    const l = this.pathList();
    if (l[l.length - 1] !== '') l[l.length - 1] = '';
    return this.#withPath(l, keepQuery);
  }

  /** Where following the link `href` from this page leads. */
  click(href: string): URLPath {
    return URLPath.fromString(new URL(href, this.toString()).toString());
  }

  toString(): string {
    return `${this.scheme}://${this.netloc}${this.path}${this.query === '' ? '' : `?${this.query}`}${this.fragment === '' ? '' : `#${this.fragment}`}`;
  }

  #withPath(segments: string[], keepQuery: boolean): URLPath {
    return new URLPath(this.scheme, this.netloc, segments.join('/') || '/', keepQuery ? this.query : '');
  }
}
