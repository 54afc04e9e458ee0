/**
 * Lesson 23 · Advanced configuration.
 *
 * A site assembled from parts: the folder `site/` with its own index name, extensions
 * tried for bare names, resource scripts and a Markdown processor; a second folder,
 * `docs/`, mounted at /docs with other settings; and a resource kept in memory at
 * /version. The same tree is built by `site.rsx.ts` for
 * `npx loom web --resource-script lessons/23-advanced-configuration/site.rsx.ts`.
 */
import { fileURLToPath } from 'node:url';
import { Data, File, Registry, ResourceScript, Site, VERSION, type SiteOptions } from '../../lib/index.ts';
import type { Try } from '../lesson.ts';
import { MarkdownPage } from './markdown.ts';

/** The main folder, served at `/`. */
export const SITE_DIR = fileURLToPath(new URL('./site/', import.meta.url));
/** A second folder, served at `/docs/`. */
export const DOCS_DIR = fileURLToPath(new URL('./docs/', import.meta.url));

// #region build-root
/** The whole tree. `registry` is shared by the folder's scripts (site.rsx.ts passes its own). */
export function buildRoot(registry: Registry = new Registry()): File {
  const root = new File(SITE_DIR, {
    registry,
    // Replaces the default list: home.html first, then index.html.
    indexNames: ['home.html', 'index.html'],
    // A file's extension picks the resource made for it, instead of sending its bytes.
    processors: {
      '.rsx.ts': ResourceScript,
      '.md': (path, registry) => new MarkdownPage(path, registry),
    },
  });
  // /about finds about.html: File tries each of these when a name does not exist.
  root.ignoreExt('.html');

  // Children put on a File answer before its folder is looked at.
  root.putChild('docs', new File(DOCS_DIR, { defaultType: 'text/plain' }));
  root.putChild('version', new Data(`loom-web ${VERSION}\n`, 'text/plain; charset=utf-8'));
  return root;
}
// #endregion build-root

/** The site, as `npm run lesson 23` runs it. */
export function createSite(options: SiteOptions = {}): Site {
  return new Site(buildRoot(), options);
}

export const tryThis: Try[] = [
  { note: 'home.html is the index, because indexNames says so', path: '/', expect: { code: 200, bodyIncludes: 'Welcome home' }, browser: true },
  { note: 'about.html, found by ignoreExt(".html")', path: '/about', expect: { code: 200, bodyIncludes: 'About this site' } },
  { note: 'a resource script, run by the .rsx.ts processor', path: '/status.rsx.ts', expect: { code: 200, bodyIncludes: 'All systems go' } },
  { note: 'a Markdown note, made into a page by a processor of our own', path: '/notes/todo.md', expect: { code: 200, bodyIncludes: '<h1>Things to do</h1>' } },
  { note: 'a folder with neither index name: a listing', path: '/notes/', expect: { code: 200, bodyIncludes: 'Directory listing for /notes/' } },
  { note: 'a second folder, mounted at /docs with putChild', path: '/docs/', expect: { code: 200, bodyIncludes: 'Directory listing for /docs/' } },
  { note: 'a file without extension in /docs: text/plain there', path: '/docs/CHANGES', expect: { code: 200, bodyIncludes: 'First version' } },
  { note: 'a resource kept in memory, put at /version', path: '/version', expect: { code: 200, bodyIncludes: 'loom-web' } },
];
