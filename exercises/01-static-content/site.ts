/**
 * Exercise 01 · Serving static content: a small site from a folder.
 *
 * Finish `createRoot(dir)` so that the resource it returns serves the folder `dir`:
 *
 *     /style.css, /docs/guide.html   the files in dir, as they are on disk
 *     /docs/                         a listing (docs/ has no index file)
 *     /about, /docs/guide            about.html, docs/guide.html: any .html page, at any
 *                                    depth, without its ".html"
 *     /LICENSE, /docs/CHANGES        files with no extension, at any depth, go out as
 *                                    text/plain
 *     /robots.txt                    "User-agent: *\nDisallow:\n" as text/plain,
 *                                    even though there is no such file in dir
 *     anything missing               404 with the text "Nothing to see here."
 *                                    (at /missing and at /docs/missing alike)
 *
 * What the graded tests check (`npm run grade 01`; stuck? `npm run hint 01`): each path
 * above, with its status, Content-Type and body. They make their own folder to serve.
 */
import { Resource, type IResource } from '../../lib/index.ts';

/** What /robots.txt answers: every robot may visit every page. */
export const ROBOTS_TXT = 'User-agent: *\nDisallow:\n';

/** The page shown for anything that is not there. */
export const NOT_FOUND_TEXT = 'Nothing to see here.';

/** The root resource of the site that serves `dir`. */
export function createRoot(dir: string): IResource {
  // TODO 1: serve `dir` with a File (from lib/static/file.ts, exported by lib/index.ts).
  // TODO 2: let /about find about.html: which File option tries extensions for you?
  // TODO 3: make files with no extension text/plain instead of text/html.
  // TODO 4: a 404 page saying NOT_FOUND_TEXT, for missing files at every depth
  //         (notFound() from lib/pages.ts makes one).
  // TODO 5: /robots.txt, answered from memory with Data, put under the root as a child.
  return new Resource();
}
