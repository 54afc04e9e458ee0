import { readFileSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileCache, versionOf } from '../../lib/static/file-cache.ts';
import { LoomError } from '../../lib/errors.ts';
import { File } from '../../lib/static/file.ts';
import { request } from '../../lib/testing.ts';
import { age, makeTree, type MadeTree } from '../support/temp-tree.ts';

let tree: MadeTree;

beforeAll(() => {
  tree = makeTree({ 'a.txt': 'aaaa', 'b.txt': 'bbbbbbbb' });
});

afterAll(() => tree.remove());

/** Remember `path` as the cache's caller does: stat, then read, noting when the read began. */
function remember(cache: FileCache, path: string, readStartedMs = Date.now()): { stat: Stats; body: Buffer } {
  const stat = statSync(path);
  const body = readFileSync(path);
  cache.remember(path, stat, body, readStartedMs);
  return { stat, body };
}

describe('versionOf', () => {
  it('makes a strong ETag of size and modification time in hex, and Last-Modified rounded up', () => {
    const version = versionOf(255, 1_700_000_000_500);
    expect(version.etag).toBe(`"ff-${(1_700_000_000_500).toString(16)}"`);
    expect(version.lastModified).toBe('Tue, 14 Nov 2023 22:13:21 GMT');
  });
});

describe('FileCache', () => {
  it('returns remembered bytes while the file keeps the same version', () => {
    const cache = new FileCache();
    age(tree.path('a.txt'));
    const { stat, body } = remember(cache, tree.path('a.txt'));
    const hit = cache.get(tree.path('a.txt'), statSync(tree.path('a.txt')));
    expect(hit?.body).toBe(body);
    expect(hit?.etag).toBe(versionOf(stat.size, stat.mtimeMs).etag);
    expect(cache.size).toBe(1);
    expect(cache.totalSize).toBe(4);
  });

  it('drops an entry once the file has changed', () => {
    const cache = new FileCache();
    age(tree.path('a.txt'));
    remember(cache, tree.path('a.txt'));
    writeFileSync(tree.path('a.txt'), 'changed');
    expect(cache.get(tree.path('a.txt'), statSync(tree.path('a.txt')))).toBe(undefined);
    expect(cache.has(tree.path('a.txt'))).toBe(false);
  });

  it('drops an entry when only the change time or the inode differ (a chmod, a file renamed over it)', () => {
    const cache = new FileCache({ racyWindowMs: 0 });
    const { stat } = remember(cache, tree.path('b.txt'));
    expect(cache.get(tree.path('b.txt'), like(stat, { ctimeMs: stat.ctimeMs + 1 }))).toBe(undefined);
    remember(cache, tree.path('b.txt'));
    expect(cache.get(tree.path('b.txt'), like(stat, { ino: stat.ino + 1 }))).toBe(undefined);
    remember(cache, tree.path('b.txt'));
    expect(cache.get(tree.path('b.txt'), like(stat, {}))).toBeDefined();
  });

  it('does not remember a file modified within the racy window before it was read', () => {
    const cache = new FileCache();
    const stat = like(statSync(tree.path('a.txt')), { mtimeMs: 1_700_000_000_123.25 });
    const served = cache.remember(tree.path('a.txt'), stat, Buffer.alloc(stat.size), stat.mtimeMs + 99);
    expect(served.body.length).toBe(stat.size);
    expect(cache.size).toBe(0);
    cache.remember(tree.path('a.txt'), stat, Buffer.alloc(stat.size), stat.mtimeMs + 100);
    expect(cache.size).toBe(1);
  });

  it('waits at least two seconds when the modification time is a whole second (FAT, ext3, HFS+)', () => {
    const cache = new FileCache();
    const stat = like(statSync(tree.path('a.txt')), { mtimeMs: 1_700_000_000_000 });
    cache.remember(tree.path('a.txt'), stat, Buffer.alloc(stat.size), stat.mtimeMs + 1999);
    expect(cache.size).toBe(0);
    cache.remember(tree.path('a.txt'), stat, Buffer.alloc(stat.size), stat.mtimeMs + 2000);
    expect(cache.size).toBe(1);
  });

  it('does not remember bytes that disagree with the stat (the file changed while being read)', () => {
    const cache = new FileCache({ racyWindowMs: 0 });
    const stat = statSync(tree.path('b.txt'));
    const served = cache.remember(tree.path('b.txt'), stat, Buffer.from('short'), Date.now());
    expect(served.size).toBe(5);
    expect(cache.size).toBe(0);
  });

  it('does not remember files larger than maxFileSize', () => {
    const cache = new FileCache({ maxFileSize: 3, racyWindowMs: 0 });
    remember(cache, tree.path('b.txt'));
    expect(cache.size).toBe(0);
  });

  it('drops the oldest entries when the total would pass maxTotalSize', () => {
    const cache = new FileCache({ maxTotalSize: 10, racyWindowMs: 0 });
    const stat = statSync(tree.path('a.txt'));
    cache.remember('/one', stat, Buffer.alloc(stat.size), Date.now());
    cache.remember('/two', statSync(tree.path('b.txt')), Buffer.alloc(statSync(tree.path('b.txt')).size), Date.now());
    expect(cache.has('/one')).toBe(false);
    expect(cache.has('/two')).toBe(true);
    expect(cache.totalSize).toBeLessThanOrEqual(10);
  });

  it('forgets on delete and clear', () => {
    const cache = new FileCache({ racyWindowMs: 0 });
    remember(cache, tree.path('a.txt'));
    cache.delete(tree.path('a.txt'));
    expect(cache.size).toBe(0);
    remember(cache, tree.path('a.txt'));
    cache.clear();
    expect(cache.totalSize).toBe(0);
  });

  it('refuses a negative or non-numeric limit with a coded error', () => {
    expect(() => new FileCache({ maxFileSize: -1 })).toThrow(LoomError);
    expect(() => new FileCache({ maxTotalSize: Number.NaN })).toThrow(/maxTotalSize must be a number/);
  });
});

