/**
 * Reference solution for exercise 29 (old URLs, new places). Read it after your own
 * passes: `npm run solution 29`.
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
  const last = request.postpath.length - 1;
  if (last < 0 || request.postpath[last] !== 'index.html') return;
  request.postpath[last] = '';
  setPathFromSegments(request);
}

/** The server's root: the tree, behind a rewriter that lets the old URLs in. */
export function createRoot(): IResource {
  return new RewriterResource(newsroomTree(), alias('blog', 'news'), tildeToUsers, stripIndexHtml);
}
