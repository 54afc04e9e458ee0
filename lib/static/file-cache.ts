/**
 * @module
 * File versions and the file cache: what makes serving the same file over and over cost
 * one `stat` instead of an open, reads and a close.
 *
 * A *version* of a file is what `stat` says about it: size, modification and change
 * times, inode. From it come the two validators a client can send back:
 * `Last-Modified` (for `If-Modified-Since`) and a strong `ETag` (for `If-None-Match` and
 * `If-Range`). The cache keeps the bytes of files up to 1 MiB (most pages, scripts,
 * styles and images) by path, with the version they were read at; a request whose fresh
 * `stat` shows the same version gets the bytes from memory, and any other version is
 * read again. So an edited file is served new at once, with no watcher to set up.
 *
 * One trap, and how it is avoided: file times have a granularity (a clock tick of a few
 * milliseconds on Linux, a whole second on ext3 and HFS+, two seconds on FAT), so a file
 * rewritten twice within one tick, with the same size, shows the same version both
 * times. A file modified less than a *racy window* before it is read is therefore served
 * but not remembered: any later write then lands on a visibly later time. The window is
 * {@link DEFAULT_RACY_WINDOW_MS}, or {@link COARSE_RACY_WINDOW_MS} when the modification
 * time is a whole second (a sign of a file system that keeps no more). Git calls such
 * files "racily clean" and handles its index the same way.
 *
 * Twisted counterpart: none; Twisted's `File` opens and reads every file on every
 * request, and sends no ETag. Tests: `test/static/file-cache.test.ts`; `lib/static/file.ts` uses it.
 */

import type { Stats } from 'node:fs';
import { dropCopiesOf, keepCopiesOf } from '../plumbing/encoded-copies.ts';
import { datetimeToString } from '../plumbing/http.ts';
import { LoomError } from '../errors.ts';

/**
 * Files up to this many bytes are kept in memory. Sent from memory, a 1 MiB file goes
 * out in one write instead of sixteen reads and writes; larger files are streamed.
 */
export const DEFAULT_MAX_FILE_SIZE = 1024 * 1024;
/** The cache as a whole holds at most this many bytes of file content. */
export const DEFAULT_MAX_TOTAL_SIZE = 64 * 1024 * 1024;
/** A file modified less than this long before it is read is not remembered (ten Linux clock ticks). */
export const DEFAULT_RACY_WINDOW_MS = 100;
/** The window for a modification time that is a whole second: FAT's times move in steps of two. */
export const COARSE_RACY_WINDOW_MS = 2000;

/** What a file's validators are made from: the parts of its `stat` that change when it does. */
export interface FileVersion {
  readonly size: number;
  readonly mtimeMs: number;
  /** A strong entity tag, `"<size>-<mtime>"` in hex (the shape nginx uses). */
  readonly etag: string;
  /** The `Last-Modified` value: the modification time rounded up to a whole second. */
  readonly lastModified: string;
}

/** A file's bytes, with the version they were read at. */
export interface CachedFile extends FileVersion {
  readonly body: Buffer;
}

/** Options for a {@link FileCache}. */
export interface FileCacheOptions {
  /** Files larger than this are streamed, never cached. @default 1 MiB */
  maxFileSize?: number;
  /** The most content the cache holds; the oldest entries go first. @default 64 MiB */
  maxTotalSize?: number;
  /**
   * Files modified more recently than this before being read are not remembered; at
   * least 2000 when the modification time is a whole second. @default 100
   */
  racyWindowMs?: number;
}

/** The version of a file of `size` bytes last modified at `mtimeMs`, with its validators. */
export function versionOf(size: number, mtimeMs: number): FileVersion {
  return {
    size,
    mtimeMs,
    etag: `"${size.toString(16)}-${Math.trunc(mtimeMs).toString(16)}"`,
    // Twisted rounds up too (`math.ceil`), so a copy saved at 10.2 s is not older than the file.
    lastModified: datetimeToString(Math.ceil(mtimeMs / 1000)),
  };
}

