/**
 * @module
 * `File`: a directory tree (or one file) on disk, served as a resource tree. Each path
 * segment names an entry of the directory above it; a directory answers its trailing
 * slash with an index file or a listing; a file answers with its bytes, their type, and
 * the validators and ranges that let clients cache and resume.
 *
 * Twisted counterpart: `twisted.web.static.File` (`getChild`, `render_GET`,
 * `createSimilarFile`, `ignoreExt`, `indexNames`, `processors`, `childNotFound`,
 * `forbidden`). Kept from Twisted: `..` and `/` inside a segment are 404, `.` is the
 * directory itself, a directory without its slash gets a 302 that keeps the query, an
 * unreadable file is 403, `text/html` is the default type, `.gz`/`.bz2` are encodings,
 * only GET and HEAD are answered. Loom differs:
 * - symlinks that lead outside the served root are 404 unless `followSymlinks: true`
 *   (Twisted follows every symlink, so one stray link publishes `/etc`);
 * - dotfiles (`.env`, `.git/`, `.htpasswd`) are 404 and left out of listings unless
 *   `hideDotfiles: false`, because the files people forget in a served folder are
 *   exactly those; `.well-known/` stays visible (RFC 8615). Twisted serves them all;
 * - a strong `ETag` from size and modification time, so `If-None-Match` gives 304 and
 *   `If-Range` works (Twisted sends no ETag and ignores both);
 * - a 304 carries the `Content-Length` the 200 would have (RFC 9110 §8.6), not `0`;
 * - processors match the longest extension, without regard to case (`.rsx.ts` beats
 *   `.ts`; `PAGE.CGI` runs rather than leaking its source on a case-insensitive disk);
 * - files up to 1 MiB are served from a cache checked by `stat` on every request
 *   (`lib/static/file-cache.ts`); large ones are streamed with backpressure and the file is
 *   closed as soon as the client goes away;
 * - a miss in a directory read before and watched since costs no system call
 *   (`lib/static/directory-cache.ts`); Twisted asks the disk for every name;
 * - `ignoredExts: ['*']` picks the first match in sorted order (Twisted takes whatever
 *   order the directory lists in).
 * Ranges are in `lib/static/ranges.ts`, listings in `lib/static/directory-listing.ts`,
 * types in `lib/static/mime.ts`, reading and streaming in `lib/static/file-send.ts`.
 * Why this file is long: `File` is one resource whose child lookup (which name on disk
 * answers a segment, with index names, ignored extensions and processors) and rendering
 * (conditional requests, ranges, cache or stream) share the same path and options; the
 * parts that stand alone already live in the files above.
 * Tests: `test/static/file.test.ts`, `test/static/file.security.test.ts`,
 * `test/static/file.twisted.test.ts`. Lesson 01 teaches it; lesson 23 configures it.
 */

