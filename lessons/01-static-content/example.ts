/**
 * Lesson 01 · Serving static content from a directory.
 *
 * One `File` resource for the folder `public/` next to this file, as the root of a Site.
 * Every path below `/` names a file or folder inside it: `/hello.txt` is
 * `public/hello.txt`, `/notes/` is the folder `public/notes`, listed because it has no
 * index file.
 */
import { fileURLToPath } from 'node:url';
import { File, Site, type SiteOptions } from '../../lib/index.ts';
import type { Try } from '../lesson.ts';

/** The folder this lesson serves. */
export const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

// #region create-site
/** The whole site: the folder `public/`, served from `/`. */
export function createSite(options: SiteOptions = {}): Site {
  const root = new File(PUBLIC_DIR);
  return new Site(root, options);
}
// #endregion create-site

export const tryThis: Try[] = [
  { note: 'the folder\'s index.html', path: '/', expect: { code: 200, bodyIncludes: 'Served from a folder' }, browser: true },
  { note: 'a text file, with its type and length', path: '/hello.txt', expect: { code: 200, bodyIncludes: 'Hello, world!' } },
  { note: 'only the headers', method: 'HEAD', path: '/style.css', expect: { code: 200 } },
  { note: 'a folder without its slash: a redirect to /notes/', path: '/notes', expect: { code: 302 } },
  { note: 'a folder with no index file: a listing', path: '/notes/', expect: { code: 200, bodyIncludes: 'Directory listing for /notes/' } },
  { note: 'the first 13 bytes only (a range)', path: '/hello.txt', headers: { range: 'bytes=0-12' }, expect: { code: 206, bodyIncludes: 'Hello, world!' } },
  { note: 'a file that is not there', path: '/missing.html', expect: { code: 404, bodyIncludes: 'File not found.' } },
  { note: 'dotfiles stay private', path: '/.secret', expect: { code: 404 } },
];
