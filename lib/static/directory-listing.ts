/**
 * @module
 * Directory listings: the HTML page a `File` shows for a directory that has no index
 * file. One table row per entry (name, size, content type, content encoding),
 * directories first, each group sorted by name, every name escaped.
 *
 * Twisted counterpart: `twisted.web.static.DirectoryLister` and `formatFileSize`. Kept
 * from Twisted: the title "Directory listing for <the request URI, percent-decoded>",
 * the four columns, `[Directory]` and `[type]` cells, rows alternating `odd`/`even`,
 * links quoted and text escaped, entries whose size cannot be read (broken symlinks)
 * left out, and every child of a listing is a 404. Loom differs:
 * - the directory is read without blocking (`fs.promises`), so a big directory does not
 *   stall every other request while it is listed;
 * - dotfiles are left out when the `File` hides them, and, unless symlinks may be
 *   followed, so are symlinks that lead out of the served root: a listing never shows a
 *   link its `File` would refuse;
 * - names are sorted by code point (Twisted sorts bytes; the two differ only for
 *   characters beyond U+FFFF against U+E000–U+FFFF).
 * Tests: `test/static/directory-listing.test.ts`. Lesson 01 shows a listing.
 */

import type { Dirent, Stats } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { escapeHTML } from '../plumbing/html.ts';
import { percentDecode, quoteSegment } from '../plumbing/url.ts';
import { DEFAULT_CONTENT_ENCODINGS, DEFAULT_CONTENT_TYPES, getTypeAndEncoding } from './mime.ts';
import { Resource } from '../resource.ts';
import type { Request } from '../request.ts';

/** Options for a {@link DirectoryLister}; `File` fills them from its own settings. */
export interface DirectoryListerOptions {
  /** List only these names (Twisted's `dirs=`). @default every entry of the directory */
  dirs?: readonly string[] | null;
  /** @default DEFAULT_CONTENT_TYPES */
  contentTypes?: ReadonlyMap<string, string>;
  /** @default DEFAULT_CONTENT_ENCODINGS */
  contentEncodings?: ReadonlyMap<string, string>;
  /** The type shown for names with no known extension. @default 'text/html' */
  defaultType?: string;
  /** Leave out names starting with a dot (except `.well-known`). @default false */
  hideDotfiles?: boolean;
  /**
   * The real path of the served root: symlinks whose target lies outside it are left out.
   * `null` lists every symlink. @default null
   */
  within?: string | null;
}

/** One row of a listing. */
export interface ListingEntry {
  /** The file name as it is on disk. */
  readonly name: string;
  readonly isDirectory: boolean;
  /** Size in bytes (0 for directories). */
  readonly size: number;
  /** `[Directory]`, or the type in brackets: `[text/plain]`. */
  readonly type: string;
  /** The encoding in brackets (`[gzip]`), or `''`. */
  readonly encoding: string;
}

/** The HTML listing of one directory. */
export class DirectoryLister extends Resource {
  /** The directory listed. */
  readonly path: string;
  readonly dirs: readonly string[] | null;
  readonly contentTypes: ReadonlyMap<string, string>;
  readonly contentEncodings: ReadonlyMap<string, string>;
  readonly defaultType: string;
  readonly hideDotfiles: boolean;
  readonly within: string | null;

  constructor(path: string, options: DirectoryListerOptions = {}) {
    super();
    this.path = path;
    this.dirs = options.dirs ?? null;
    this.contentTypes = options.contentTypes ?? DEFAULT_CONTENT_TYPES;
    this.contentEncodings = options.contentEncodings ?? DEFAULT_CONTENT_ENCODINGS;
    this.defaultType = options.defaultType ?? 'text/html';
    this.hideDotfiles = options.hideDotfiles ?? false;
    this.within = options.within ?? null;
  }

  /** Answer with the listing page (`text/html; charset=utf-8`). HEAD gets the same headers. */
  async render_GET(request: Request): Promise<string> {
    const entries = await this.entries();
    request.setHeader('content-type', 'text/html; charset=utf-8');
    return listingHTML(percentDecode(request.uri), entries);
  }