import { closeSync, fstatSync, lstatSync, openSync, readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { resolve, sep } from 'node:path';
import { DirectoryLister, isDotfile, isWithin } from './directory-listing.ts';
import { DirectoryCache } from './directory-cache.ts';
import { FileCache, versionOf, type CachedFile, type FileVersion } from './file-cache.ts';
import { readWhole, readWholeSync, streamParts, type FilePart } from './file-send.ts';
import { assertNever } from '../errors.ts';
import { datetimeToString, stringToDatetime } from '../plumbing/http.ts';
import { DEFAULT_CONTENT_ENCODINGS, DEFAULT_CONTENT_TYPES, getTypeAndEncoding, type TypeAndEncoding } from './mime.ts';
import { forbidden, notFound } from '../pages.ts';
import { Registry } from './registry.ts';
import { CACHED, type Request } from '../request.ts';
import { NOT_DONE_YET, Resource, type Body, type IResource, type RenderResult } from '../resource.ts';
import { findPrecompressed, withSiblingEncodings } from './precompressed.ts';
import { planRanges, type RangePlan } from './ranges.ts';
import { redirectTo } from '../util.ts';
import { kCloseWithOwner } from '../plumbing/symbols.ts';

/**
 * The names tried, in order, for a directory's trailing slash: Twisted's list, with the
 * resource script `index.rsx.ts` in place of `index.rpy`.
 */
export const DEFAULT_INDEX_NAMES: readonly string[] = ['index', 'index.html', 'index.htm', 'index.rsx.ts'];

/**
 * Files up to this size are read with one blocking read when they are not cached: for
 * them that is quicker than a trip through libuv's thread pool, and short enough not to
 * hold up other requests. Larger ones are read without blocking.
 */
export const SYNC_READ_LIMIT = 64 * 1024;

/**
 * Makes the resource for a file with a given extension, instead of serving its bytes:
 * a resource script, a CGI program, an as-is file. Twisted's processor classes.
 */
export type Processor = (path: string, registry: Registry) => IResource;

/** Extensions (with their dot: `.cgi`, `.rsx.ts`) to processors, as a Map or a plain object. */
export type ProcessorTable = ReadonlyMap<string, Processor> | Readonly<Record<string, Processor>>;

/** Options for a {@link File}. Each is also a public field, copied to every child. */
export interface FileOptions {
  /** The type of files whose extension is unknown or missing. @default 'text/html' (Twisted's) */
  defaultType?: string;
  /**
   * Extensions to try when a name does not exist: with `['.html']`, `/about` serves
   * `about.html`. `''` stands for the bare name, `'*'` for any `name.*` (the first in
   * sorted order). @default []
   */
  ignoredExts?: readonly string[];
  /** Shared with every child and handed to processors. @default a new Registry */
  registry?: Registry;
  /** Tried in order for a directory's trailing slash. @default DEFAULT_INDEX_NAMES */
  indexNames?: readonly string[];
  /** Resources to make for files with certain extensions. @default none */
  processors?: ProcessorTable;
  /** Extension (lower-case, with dot) to type. @default DEFAULT_CONTENT_TYPES */
  contentTypes?: ReadonlyMap<string, string>;
  /** Extension to `Content-Encoding`. @default DEFAULT_CONTENT_ENCODINGS (`.gz`, `.bz2`) */
  contentEncodings?: ReadonlyMap<string, string>;
  /** What a missing file renders. @default a 404 page saying "File not found." */
  childNotFound?: IResource;
  /** What an unreadable file renders. @default a 403 page */
  forbidden?: IResource;
  /** Serve symlinks whose target lies outside this File's root, as Twisted does. @default false */
  followSymlinks?: boolean;
  /** Answer 404 for names starting with a dot (except `.well-known`) and leave them out of listings. @default true */
  hideDotfiles?: boolean;
  /**
   * Serve `name.br` or `name.gz`, when one exists beside `name`, to clients that accept
   * that coding (nginx's `gzip_static`; lib/static/precompressed.ts). @default false
   */
  precompressed?: boolean;
  /** Files up to its `maxFileSize` are kept here; `null` streams every file from disk. @default a new FileCache */
  cache?: FileCache | null;
  /**
   * Names of directories already read, so a miss in one costs no system call; `null`
   * asks the file system every time. @default one DirectoryCache shared by every File on
   * Linux (where names are case-sensitive and inotify is reliable), else `null`
   */
  directories?: DirectoryCache | null;
}

/** What a lookup in a directory found: the path, its `stat`, and its real path when it is tracked. */
interface Found {
  readonly path: string;
  readonly name: string;
  readonly stat: Stats;
  readonly real: string | null;
}

const FILE_NOT_FOUND = notFound('No Such Resource', 'File not found.');
const FORBIDDEN = forbidden();

/**
 * A file or directory served from disk.
 *
 * @example
 * const site = new Site(new File('./public'));
 * await site.listen('tcp:8080:interface=127.0.0.1');
 */
export class File extends Resource {
  /** The absolute path served. */
  readonly path: string;
  defaultType: string;
  ignoredExts: string[];
  registry: Registry;
  indexNames: string[];
  processors: ProcessorTable;
  contentTypes: ReadonlyMap<string, string>;
  contentEncodings: ReadonlyMap<string, string>;
  childNotFound: IResource;
  forbidden: IResource;
  followSymlinks: boolean;
  hideDotfiles: boolean;
  precompressed: boolean;
  cache: FileCache | null;
  directories: DirectoryCache | null;

  /** The `stat` traversal took of this file, used once by `render` instead of a second one. */
  #stat: Stats | null = null;
  /** This path with symlinks resolved; `null` until known. */
  #real: string | null = null;
  /** The real path of the root this File was reached from (its own, for a File you make). */
  #root: string | null = null;
  #typeAndEncoding: TypeAndEncoding | null = null;

  constructor(path: string, options: FileOptions = {}) {
    super();
    this.path = resolve(path);
    this.defaultType = options.defaultType ?? 'text/html';
    this.ignoredExts = [...(options.ignoredExts ?? [])];
    this.registry = options.registry ?? new Registry();
    this.indexNames = [...(options.indexNames ?? DEFAULT_INDEX_NAMES)];
    this.processors = options.processors ?? EMPTY_PROCESSORS;
    this.contentTypes = options.contentTypes ?? DEFAULT_CONTENT_TYPES;
    this.contentEncodings = options.contentEncodings ?? DEFAULT_CONTENT_ENCODINGS;
    this.childNotFound = options.childNotFound ?? FILE_NOT_FOUND;
    this.forbidden = options.forbidden ?? FORBIDDEN;
    this.followSymlinks = options.followSymlinks ?? false;
    this.hideDotfiles = options.hideDotfiles ?? true;
    this.precompressed = options.precompressed ?? false;
    this.cache = options.cache === undefined ? new FileCache() : options.cache;
    this.directories = options.directories === undefined ? defaultDirectoryCache() : options.directories;
  }

  /** Also try `name + ext` for names that do not exist (see `ignoredExts`). */
  ignoreExt(ext: string): void {
    this.ignoredExts.push(ext);
  }

  // #region static-get-child
  /**
   * The child for one path segment: `''` (a trailing slash) is the first index file that
   * exists, else a listing; any other name is that entry of this directory, tried with
   * each of `ignoredExts` when it does not exist. Names that could leave the directory
   * (`..`, or a `/` decoded from `%2F`), hidden dotfiles and entries that are not there
   * all get `childNotFound`.
   */
  override getChild(name: string, request: Request): IResource {
    if (name === '') return this.#indexOrListing(request);
    if (!isSafeName(name) || (this.hideDotfiles && isDotfile(name))) return this.childNotFound;
    if (name === '.') return this.#self();
    const found = this.#find(name);
    if (found !== null) return this.#childFor(found);
    this.#closeWithSite(request); // the miss may have started a directory watch
    const withExt = this.#findWithIgnoredExt(name);
    return withExt === null ? this.childNotFound : this.#childFor(withExt);
  }
  // #endregion static-get-child

  #indexOrListing(request: Request): IResource {
    const stat = this.#stat ?? statOrNull(this.path);
    if (stat === null || !stat.isDirectory()) return this.childNotFound;
    for (const index of this.indexNames) {
      const found = this.#find(index);
      if (found !== null) return this.#childFor(found);
      this.#closeWithSite(request);
    }
    return this.directoryListing();
  }

  /**
   * A miss is what starts a directory watch (a missing name, a missing index): have the
   * Site stop its watchers when it closes. Only misses pay for this call.
   */
  #closeWithSite(request: Request): void {
    if (this.directories !== null) request.site?.[kCloseWithOwner]?.(this.directories);
  }

  // #region static-find
  /**
   * Look `name` up in this directory. A symlink is resolved, and unless `followSymlinks`
   * is set, refused when its target lies outside the root. Anything else is not a link,
   * so its real path is its parent's plus its name: one `lstat` per segment checks the
   * whole walk.
   */
  #find(name: string): Found | null {
    const parent = this.followSymlinks ? null : this.#realPath();
    if (!this.followSymlinks && parent === null) return null; // this directory itself is gone
    // Known missing from a directory watched since it was read: no lstat at all.
    if (this.directories?.isMissing(this.path, name) === true) return null;
    const path = joinName(this.path, name);
    let stat: Stats | undefined;
    try {
      // throwIfNoEntry: a missing file is the common 404, and an Error with a stack for
      // each one cost ~15 µs; a plain undefined costs ~1 µs.
      stat = lstatSync(path, { throwIfNoEntry: false });
    } catch {
      return null; // a parent that is not a directory (ENOTDIR): not found either way
    }
    if (stat === undefined) {
      this.directories?.missed(this.path);
      return null;
    }
    if (!stat.isSymbolicLink()) return { path, name, stat, real: parent === null ? null : joinName(parent, name) };
    try {
      const real = realpathSync(path);
      if (!this.followSymlinks && !isWithin(real, this.#root!)) return null;
      return { path, name, stat: statSync(path), real };
    } catch {
      return null; // a broken link, or a loop
    }
  }
  // #endregion static-find

  /** Try `name` with each of `ignoredExts`, in order. */
  #findWithIgnoredExt(name: string): Found | null {
    for (const ext of this.ignoredExts) {
      const found = ext === '*' ? this.#findAnyExtension(name) : ext === '' ? null : this.#find(name + ext);
      if (found !== null) return found;
    }
    return null;
  }

  /** The first entry, in sorted order, named `name.<anything>`. */
  #findAnyExtension(name: string): Found | null {
    let entries: string[];
    try {
      entries = readdirSync(this.path).sort();
    } catch {
      return null;
    }
    const prefix = `${name}.`;
    for (const entry of entries) {
      if (!entry.startsWith(prefix)) continue;
      const found = this.#find(entry);
      if (found !== null) return found;
    }
    return null;
  }

  /** `.`: this directory again (Twisted allows it too: `/./a.txt` is `/a.txt`). */
  #self(): IResource {
    const stat = this.#stat ?? statOrNull(this.path);
    if (stat === null) return this.childNotFound;
    return this.#childFor({ path: this.path, name: '.', stat, real: this.followSymlinks ? null : this.#realPath() });
  }

  // #region static-child-for
  /** The resource for something found: a processor's, when its extension has one, else a File. */
  #childFor(found: Found): IResource {
    const processor = processorFor(this.processors, found.name);
    if (processor !== null) return processor(found.path, this.registry);
    const child = this.createSimilarFile(found.path);
    child.#stat = found.stat;
    child.#real = found.real;
    child.#root = this.#root ?? this.#realPath();
    return child;
  }

  /** A File for `path` with this one's settings (Twisted's `createSimilarFile`). Subclasses keep the `(path, options)` constructor. */
  createSimilarFile(path: string): File {
    const Similar = this.constructor as new (path: string, options: FileOptions) => File;
    return new Similar(path, {
      defaultType: this.defaultType, ignoredExts: this.ignoredExts, registry: this.registry,
      indexNames: this.indexNames, processors: this.processors, contentTypes: this.contentTypes,
      contentEncodings: this.contentEncodings, childNotFound: this.childNotFound, forbidden: this.forbidden,
      followSymlinks: this.followSymlinks, hideDotfiles: this.hideDotfiles, cache: this.cache, precompressed: this.precompressed,
      directories: this.directories,
    });
  }
  // #endregion static-child-for

  /** The listing shown for a directory with no index file. Override to show another page. */
  directoryListing(): IResource {
    return new DirectoryLister(this.path, {
      contentTypes: this.contentTypes, contentEncodings: this.contentEncodings, defaultType: this.defaultType,
      hideDotfiles: this.hideDotfiles, within: this.followSymlinks ? null : this.#root ?? this.#realPath(),
    });
  }

  /** Open the file; returns a file descriptor. Override to serve from elsewhere (Twisted's `openForReading`). */
  openForReading(): number {
    return openSync(this.path, 'r');
  }

  // #region static-render
  /**
   * Answer with the file: 404 when it is gone, a 302 adding the slash for a directory,
   * 403 when it cannot be opened, 304 when the client's copy is current, else its bytes
   * (whole, one range, several, or 416), from the cache when it is small, streamed
   * when it is not. HEAD gets the same headers and no body.
   */
  render_GET(request: Request): RenderResult {
    const stat = this.#stat ?? statOrNull(this.path);
    this.#stat = null; // used once: a File kept by someone else must look again next time
    if (stat === null) return this.childNotFound.render(request);
    if (stat.isDirectory()) return this.redirect(request);
    if (this.precompressed) {
      // Which file is sent depends on Accept-Encoding whether or not a sibling exists now
      // (one may be made later), so caches are told on every answer, as sirv does.
      request.setHeader('vary', 'Accept-Encoding');
      const sibling = findPrecompressed(this.path, request.requestHeaders.getRawHeaders('accept-encoding')?.join(','), this.followSymlinks);
      if (sibling !== null) return this.#sibling(sibling.path, sibling.stat).render(request);
    }
    request.setHeader('accept-ranges', 'bytes');
    const cache = this.cache;
    if (cache !== null && stat.size <= cache.maxFileSize) {
      const hit = cache.get(this.path, stat);
      if (hit !== undefined) return this.#sendBytes(request, hit);
    }
    let fd: number;
    try {
      fd = this.openForReading();
    } catch (error) {
      return this.#openFailed(request, error);
    }
    return this.#sendOpenFile(request, fd);
  }
  // #endregion static-render

  /**
   * The File that sends `path`, a precompressed sibling of this one: its type is this
   * one's, its coding the suffix's. `stat` is the one that found it, used instead of another.
   */
  #sibling(path: string, stat: Stats): File {
    const sibling = this.createSimilarFile(path);
    sibling.#stat = stat;
    sibling.precompressed = false;
    sibling.contentEncodings = withSiblingEncodings(this.contentEncodings);
    return sibling;
  }

  /** Send a 302 to this directory with a slash added (the query kept). */
  redirect(request: Request): string {
    return redirectTo(addSlash(request.uri), request);
  }

  #openFailed(request: Request, error: unknown): RenderResult {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') return this.forbidden.render(request);
    if (code === 'ENOENT' || code === 'ENOTDIR') return this.childNotFound.render(request); // deleted since the stat
    throw error;
  }

  /**
   * A file the cache may hold is read whole (blocking only when it is small) and
   * remembered; a larger one, or any file when there is no cache, is streamed.
   */
  #sendOpenFile(request: Request, fd: number): RenderResult {
    let opened: Stats;
    try {
      opened = fstatSync(fd);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
    const cache = this.cache;
    if (cache === null || opened.size > cache.maxFileSize) return this.#sendStream(request, fd, versionOf(opened.size, opened.mtimeMs));
    const started = Date.now();
    if (opened.size > SYNC_READ_LIMIT) {
      return readWhole(fd, opened.size)
        .then((body) => this.#sendBytes(request, cache.remember(this.path, opened, body, started)))
        .finally(() => closeSync(fd));
    }
    let body: Buffer;
    try {
      body = readWholeSync(fd, opened.size);
    } finally {
      closeSync(fd);
    }
    return this.#sendBytes(request, cache.remember(this.path, opened, body, started));
  }

  // #region static-send-bytes
  /** Answer from bytes in memory. */
  #sendBytes(request: Request, file: CachedFile): Body {
    if (isNotModified(request, file)) return notModified(request, file);
    const plan = this.#planFor(request, file);
    this.#setContentHeaders(request, plan, file.size);
    switch (plan.kind) {
      case 'full': return request.method === 'HEAD' ? '' : file.body;
      case 'single': return file.body.subarray(plan.range.start, plan.range.start + plan.range.length);
      case 'multipart': return Buffer.concat([...plan.parts.flatMap((p) => [p.head, file.body.subarray(p.start, p.start + p.length)]), plan.trailer]);
      case 'unsatisfiable': return '';
      default: return assertNever(plan, 'range plan');
    }
  }
  // #endregion static-send-bytes

  /** Answer from an open file, streaming the bytes with backpressure. Closes `fd` in every case. */
  #sendStream(request: Request, fd: number, version: FileVersion): RenderResult {
    if (isNotModified(request, version)) {
      closeSync(fd);
      return notModified(request, version);
    }
    const plan = this.#planFor(request, version);
    this.#setContentHeaders(request, plan, version.size);
    if (request.method === 'HEAD' || plan.kind === 'unsatisfiable') {
      closeSync(fd); // opened only to prove it can be read (Twisted does the same)
      return '';
    }
    const parts: readonly FilePart[] = plan.kind === 'multipart' ? plan.parts
      : [{ head: EMPTY, ...(plan.kind === 'single' ? plan.range : { start: 0, length: version.size }) }];
    streamParts(request, fd, parts, plan.kind === 'multipart' ? plan.trailer : EMPTY, this);
    return NOT_DONE_YET;
  }

  /**
   * Which bytes to send. HEAD describes the whole file; a `Range` is honoured for GET only,
   * and only while `If-Range` (when sent) still names this version of the file.
   */
  #planFor(request: Request, version: FileVersion): RangePlan {
    const range = request.method === 'GET' ? request.getHeader('range') : undefined;
    const type = this.#contentType().type;
    if (range !== undefined && !ifRangeAllows(request.getHeader('if-range'), version)) return planRanges(undefined, version.size, type);
    return planRanges(range, version.size, type);
  }

  #setContentHeaders(request: Request, plan: RangePlan, size: number): void {
    const { type, encoding } = this.#contentType();
    switch (plan.kind) {
      case 'full':
      case 'single':
        request.setHeader('content-type', type);
        if (encoding !== null) request.setHeader('content-encoding', encoding);
        if (plan.kind === 'single') {
          request.setResponseCode(206);
          request.setHeader('content-range', plan.contentRange);
        }
        request.setHeader('content-length', plan.kind === 'single' ? plan.range.length : size);
        return;
      case 'multipart':
        request.setResponseCode(206);
        request.setHeader('content-type', plan.contentType);
        request.setHeader('content-length', plan.contentLength);
        return;
      case 'unsatisfiable':
        request.setResponseCode(416);
        request.setHeader('content-range', plan.contentRange);
        request.setHeader('content-length', 0);
        return;
      default:
        assertNever(plan, 'range plan');
    }
  }

  /** The type and encoding of this file, worked out from its name once. */
  #contentType(): TypeAndEncoding {
    return (this.#typeAndEncoding ??= getTypeAndEncoding(baseName(this.path), this.contentTypes, this.contentEncodings, this.defaultType));
  }

  /** This File's real path (resolved once), which also becomes the root for a File you made yourself. */
  #realPath(): string | null {
    if (this.#real === null) {
      try {
        this.#real = realpathSync(this.path);
      } catch {
        return null;
      }
    }
    this.#root ??= this.#real;
    return this.#real;
  }
}

