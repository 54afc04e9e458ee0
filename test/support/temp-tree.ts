/**
 * Temporary directory trees for the static-file tests, described as plain objects:
 * a string or bytes is a file, an object is a directory, `{ symlink: target }` is a link.
 * Each tree lives under the OS temp directory and is removed by `remove()`.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A file (text or bytes), a directory, or a symlink to `target` (relative or absolute). */
export type Entry = string | Uint8Array | { readonly symlink: string } | Tree;
export interface Tree {
  readonly [name: string]: Entry;
}

/** A tree made on disk. */
export interface MadeTree {
  /** The tree's root, with symlinks in the temp path already resolved. */
  readonly root: string;
  /** `join(root, ...parts)`. */
  path(...parts: string[]): string;
  remove(): void;
}

/** Make `tree` in a fresh temporary directory. */
export function makeTree(tree: Tree, prefix = 'loom-static-'): MadeTree {
  const root = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  write(root, tree);
  return { root, path: (...parts) => join(root, ...parts), remove: () => rmSync(root, { recursive: true, force: true }) };
}

function write(dir: string, tree: Tree): void {
  for (const [name, entry] of Object.entries(tree)) {
    const path = join(dir, name);
    if (typeof entry === 'string' || entry instanceof Uint8Array) writeFileSync(path, entry);
    else if (isLink(entry)) symlinkSync(entry.symlink, path);
    else {
      mkdirSync(path);
      write(path, entry as Tree);
    }
  }
}

function isLink(entry: Entry): entry is { readonly symlink: string } {
  return typeof entry === 'object' && !(entry instanceof Uint8Array) && typeof (entry as { symlink?: unknown }).symlink === 'string';
}

/**
 * Set a file's modification time to `secondsAgo` in the past, so the small-file cache
 * treats it as settled (see lib/static/file-cache.ts on racy files). Returns that time in ms.
 */
export function age(path: string, secondsAgo = 3600): number {
  const when = Math.floor(Date.now() / 1000) - secondsAgo;
  utimesSync(path, when, when);
  return when * 1000;
}

/** Bytes no two of which at nearby offsets repeat a pattern, so a wrong offset cannot pass by accident. */
export function jumble(size: number, seed = 7): Buffer {
  const out = Buffer.allocUnsafe(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
