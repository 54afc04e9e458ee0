import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DirectoryCache } from '../../lib/static/directory-cache.ts';
import { LoomError } from '../../lib/errors.ts';
import { File } from '../../lib/static/file.ts';
import { request, testSite } from '../../lib/testing.ts';
import { makeTree, type MadeTree } from '../support/temp-tree.ts';
import { within } from '../support/within.ts';

let tree: MadeTree;
let caches: DirectoryCache[];

beforeEach(() => {
  tree = makeTree({ 'a.txt': 'aaaa', sub: { 'b.txt': 'bb' } });
  caches = [];
});

afterEach(() => {
  for (const cache of caches) cache.close();
  tree.remove();
});

/** A cache whose changes can be awaited: `next()` resolves at the next change it takes note of. */
function watchedCache(maxDirectories?: number): { cache: DirectoryCache; next(): Promise<string>; seen: string[] } {
  const seen: string[] = [];
  let waiting: ((directory: string) => void) | null = null;
  const cache = new DirectoryCache({
    ...(maxDirectories === undefined ? {} : { maxDirectories }),
    onChange: (directory) => {
      seen.push(directory);
      waiting?.(directory);
      waiting = null;
    },
  });
  caches.push(cache);
  const next = (): Promise<string> => within(new Promise<string>((resolve) => (waiting = resolve)), 5000, 'a watch event', () => seen.join('\n'));
  return { cache, next, seen };
}

describe('DirectoryCache', () => {
  it('reads and watches a directory only once a lookup missed in it', () => {
    const { cache } = watchedCache();
    expect(cache.isMissing(tree.root, 'nope.txt')).toBe(false);
    expect(cache.has(tree.root)).toBe(false);
  });

  it('knows a name missing from a directory it has read, and not one that is there', () => {
    const { cache } = watchedCache();
    cache.missed(tree.root);
    expect(cache.isMissing(tree.root, 'nope.txt')).toBe(true);
    expect(cache.isMissing(tree.root, 'a.txt')).toBe(false);
    expect(cache.has(tree.root)).toBe(true);
  });

  it('takes a file that appears as possibly there, once the watch says so', async () => {
    const { cache, next } = watchedCache();
    cache.missed(tree.root);
    expect(cache.isMissing(tree.root, 'new.txt')).toBe(true);
    const changed = next();
    writeFileSync(tree.path('new.txt'), 'new');
    await changed;
    expect(cache.isMissing(tree.root, 'new.txt')).toBe(false);
  });

  it('never calls a file that went missing before its event is seen: its name is still looked up', () => {
    const { cache } = watchedCache();
    cache.missed(tree.root);
    expect(cache.isMissing(tree.root, 'a.txt')).toBe(false);
    rmSync(tree.path('a.txt'));
    expect(cache.isMissing(tree.root, 'a.txt')).toBe(false);
  });

  it('forgets a directory that is moved away', async () => {
    const { cache, next } = watchedCache();
    const sub = tree.path('sub');
    cache.missed(sub);
    expect(cache.isMissing(sub, 'c.txt')).toBe(true);
    const changed = next();
    renameSync(sub, tree.path('moved'));
    await changed;
    expect(cache.has(sub)).toBe(false);
    mkdirSync(sub);
    writeFileSync(tree.path('sub', 'c.txt'), 'c');
    cache.missed(sub); // read afresh
    expect(cache.isMissing(sub, 'c.txt')).toBe(false);
  });

  it('watches at most maxDirectories, dropping the first watched', () => {
    const { cache } = watchedCache(1);
    cache.missed(tree.root);
    cache.missed(tree.path('sub'));
    expect(cache.size).toBe(1);
    expect(cache.has(tree.root)).toBe(false);
    expect(cache.has(tree.path('sub'))).toBe(true);
  });

  it('does not cache what cannot be watched: a path that is not a directory, or one that is gone', () => {
    const { cache } = watchedCache();
    cache.missed(tree.path('gone'));
    cache.missed(tree.path('a.txt'));
    expect(cache.isMissing(tree.path('gone'), 'x')).toBe(false);
    expect(cache.size).toBe(0);
  });

  it('does not cache a directory reached through a symlink, whose target may be switched', () => {
    const { cache } = watchedCache();
    symlinkSync(tree.path('sub'), tree.path('current'));
    cache.missed(tree.path('current'));
    expect(cache.size).toBe(0);
    expect(cache.isMissing(tree.path('current'), 'x')).toBe(false);
  });

  it('caches nothing with maxDirectories 0, and refuses a bad bound', () => {
    const none = new DirectoryCache({ maxDirectories: 0 });
    none.missed(tree.root);
    expect(none.isMissing(tree.root, 'x')).toBe(false);
    expect(() => new DirectoryCache({ maxDirectories: -1 })).toThrow(LoomError);
    expect(() => new DirectoryCache({ maxDirectories: 1.5 })).toThrow(/maxDirectories/);
  });

  it('stops its watchers on close, and watches afresh when used again', () => {
    const { cache } = watchedCache();
    cache.missed(tree.root);
    cache.close();
    expect(cache.size).toBe(0);
    expect(cache.isMissing(tree.root, 'x')).toBe(false);
    cache.missed(tree.root);
    expect(cache.size).toBe(1);
  });
});