  // #region listing-entries
  /** The rows of the listing: directories first, then files, each sorted by name. */
  async entries(): Promise<ListingEntry[]> {
    const dirents = await readdir(this.path, { withFileTypes: true });
    const wanted = this.dirs === null ? null : new Set(this.dirs);
    const shown = dirents.filter((d) => (wanted === null || wanted.has(d.name)) && !(this.hideDotfiles && isDotfile(d.name)));
    const rows = await Promise.all(shown.map((d) => this.#entry(d)));
    const present = rows.filter((row): row is ListingEntry => row !== null);
    const byName = (a: ListingEntry, b: ListingEntry) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    return [...present.filter((e) => e.isDirectory).sort(byName), ...present.filter((e) => !e.isDirectory).sort(byName)];
  }

  /** The row for one entry, or null when it cannot be stat'ed or must not be shown. */
  async #entry(dirent: Dirent): Promise<ListingEntry | null> {
    const full = join(this.path, dirent.name);
    let info: Stats;
    try {
      info = await stat(full); // follows symlinks; a broken one throws and is left out
      if (dirent.isSymbolicLink() && this.within !== null && !isWithin(await realpath(full), this.within)) return null;
    } catch {
      return null;
    }
    if (info.isDirectory()) return { name: dirent.name, isDirectory: true, size: 0, type: '[Directory]', encoding: '' };
    const { type, encoding } = getTypeAndEncoding(dirent.name, this.contentTypes, this.contentEncodings, this.defaultType);
    return { name: dirent.name, isDirectory: false, size: info.size, type: `[${type}]`, encoding: encoding === null ? '' : `[${encoding}]` };
  }
  // #endregion listing-entries
}

/** The listing page for `title` (the decoded request URI) and its rows. Every name is escaped. */
export function listingHTML(title: string, entries: readonly ListingEntry[]): string {
  const heading = `Directory listing for ${escapeHTML(title)}`;
  const rows = entries.map((e, i) => {
    const link = e.isDirectory ? `${quoteSegment(e.name)}/` : quoteSegment(e.name);
    const text = e.isDirectory ? `${escapeHTML(e.name)}/` : escapeHTML(e.name);
    const size = e.isDirectory ? '' : formatFileSize(e.size);
    return `<tr class="${i % 2 === 0 ? 'odd' : 'even'}"><td><a href="${link}">${text}</a></td>` +
      `<td>${size}</td><td>${escapeHTML(e.type)}</td><td>${escapeHTML(e.encoding)}</td></tr>`;
  });
  return `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>${heading}</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 2em; }
  table { border-collapse: collapse; }
  th, td { text-align: left; padding: 0.2em 1em 0.2em 0; }
  tr.odd { background: #f4f4f4; }
</style>
</head>
<body>
<h1>${heading}</h1>
<table>
<thead><tr><th>Filename</th><th>Size</th><th>Content type</th><th>Content encoding</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</body>
</html>
`;
}

/**
 * A size as a listing shows it: `512B`, `4K`, `12M`, `3G`. Whole units, rounded down,
 * in steps of 1024 (Twisted's `formatFileSize`).
 */
export function formatFileSize(size: number): string {
  if (size < 1024) return `${size}B`;
  if (size < 1024 ** 2) return `${Math.floor(size / 1024)}K`;
  if (size < 1024 ** 3) return `${Math.floor(size / 1024 ** 2)}M`;
  return `${Math.floor(size / 1024 ** 3)}G`;
}

/**
 * True for a name a `File` that hides dotfiles will not serve or list: it starts with a
 * dot, and it is not `.` (the directory itself) or `.well-known` (RFC 8615, where ACME
 * challenges and `security.txt` live).
 */
export function isDotfile(name: string): boolean {
  return name.charCodeAt(0) === 0x2e && name !== '.' && name !== '.well-known';
}

/** True when the real path `real` is `root` or lies beneath it. */
export function isWithin(real: string, root: string): boolean {
  return real === root || real.startsWith(root.endsWith(sep) ? root : root + sep);
}
