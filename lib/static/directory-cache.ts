/**
 * @module
 * The directory cache: what makes a request for a file that is not there cost no system
 * call, once its directory has been read and nothing in it has changed since.
 *
 * For each directory a lookup has missed in, the cache reads the names in it once and
 * watches the directory (`fs.watch`, inotify on Linux). A name that is not among them
 * is known missing without a `lstat`. A name that is among them still gets its `lstat`
 * (the file's version is needed to serve it anyway), so a hit is never answered from
 * here. A watch event for a name adds that name to the set: the name *may* exist now,
 * and a `lstat` says whether it does; a file that went stays in the set and is simply
 * looked up, so no event can make a present file look missing. A file that appears is
 * served once the event loop has read its event (the next turn of the loop, in practice
 * well under a millisecond); until then it is still the 404 it was. An event without a name,
 * or one saying the directory itself moved or went, forgets the directory; it is read
 * again on the next miss.
 *
 * Bounds, because inotify watches are a system-wide resource (`fs.inotify.max_user_watches`):
 * at most {@link DEFAULT_MAX_DIRECTORIES} directories are watched, the first watched
 * going first, and a directory that cannot be watched (the limit reached, or
 * `EACCES`) is not cached at all, so its misses cost a `lstat` as before. Watchers do not
 * keep the process alive, and `close()` (which the Site calls when it closes, for every
 * cache its Files used) stops them all.
 *
 * A limit to know: a watch follows the directory, not its path. A directory reached
 * through a symlink is therefore never cached (its misses cost a `lstat`), so switching
 * a symlink to deploy (`current -> releases/6`) works as before. A directory moved away
 * is noticed (the watch says so), but when one of its *parents* is moved and another
 * tree put in its place, the cache keeps answering for the old directory until the
 * Site restarts: deploy by replacing files or by switching a symlink, or pass
 * `directories: null`.
 *
 * Twisted counterpart: none; Twisted's `File.getChild` asks the file system for every
 * name. sirv precomputes its whole tree at start-up and never sees a new file; this is
 * the middle road. Tests: `test/static/directory-cache.test.ts`; `lib/static/file.ts` uses it.
 */

import { readdirSync, realpathSync, watch, type FSWatcher } from 'node:fs';
import { basename } from 'node:path';
import { LoomError } from '../errors.ts';

/** At most this many directories are watched at once. */
export const DEFAULT_MAX_DIRECTORIES = 64;
/** A directory's name set may grow by this many names from events before it is read afresh. */
const MAX_ADDED_NAMES = 1024;

/** Options for a {@link DirectoryCache}. */
export interface DirectoryCacheOptions {
  /** The most directories watched at once; the first watched is dropped. @default 64 */
  maxDirectories?: number;
  /** Called after a watched directory changed and the cache took note (for logs, and for tests to wait on). */
  onChange?: (directory: string) => void;
}

interface Entry {
  readonly names: Set<string>;
  readonly watcher: FSWatcher;
  added: number;
}

/** The names in recently missed-in directories, kept current by watching them. */
export class DirectoryCache {
  readonly maxDirectories: number;
  readonly #onChange: ((directory: string) => void) | null;
  // Insertion order doubles as age: the first entry is the oldest, and goes first when full.
  readonly #entries = new Map<string, Entry>();

  constructor(options: DirectoryCacheOptions = {}) {
    const max = options.maxDirectories ?? DEFAULT_MAX_DIRECTORIES;
    if (!Number.isInteger(max) || max < 0) {
      throw new LoomError('LOOM_ERR_INVALID_ARGUMENT', `DirectoryCache option maxDirectories must be a whole number of at least 0, got ${String(max)}.`);
    }
    this.maxDirectories = max;
    this.#onChange = options.onChange ?? null;
  }

  // #region directory-cache-missing
  /**
   * True when `name` is known not to be in `directory`: the directory is watched and no
   * such name was in it or has appeared since. False means "look": it may be there.
   */
  isMissing(directory: string, name: string): boolean {
    const entry = this.#entries.get(directory);
    return entry !== undefined && !entry.names.has(name);
  }

  /**
   * A lookup in `directory` found nothing: read its names and watch it, so the next miss
   * there is answered from memory. Only misses start a watch (a 404, or an index name
   * tried and not there), so a tree whose every name and index is found is never read or watched.
   */
  missed(directory: string): void {
    if (!this.#entries.has(directory)) this.#read(directory);
  }
  // #endregion directory-cache-missing

  /** How many directories are watched. */
  get size(): number {
    return this.#entries.size;
  }

  /** True when `directory` is watched now. */
  has(directory: string): boolean {
    return this.#entries.has(directory);
  }

  /** Stop every watcher and forget everything. A later lookup reads and watches afresh. */
  close(): void {
    for (const directory of [...this.#entries.keys()]) this.#forget(directory);
  }

  /** Watch `directory`, then read its names (in that order, so no change falls between). */
  #read(directory: string): void {
    if (this.maxDirectories === 0 || !isReal(directory)) return;
    let watcher: FSWatcher;
    try {
      watcher = watch(directory, { persistent: false }, (event, name) => this.#changed(directory, event, name));
    } catch {
      return; // not a directory, gone, or no watches left: misses are looked up as before
    }
    watcher.on('error', () => this.#forget(directory));
    let names: string[];
    try {
      names = readdirSync(directory);
    } catch {
      watcher.close();
      return;
    }
    this.#entries.set(directory, { names: new Set(names), watcher, added: 0 });
    this.#evict();
  }

  #changed(directory: string, event: string, name: string | Buffer | null): void {
    const entry = this.#entries.get(directory);
    if (entry === undefined) return;
    // A nameless event, or a rename naming the directory itself (Linux names it so when it
    // moved or went; a child of the same name is taken the same way, to be safe), leaves
    // nothing known; so does a set grown large from names that came and went.
    if (name === null || (event === 'rename' && String(name) === basename(directory)) || entry.added >= MAX_ADDED_NAMES) {
      this.#forget(directory);
    } else if (!entry.names.has(String(name))) {
      entry.names.add(String(name));
      entry.added += 1;
    }
    this.#onChange?.(directory);
  }

  #forget(directory: string): void {
    const entry = this.#entries.get(directory);
    if (entry === undefined) return;
    this.#entries.delete(directory);
    entry.watcher.close();
  }

  #evict(): void {
    for (const [directory] of this.#entries) {
      if (this.#entries.size <= this.maxDirectories) return;
      this.#forget(directory);
    }
  }
}

/**
 * True when no symlink lies on `directory`'s path. A watch follows the directory the
 * path led to when it was set, so behind a symlink that is later switched (a deploy's
 * `current -> releases/6`) it would go on answering for the old directory.
 */
function isReal(directory: string): boolean {
  try {
    return realpathSync(directory) === directory;
  } catch {
    return false;
  }
}