describe('FileCache inside File', () => {
  it('serves a settled small file from memory, without opening it again', async () => {
    const cache = new FileCache();
    let opens = 0;
    class Counting extends File {
      override openForReading(): number {
        opens++;
        return super.openForReading();
      }
    }
    writeFileSync(tree.path('a.txt'), 'cached?');
    age(tree.path('a.txt'));
    const root = new Counting(tree.root, { cache });
    expect((await request(root, { uri: '/a.txt' })).text).toBe('cached?');
    expect((await request(root, { uri: '/a.txt' })).text).toBe('cached?');
    expect(opens).toBe(1);
    expect(cache.has(tree.path('a.txt'))).toBe(true);
  });

  it('serves the new bytes after an edit, even one within the same second', async () => {
    const root = new File(tree.root);
    writeFileSync(tree.path('a.txt'), 'one');
    age(tree.path('a.txt'));
    expect((await request(root, { uri: '/a.txt' })).text).toBe('one');
    writeFileSync(tree.path('a.txt'), 'two');
    expect((await request(root, { uri: '/a.txt' })).text).toBe('two');
  });

  it('opens the file again, and can answer 403, once the cached version is out of date', async () => {
    let refuse = false;
    class Guarded extends File {
      override openForReading(): number {
        if (refuse) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
        return super.openForReading();
      }
    }
    writeFileSync(tree.path('a.txt'), 'guarded');
    age(tree.path('a.txt'));
    const root = new Guarded(tree.root);
    expect((await request(root, { uri: '/a.txt' })).code).toBe(200);
    refuse = true;
    expect((await request(root, { uri: '/a.txt' })).code).toBe(200); // same version: from memory
    writeFileSync(tree.path('a.txt'), 'guarded, and changed');
    expect((await request(root, { uri: '/a.txt' })).code).toBe(403);
  });

  it('streams every file, and caches none, with cache: null', async () => {
    const root = new File(tree.root, { cache: null });
    expect((await request(root, { uri: '/b.txt' })).code).toBe(200);
    expect(root.cache).toBe(null);
  });
});

/** A copy of `stat` with some fields changed, to stand for the same path a moment later. */
function like(stat: Stats, changes: Partial<Pick<Stats, 'ctimeMs' | 'ino' | 'mtimeMs'>>): Stats {
  return Object.assign(Object.create(Object.getPrototypeOf(stat) as object) as Stats, stat, changes);
}
