/**
 * Lesson 29: rewriting URLs. The site keeps its pages in one tree (`/users/<name>/` and
 * `/manual/…`), and a `RewriterResource` at the root lets old and familiar URLs reach
 * them without a redirect: `/~alice/` is walked as `/users/alice/` (`tildeToUsers`), and
 * `/docs/…` as `/manual/…` (`alias`). Every page shows the URL the client asked for
 * (`request.uri`) beside the path the tree walked (`request.path`), so the rewrite can
 * be seen.
 */
import { Resource, RewriterResource, Site, alias, escapeHTML, tildeToUsers, type Request, type SiteOptions } from '../../lib/index.ts';
import type { Try } from '../lesson.ts';

/** The people with a home page on this server. */
export const USERS = ['alice', 'bob'] as const;

// #region page
/** A page that says what it is, and which URL reached it by which path. */
export class Page extends Resource {
  override isLeaf = true;
  readonly title: string;

  constructor(title: string) {
    super();
    this.title = title;
  }

  render_GET(request: Request): string {
    request.setHeader('content-type', 'text/html; charset=utf-8');
    // uri is what the client sent; path is what the tree walked after the rules ran.
    const asked = escapeHTML(request.uri);
    const walked = escapeHTML(request.path);
    return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${this.title}</title></head>` +
      `<body><h1>${this.title}</h1><p>You asked for ${asked}; the tree walked ${walked}.</p></body></html>`;
  }
}
// #endregion page

// #region site-tree
/** The tree as it really is: home pages under /users, the manual under /manual. */
export function siteTree(): Resource {
  const root = new Resource();
  root.putChild('', new Page('Welcome'));
  const users = new Resource();
  for (const name of USERS) users.putChild(name, new Page(`Home page of ${name}`));
  root.putChild('users', users);
  const manual = new Resource();
  manual.putChild('', new Page('The manual'));
  manual.putChild('install', new Page('Installing'));
  root.putChild('manual', manual);
  return root;
}
// #endregion site-tree

// #region create-site
export function createSite(options: SiteOptions = {}): Site {
  const rewriter = new RewriterResource(siteTree(), tildeToUsers, alias('docs', 'manual'));
  return new Site(rewriter, options);
}
// #endregion create-site

export const tryThis: Try[] = [
  { note: 'a Unix-style home page: /~alice/ is walked as /users/alice/', path: '/~alice/', expect: { code: 200, bodyIncludes: 'the tree walked /users/alice/' } },
  { note: 'the real path still works', path: '/users/bob/', expect: { code: 200, bodyIncludes: 'Home page of bob' } },
  { note: 'an alias: /docs/install is served from /manual/install, with no redirect', path: '/docs/install', expect: { code: 200, bodyIncludes: 'You asked for /docs/install; the tree walked /manual/install.' } },
  { note: 'the query string stays in uri, out of path', path: '/docs/?page=2', expect: { code: 200, bodyIncludes: 'You asked for /docs/?page=2; the tree walked /manual/.' } },
  { note: 'aliases match whole segments: /docsearch is not /docs', path: '/docsearch', expect: { code: 404 } },
  { note: 'a rewritten path the tree does not have is a 404, as it would be without rewriting', path: '/~carol/', expect: { code: 404 } },
];
