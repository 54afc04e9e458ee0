/**
 * Reference solution for exercise 01 (a small site from a folder). Read it after your
 * own passes: `npm run solution 01`.
 */
import { Data, File, notFound, type IResource } from '../../lib/index.ts';

/** What /robots.txt answers: every robot may visit every page. */
export const ROBOTS_TXT = 'User-agent: *\nDisallow:\n';

/** The page shown for anything that is not there. */
export const NOT_FOUND_TEXT = 'Nothing to see here.';

/** The root resource of the site that serves `dir`. */
export function createRoot(dir: string): IResource {
  const root = new File(dir, {
    // `/about` does not exist, so File tries `about` + each of these in turn.
    ignoredExts: ['.html'],
    // The type for names whose extension says nothing (Twisted's default is text/html).
    defaultType: 'text/plain',
    // Children copy their parent's settings, so /docs/missing gets this page too.
    childNotFound: notFound('Not Found', NOT_FOUND_TEXT),
  });
  // A static child wins over the disk: no robots.txt file is needed.
  root.putChild('robots.txt', new Data(ROBOTS_TXT, 'text/plain'));
  return root;
}
