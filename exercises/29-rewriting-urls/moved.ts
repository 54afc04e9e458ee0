/**
 * Exercise 29 · Rewriting URLs: old URLs, new places.
 *
 * A newsroom reorganised its site. Its tree (`newsroomTree()`, below, written for you)
 * now has `/news/`, `/news/launch` and a page per reporter, `/users/ann/`. But the old
 * URLs are in every bookmark and search engine, and must keep working, without a
 * redirect:
 *
 * 1. `/blog/…` was renamed `/news/…`:  `/blog/launch` is walked as `/news/launch`.
 * 2. Reporters' pages were `/~name/`:  `/~ann/` is walked as `/users/ann/`.
 * 3. Old pages linked to `index.html`: a path whose last segment is `index.html` is
 *    walked as the folder it is in, `/news/index.html` as `/news/`. Write this rule
 *    yourself in `stripIndexHtml`, and keep `request.path` in step with `postpath`.
 *
 * `createRoot()` puts the tree behind a `RewriterResource` with all three rules. The
 * rules combine: `/blog/index.html` is the news page, and so is `/news/index.html`.
 * The real paths (`/news/launch`) keep working; `/blogroll` is not `/blog`.
 * Grade with `npm run grade 29`; stuck? `npm run hint 29`.
 */
import { Resource, RewriterResource, alias, escapeHTML, setPathFromSegments, tildeToUsers, type IResource, type Request } from '../../lib/index.ts';

/** A page that answers GET with its title and the path the tree walked to reach it. */
export class Page extends Resource {
  override isLeaf = true;
  readonly title: string;

  constructor(title: string) {
    super();
    this.title = title;
  }

  render_GET(request: Request): string {
    return `<html><body>${this.title} (walked ${escapeHTML(request.path)})</body></html>`;
  }
}

/** The newsroom as it is now: /news/ and /news/launch, and a page per reporter under /users/. */
export function newsroomTree(): IResource {
  const root = new Resource();
  const news = new Resource();
  news.putChild('', new Page('All the news'));
  news.putChild('launch', new Page('We launched'));
  root.putChild('news', news);
  const users = new Resource();
  const ann = new Resource();
  ann.putChild('', new Page('Ann, reporter'));
  users.putChild('ann', ann);
  root.putChild('users', users);
  return root;
}

/**
 * A rule: a path whose last segment is `index.html` is walked as the folder it is in,
 * `/news/index.html` as `/news/`.
 */
export function stripIndexHtml(request: Request): void {
  // TODO step 3: when the last segment of request.postpath is 'index.html', make it ''
  // (a trailing slash), then call setPathFromSegments(request).
  void request;
}

/** The server's root: the tree, behind a rewriter that lets the old URLs in. */
export function createRoot(): IResource {
  // TODO steps 1 to 3: give the RewriterResource its rules, after the tree.
  return new RewriterResource(newsroomTree());
}