// #region static-conditional
/**
 * Send the validators, and say whether the client's copy is current. `If-None-Match`
 * takes precedence: when it is present, `If-Modified-Since` is not consulted
 * (RFC 9110 §13.2.2).
 */
function isNotModified(request: Request, version: FileVersion): boolean {
  request.setHeader('last-modified', version.lastModified);
  if (request.getHeader('if-none-match') !== undefined) return request.setETag(version.etag) === CACHED;
  request.setETag(version.etag);
  return request.setLastModified(version.mtimeMs) === CACHED;
}

/** The 304 (already set): no body, and the length the 200 would have had (RFC 9110 §8.6). */
function notModified(request: Request, version: FileVersion): string {
  request.setHeader('content-length', version.size);
  return '';
}

/**
 * `If-Range` lets a client resume only if the file is still the one it has: a strong
 * ETag must match exactly, a date must equal `Last-Modified`, and a weak tag never
 * matches (RFC 9110 §13.1.5). When it does not match, the whole file is sent.
 */
function ifRangeAllows(ifRange: string | undefined, version: FileVersion): boolean {
  if (ifRange === undefined) return true;
  const value = ifRange.trim();
  if (value.startsWith('"')) return value === version.etag;
  if (value.startsWith('W/')) return false;
  const seconds = stringToDatetime(value);
  return seconds !== null && datetimeToString(seconds) === version.lastModified;
}
// #endregion static-conditional