describe('File with a DirectoryCache', () => {
  // The proof that a known miss asks the disk nothing: a file written in the same tick as
  // the request, before the event loop can read its watch event, is still a miss.
  it('answers a repeated miss without asking the disk, and serves a file once its event is seen', async () => {
    const { cache, next } = watchedCache();
    const root = new File(tree.root, { directories: cache });
    expect((await request(root, { uri: '/missing.txt' })).code).toBe(404);
    const changed = next();
    writeFileSync(tree.path('missing.txt'), 'here now');
    expect((await request(root, { uri: '/missing.txt' })).code).toBe(404);
    await changed;
    const found = await request(root, { uri: '/missing.txt' });
    expect([found.code, found.text]).toEqual([200, 'here now']);
  });

  it('answers 404 at once for a file that goes, without waiting for the watch', async () => {
    const root = new File(tree.root, { directories: watchedCache().cache });
    expect((await request(root, { uri: '/a.txt' })).code).toBe(200);
    rmSync(tree.path('a.txt'));
    expect((await request(root, { uri: '/a.txt' })).code).toBe(404);
  });

  it('reads no directory that only hits were found in', async () => {
    const { cache } = watchedCache();
    const root = new File(tree.root, { directories: cache });
    expect((await request(root, { uri: '/sub/b.txt' })).code).toBe(200);
    expect(cache.size).toBe(0);
  });

  it('shares the cache with the Files it makes, so misses in subdirectories are cached too', async () => {
    const { cache } = watchedCache();
    const root = new File(tree.root, { directories: cache });
    expect((await request(root, { uri: '/sub/nope' })).code).toBe(404);
    expect(cache.has(tree.path('sub'))).toBe(true);
  });

  it('is one cache for every File not given its own, so a File made per request starts no watch of its own', () => {
    const first = new File(tree.root).directories;
    expect(new File(tree.path('sub')).directories).toBe(first);
    expect(first === null).toBe(process.platform !== 'linux');
  });

  it('looks up every name with directories: null', async () => {
    const root = new File(tree.root, { directories: null });
    expect((await request(root, { uri: '/missing.txt' })).code).toBe(404);
    writeFileSync(tree.path('missing.txt'), 'here now');
    expect((await request(root, { uri: '/missing.txt' })).code).toBe(200);
  });

  it('finds a file in the new target at once when the symlink it is served through is switched', async () => {
    mkdirSync(tree.path('v2'));
    writeFileSync(tree.path('v2', 'new.txt'), 'v2');
    symlinkSync(tree.path('sub'), tree.path('current'));
    const root = new File(tree.path('current'), { directories: watchedCache().cache });
    expect((await request(root, { uri: '/new.txt' })).code).toBe(404);
    rmSync(tree.path('current'));
    symlinkSync(tree.path('v2'), tree.path('current'));
    expect((await request(root, { uri: '/new.txt' })).code).toBe(200);
  });

  it('has its watchers stopped when the Site closes', async () => {
    const { cache } = watchedCache();
    const site = testSite(new File(tree.root, { directories: cache }));
    expect((await request(site, { uri: '/missing.txt' })).code).toBe(404);
    expect(cache.size).toBe(1);
    await site.close();
    expect(cache.size).toBe(0);
  });

  it('has its watchers stopped when the Site closes, when they began with a missing index or a name found with an ignored extension', async () => {
    for (const uri of ['/', '/a']) {
      const { cache } = watchedCache();
      const site = testSite(new File(tree.root, { directories: cache, ignoredExts: ['.txt'] }));
      expect((await request(site, { uri })).code, uri).toBe(200);
      expect(cache.size, uri).toBe(1);
      await site.close();
      expect(cache.size, uri).toBe(0);
    }
  });
});
