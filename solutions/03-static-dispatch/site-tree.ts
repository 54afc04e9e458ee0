/**
 * Reference solution for exercise 03 (the tree of a small site). Read it after your
 * own passes: `npm run solution 03`.
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
  // The path `/` is one empty segment, so the home page is the root's '' child.
  root.putChild('', new Page(TEXT.home));
  root.putChild('about', new Page(TEXT.about));

  const docs = new Page(TEXT.docs);
  docs.putChild('install', new Page(TEXT.install));
  // `/docs/` asks docs for its '' child; docs itself answers it.
  docs.putChild('', docs);
  root.putChild('docs', docs);
  return root;
}