interface Entry extends CachedFile {
  readonly ctimeMs: number;
  readonly ino: number;
}

/** The bytes of files, by path, each checked against a fresh `stat` before use. */
export class FileCache {
  readonly maxFileSize: number;
  readonly maxTotalSize: number;
  readonly racyWindowMs: number;
  // Insertion order doubles as age: the first entry is the oldest, and goes first when full.
  readonly #entries = new Map<string, Entry>();
  #total = 0;

  constructor(options: FileCacheOptions = {}) {
    this.maxFileSize = nonNegative(options.maxFileSize, DEFAULT_MAX_FILE_SIZE, 'maxFileSize');
    this.maxTotalSize = nonNegative(options.maxTotalSize, DEFAULT_MAX_TOTAL_SIZE, 'maxTotalSize');
    this.racyWindowMs = nonNegative(options.racyWindowMs, DEFAULT_RACY_WINDOW_MS, 'racyWindowMs');
  }

  // #region file-cache-get
  /**
   * The cached bytes of `path`, if they were read at the version `stat` shows now;
   * otherwise `undefined`, and any stale entry is dropped.
   */
  get(path: string, stat: Stats): CachedFile | undefined {
    const entry = this.#entries.get(path);
    if (entry === undefined) return undefined;
    if (entry.size === stat.size && entry.mtimeMs === stat.mtimeMs && entry.ctimeMs === stat.ctimeMs && entry.ino === stat.ino) {
      return entry;
    }
    this.delete(path);
    return undefined;
  }
  // #endregion file-cache-get

  /**
   * Make a {@link CachedFile} of `body`, read from `path` at the version `stat` shows
   * (take `stat` from the open file, before reading). It is remembered unless the file
   * is too big, changed while being read (the byte count disagrees with `stat`), or was
   * modified within the racy window before `readStartedMs`.
   */
  remember(path: string, stat: Stats, body: Buffer, readStartedMs: number): CachedFile {
    const entry: Entry = { ...versionOf(body.length, stat.mtimeMs), body, ctimeMs: stat.ctimeMs, ino: stat.ino };
    if (this.#settled(stat.mtimeMs, readStartedMs) && body.length === stat.size && body.length <= this.maxFileSize && body.length <= this.maxTotalSize) {
      this.delete(path);
      this.#entries.set(path, entry);
      this.#total += body.length;
      keepCopiesOf(body); // compressed once per coding while cached (lib/plumbing/encoded-copies.ts)
      this.#evict();
    }
    return entry;
  }

  /** Forget `path`. */
  delete(path: string): void {
    const entry = this.#entries.get(path);
    if (entry === undefined) return;
    this.#entries.delete(path);
    this.#total -= entry.body.length;
    dropCopiesOf(entry.body);
  }

  /** Forget everything. */
  clear(): void {
    for (const entry of this.#entries.values()) dropCopiesOf(entry.body);
    this.#entries.clear();
    this.#total = 0;
  }

  /** How many files are cached. */
  get size(): number {
    return this.#entries.size;
  }

  /** How many bytes of content are cached. */
  get totalSize(): number {
    return this.#total;
  }

  /** True when `path` has an entry (whatever its version). */
  has(path: string): boolean {
    return this.#entries.has(path);
  }

  /** True when a file last modified at `mtimeMs` cannot be changed again unnoticed (see the module comment). */
  #settled(mtimeMs: number, readStartedMs: number): boolean {
    const window = mtimeMs % 1000 === 0 ? Math.max(this.racyWindowMs, COARSE_RACY_WINDOW_MS) : this.racyWindowMs;
    return readStartedMs - mtimeMs >= window;
  }

  #evict(): void {
    for (const [path] of this.#entries) {
      if (this.#total <= this.maxTotalSize) return;
      this.delete(path);
    }
  }
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!(value >= 0) || !Number.isFinite(value)) {
    throw new LoomError('LOOM_ERR_INVALID_ARGUMENT', `FileCache option ${name} must be a number of at least 0, got ${String(value)}.`);
  }
  return value;
}