// #region static-safe-name
/**
 * True when `name` names an entry of the directory and nothing else: not `..`, and no
 * `/` (a decoded `%2F`) or NUL inside; on Windows, no `\` or `:` (drive letters and
 * alternate data streams) either.
 */
function isSafeName(name: string): boolean {
  if (name === '..' || name.includes('/') || name.includes('\0')) return false;
  return sep !== '\\' || !(name.includes('\\') || name.includes(':'));
}
// #endregion static-safe-name

// #region static-processor-for
/**
 * The processor for `filename`: the longest extension in `table` that the name ends
 * with, compared without regard to case. The name must be longer than the extension:
 * `.cgi` alone is a dotfile, not a CGI script.
 */
export function processorFor(table: ProcessorTable, filename: string): Processor | null {
  const entries = table instanceof Map ? table : Object.entries(table);
  let best: Processor | null = null;
  let bestLength = 0;
  let lower: string | null = null;
  for (const [ext, processor] of entries as Iterable<[string, Processor]>) {
    lower ??= filename.toLowerCase();
    if (ext.length > bestLength && lower.length > ext.length && lower.endsWith(ext.toLowerCase())) {
      best = processor;
      bestLength = ext.length;
    }
  }
  return best;
}
// #endregion static-processor-for

/**
 * The request URI with a slash added to its path, the query kept: `/docs?x=1` →
 * `/docs/?x=1`. A path starting with two slashes (or a slash and a backslash) would read
 * as another host (`//evil.example/`), so it is made to start with `/.` instead, which
 * names the same path on this host.
 */
