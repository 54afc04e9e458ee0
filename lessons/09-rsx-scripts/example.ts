/**
 * Lesson 09 · Resource scripts.
 *
 * The folder `site/` next to this file, served by a `File` that runs every `.rsx.ts` file
 * in it as a resource script: `/clock.rsx.ts` runs `site/clock.rsx.ts` and answers with
 * the resource it exports. Edit a script while the server runs, and the next request
 * runs the new version.
 */
import { fileURLToPath } from 'node:url';
import { File, ResourceScript, Site, type SiteOptions } from '../../lib/index.ts';
import type { Try } from '../lesson.ts';

/** The folder of scripts this lesson serves. */
export const SITE_DIR = fileURLToPath(new URL('./site/', import.meta.url));

// #region create-site
/** The folder `site/`, with `.rsx.ts` files run as resource scripts. */
export function createSite(options: SiteOptions = {}): Site {
  const root = new File(SITE_DIR, { processors: { '.rsx.ts': ResourceScript } });
  return new Site(root, options);
}
// #endregion create-site

export const tryThis: Try[] = [
  { note: 'the folder\'s index page, with links to the scripts', path: '/', expect: { code: 200, bodyIncludes: 'Resource scripts' }, browser: true },
  { note: 'a script that makes a page with the time on every request', path: '/clock.rsx.ts', expect: { code: 200, bodyIncludes: 'The time is' } },
  { note: 'a script that keeps its resource with cache(), so its count goes up', path: '/visits.rsx.ts', expect: { code: 200, bodyIncludes: 'visit number' } },
  { note: 'a script reading what another one keeps in the registry', path: '/peek.rsx.ts', expect: { code: 200, bodyIncludes: 'visits.rsx.ts has answered' } },
  { note: 'a script whose resource has children: traversal goes on below it', path: '/tree.rsx.ts/hello', expect: { code: 200, bodyIncludes: 'Hello from inside tree.rsx.ts' } },
  { note: 'a script that forgot to export resource: the helpful 500', path: '/forgot.rsx.ts', expect: { code: 500, bodyIncludes: 'You forgot to export' } },
];
