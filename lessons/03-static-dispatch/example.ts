/**
 * Lesson 03 · Static URL dispatch.
 *
 * A tree of resources built up front with `putChild`: the root has children `''` (the
 * home page), `foo`, `bar` and `baz`, and `baz` has a child `qux`. A request's path
 * segments pick the way down the tree, one segment per level.
 */
import { Resource, Site, type Request, type SiteOptions } from '../../lib/index.ts';
import type { Try } from '../lesson.ts';

// #region text-page
/**
 * A page with fixed text, made when the tree is built. (Twisted's version of this lesson
 * mounts `File` resources; this small class keeps the lesson about the tree.)
 */
export class TextPage extends Resource {
  readonly #html: string;

  constructor(title: string, text: string) {
    super();
    // Built once: the page never changes, so there is nothing to do per request.
    this.#html = `<html><head><title>${title}</title></head><body>${text}</body></html>`;
  }

  render_GET(_request: Request): string {
    return this.#html;
  }
}
// #endregion text-page

// #region build-tree
/** The resource tree: what each URL path leads to. */
export function buildTree(): Resource {
  const root = new Resource();
  root.putChild('', new TextPage('Home', 'Pages: <a href="foo">foo</a>, <a href="bar">bar</a>, <a href="baz">baz</a>.'));
  root.putChild('foo', new TextPage('Foo', 'This is foo.'));
  root.putChild('bar', new TextPage('Bar', 'This is bar.'));

  const baz = new TextPage('Baz', 'This is baz. It has a child: <a href="baz/qux">qux</a>.');
  baz.putChild('qux', new TextPage('Qux', 'This is qux, found by asking the root for baz, then baz for qux.'));
  // `/baz/` asks baz for its '' child: make that baz itself, so both spellings work.
  baz.putChild('', baz);
  root.putChild('baz', baz);
  return root;
}
// #endregion build-tree

/** The site: the tree above, from its root. */
export function createSite(options: SiteOptions = {}): Site {
  return new Site(buildTree(), options);
}

export const tryThis: Try[] = [
  { note: "the root's '' child, the home page", path: '/', expect: { code: 200, bodyIncludes: 'Pages:' }, browser: true },
  { note: 'a child of the root', path: '/foo', expect: { code: 200, bodyIncludes: 'This is foo.' } },
  { note: 'another child of the root', path: '/bar', expect: { code: 200, bodyIncludes: 'This is bar.' } },
  { note: 'two levels down: root → baz → qux', path: '/baz/qux', expect: { code: 200, bodyIncludes: 'This is qux' } },
  { note: "baz's '' child is baz itself", path: '/baz/', expect: { code: 200, bodyIncludes: 'This is baz.' } },
  { note: "foo has no '' child, so a trailing slash is a 404", path: '/foo/', expect: { code: 404, bodyIncludes: 'No Such Resource' } },
  { note: 'no child by that name', path: '/nothing', expect: { code: 404, bodyIncludes: 'No Such Resource' } },
];