export function addSlash(uri: string): string {
  const q = uri.indexOf('?');
  const path = q < 0 ? uri : uri.slice(0, q);
  const safe = /^\/[/\\]/.test(path) ? `/.${path}` : path;
  return q < 0 ? `${safe}/` : `${safe}/${uri.slice(q)}`;
}

/** `dir` + separator + `name`, without doubling the separator of a root such as `/`. */
function joinName(dir: string, name: string): string {
  return dir.endsWith(sep) ? dir + name : dir + sep + name;
}

// One for every File not given its own: a directory's names are the same whichever File
// asks, and a File made per request (UserDirectory's) would otherwise start a watch per miss.
let sharedDirectories: DirectoryCache | null | undefined;

function defaultDirectoryCache(): DirectoryCache | null {
  if (sharedDirectories === undefined) sharedDirectories = process.platform === 'linux' ? new DirectoryCache() : null;
  return sharedDirectories;
}

function statOrNull(path: string): Stats | null {
  try {
    // Without throwIfNoEntry, every missing file costs an Error with a stack (~15 µs).
    return statSync(path, { throwIfNoEntry: false }) ?? null;
  } catch {
    return null; // ENOTDIR and the like: missing, as before
  }
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf(sep) + 1);
}


const EMPTY = Buffer.alloc(0);
const EMPTY_PROCESSORS: ProcessorTable = new Map();
