/**
 * Security property of `File`: whatever path a client sends (dot segments, encoded dots
 * and separators, NUL, backslashes, double encoding, long names, any Unicode), nothing
 * outside the served root is ever opened, listed, or sent back.
 */
import { realpathSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryLister, isWithin } from '../../lib/static/directory-listing.ts';
import type { IResource } from '../../lib/resource.ts';
import { File } from '../../lib/static/file.ts';
import { request } from '../../lib/testing.ts';
import { makeTree, type MadeTree } from '../support/temp-tree.ts';

// The served root sits beside `outside/`, whose secret must never come back, and holds a
// symlink (`out.txt`) and a symlinked directory (`out-dir`) that lead there, plus a
// dotfile whose content must stay hidden too.
const SECRET = 'TOP-SECRET-0451';
let both: MadeTree;
let root: string;

beforeAll(() => {
  both = makeTree({
    outside: { 'secret.txt': SECRET, 'served-twin': { 'secret.txt': SECRET } },
    served: {
      'index.html': 'welcome',
      'hello.txt': 'hello',
      'sub': { 'inner.txt': 'inner', 'deeper': { 'x.txt': 'x' } },
      'out.txt': { symlink: '../outside/secret.txt' },
      'out-dir': { symlink: '../outside' },
      '.env': SECRET,
      'café': { 'menu.txt': 'menu' },
    },
  }, 'loom-security-');
  root = realpathSync(both.path('served'));
});

afterAll(() => both.remove());

/** Segments an attacker would try, written as they would appear in the URL. */
const TRICKS = [
  '..', '.', '...', '%2e%2e', '%2E%2e', '.%2e', '%2e.', '%252e%252e', '..%2f', '..%2F..', '%2f', '%2F', '%5c', '..%5c..',
  '\\', '..\\..', '%00', 'hello.txt%00.html', '%c0%ae%c0%ae', '%e2%80%ae', 'outside', 'secret.txt', 'served',
  'served-twin', 'out.txt', 'out-dir', '.env', '%2eenv', 'sub', 'deeper', 'hello.txt', '', 'caf%C3%A9', '~', '%7e',
  'etc', 'passwd', 'C:', 'C:%5c', '%ff', '%', '%%32%65',
];

const segment = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...TRICKS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }).map(encodeURIComponent) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 200, maxLength: 300 }).map(encodeURIComponent) },
);
const path = fc.array(segment, { minLength: 1, maxLength: 8 }).map((segments) => `/${segments.join('/')}`);

/** A File that records every path it is made for and every path it opens or lists. */
function watchedRoot(touched: string[]): IResource {
  class Watched extends File {
    override openForReading(): number {
      touched.push(this.path);
      return super.openForReading();
    }
    override createSimilarFile(p: string): File {
      touched.push(p);
      return super.createSimilarFile(p);
    }
    override directoryListing(): IResource {
      const listing = super.directoryListing() as DirectoryLister;
      touched.push(listing.path);
      return listing;
    }
  }
  return new Watched(root);
}

describe('File security (property)', () => {
  it('never opens, lists or sends anything outside the served root, whatever the path (security)', async () => {
    await fc.assert(
      fc.asyncProperty(path, fc.constantFrom('GET', 'HEAD'), async (uri, method) => {
        const touched: string[] = [];
        const response = await request(watchedRoot(touched), { uri, method });
        expect(response.code, uri).not.toBe(500);
        expect(response.text, uri).not.toContain(SECRET);
        for (const p of touched) expect(isWithin(realpathSync(p), root), `${uri} touched ${p}`).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('answers the tricks that name something outside with 404, never 403 or 400', async () => {
    for (const uri of ['/..', '/../outside/secret.txt', '/%2e%2e/outside/secret.txt', '/sub/..%2F..%2Foutside%2Fsecret.txt',
      '/out.txt', '/out-dir/secret.txt', '/out-dir/', '/.env', '/hello.txt%00', '/sub/%2e%2e/%2e%2e/outside/secret.txt']) {
      expect((await request(new File(root), { uri })).code, uri).toBe(404);
    }
  });
});
