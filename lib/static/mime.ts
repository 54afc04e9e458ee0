/**
 * @module
 * Content types and content encodings for served files, worked out from the file name.
 *
 * A file's last extension names its type (`.png` → `image/png`), unless that extension
 * is a compression (`.gz`, `.bz2`): then it names the `Content-Encoding` and the
 * extension before it names the type, so `notes.txt.gz` goes out as `text/plain` with
 * `Content-Encoding: gzip` and the browser unpacks it. Names with no known extension get
 * the File's default type.
 *
 * Twisted counterpart: `twisted.web.static.loadMimeTypes`, `getTypeAndEncoding` and the
 * `File.contentTypes` / `File.contentEncodings` tables. Loom differs:
 * - the base table is the `mime-types` package (the mime-db database) instead of
 *   Python's `mimetypes` and the machine's `/etc/mime.types`, so a server answers the
 *   same on every machine; Twisted's own overrides (`.diff` → `text/plain`, …) are kept;
 * - `loadMimeTypes` returns a new table instead of changing global state (Twisted's
 *   calls `mimetypes.init`, which changes every module's view at once).
 * Tests: `test/static/mime.test.ts`. Lesson 01 shows the headers it produces.
 */

import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import mimeTypes from 'mime-types';

/**
 * The types Twisted sets over the system table, kept so that the same file gets the
 * same type from Loom as from `twistd web`. Patches and source text are shown in the
 * browser rather than downloaded.
 */
export const TWISTED_TYPE_OVERRIDES: ReadonlyMap<string, string> = new Map([
  ['.conf', 'text/plain'],
  ['.diff', 'text/plain'],
  ['.flac', 'audio/x-flac'],
  ['.java', 'text/plain'],
  ['.oz', 'text/x-oz'],
  ['.swf', 'application/x-shockwave-flash'],
  ['.wml', 'text/vnd.wap.wml'],
  ['.xul', 'application/vnd.mozilla.xul+xml'],
  ['.patch', 'text/plain'],
]);

/** Extensions that name a compression rather than a type: Twisted's `File.contentEncodings`. */
export const DEFAULT_CONTENT_ENCODINGS: ReadonlyMap<string, string> = new Map([
  ['.gz', 'gzip'],
  ['.bz2', 'bzip2'],
]);

/**
 * The type of every extension Loom knows: mime-db's table with Twisted's overrides on
 * top. Keys are lower-case and start with a dot (`.html`). Built once, when this module
 * loads, and shared by every File that does not bring its own table.
 */
export const DEFAULT_CONTENT_TYPES: ReadonlyMap<string, string> = loadMimeTypes();

/** The type and encoding a file name maps to. `encoding` is `null` when there is none. */
export interface TypeAndEncoding {
  readonly type: string;
  readonly encoding: string | null;
}

// #region mime-type-and-encoding
/**
 * Work out the `Content-Type` and `Content-Encoding` of a file from its name. The last
 * extension is looked up without regard to case; when it is an encoding (`.gz`), the one
 * before it gives the type. A name with no extension, or an unknown one, gets
 * `defaultType`. A leading dot does not start an extension: `.profile` has none.
 *
 * @example
 * getTypeAndEncoding('notes.txt.gz', DEFAULT_CONTENT_TYPES, DEFAULT_CONTENT_ENCODINGS, 'text/html')
 * // { type: 'text/plain', encoding: 'gzip' }
 */
export function getTypeAndEncoding(filename: string, types: ReadonlyMap<string, string>,
  encodings: ReadonlyMap<string, string>, defaultType: string): TypeAndEncoding {
  let ext = extname(filename).toLowerCase();
  let encoding: string | null = null;
  const named = encodings.get(ext);
  if (named !== undefined) {
    encoding = named;
    ext = extname(filename.slice(0, filename.length - ext.length)).toLowerCase();
  }
  return { type: types.get(ext) ?? defaultType, encoding };
}
// #endregion mime-type-and-encoding

/**
 * Build a type table: mime-db's, then the entries of each `mime.types` file in
 * `locations` (the Apache format: a type, then its extensions, `#` for comments), then
 * Twisted's overrides. Later sources win. Returns a new table; nothing global changes.
 *
 * @example
 * const file = new File('/srv/www', { contentTypes: loadMimeTypes(['/etc/mime.types']) });
 */
export function loadMimeTypes(locations: readonly string[] = []): Map<string, string> {
  const table = new Map<string, string>();
  for (const [ext, type] of Object.entries(mimeTypes.types)) table.set(`.${ext}`, type);
  for (const location of locations) addMimeTypesFile(table, readFileSync(location, 'utf8'));
  for (const [ext, type] of TWISTED_TYPE_OVERRIDES) table.set(ext, type);
  return table;
}

/** Add the lines of a `mime.types` file (`type ext ext …`) to `table`. */
function addMimeTypesFile(table: Map<string, string>, text: string): void {
  for (const line of text.split('\n')) {
    const words = line.replace(/#.*/, '').trim().split(/\s+/);
    const type = words[0];
    if (type === undefined || type === '' || !type.includes('/')) continue;
    for (const ext of words.slice(1)) table.set(`.${ext.toLowerCase()}`, type);
  }
}
