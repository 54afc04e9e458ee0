/**
 * Exercise 03 · Static URL dispatch: the tree of a small site.
 *
 * Finish `buildTree()` so that the tree it returns answers these paths, using `Page`
 * (below, already written) and `putChild`:
 *
 *     /               Page(TEXT.home)      the home page
 *     /about          Page(TEXT.about)
 *     /docs           Page(TEXT.docs)      the docs index...
 *     /docs/          Page(TEXT.docs)      ...also with a trailing slash
 *     /docs/install   Page(TEXT.install)
 *
 * and every other path gets 404 (for example /contact, /about/team, /docs/missing).
 *
 * What the graded tests check (`npm run grade 03`; stuck? `npm run hint 03`): each path
 * above answers 200 with its page, `<html><body>` + text + `</body></html>`, found by a
 * walk whose every step is a child put there with `putChild` (not made by a `getChild`
 * override, which is lesson 04), and the other paths answer 404.
 *
 * Do not make any page a leaf: a leaf would answer /about/team too.
 */
import { Resource, type Request } from '../../lib/index.ts';

/** The text of each page. */
export const TEXT = {
  home: 'Welcome!',
  about: 'About us',
  docs: 'Documentation',
  install: 'How to install',
} as const;

/** A page that shows a fixed text. It is not a leaf, so it can have children. */
export class Page extends Resource {
  readonly text: string;

  constructor(text: string) {
    super();
    this.text = text;
  }

  render_GET(_request: Request): string {
    return `<html><body>${this.text}</body></html>`;
  }
}

/** The site's resource tree. */
export function buildTree(): Resource {
  const root = new Resource();
  // TODO 1: the home page. Which segment does the path `/` have?
  // TODO 2: /about.
  // TODO 3: /docs, and /docs/install below it.
  // TODO 4: /docs/ with a trailing slash: which child does it ask docs for?
  return root;
}
