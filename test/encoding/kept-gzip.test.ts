import fc from 'fast-check';
import { pseudoRandomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { KeptGzip } from '../../lib/encoding/kept-gzip.ts';
import { prose } from './support.ts';

describe('KeptGzip', () => {
  it('runs on the kept compressor on this Node, not the gzipSync fallback', () => {
    // If this fails, Node's zlib internals changed: bodies still compress, through gzipSync, more slowly.
    expect(new KeptGzip({ level: 6 }).kept).toBe(true);
  });

  it('gives the bytes gzipSync gives, body after body on one compressor', () => {
    const kept = new KeptGzip({ level: 6 });
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 30_000 }), fc.nat({ max: 30_000 }).map((n) => Buffer.from(prose(n)))), (body) => {
      expect(kept.compress(body).equals(gzipSync(body, { level: 6 }))).toBe(true);
    }), { numRuns: 80 });
  });

  it('keeps the level it was given', () => {
    const body = Buffer.from(prose(20_000));
    expect(new KeptGzip({ level: 1 }).compress(body).equals(gzipSync(body, { level: 1 }))).toBe(true);
    expect(new KeptGzip({ level: 9 }).compress(body).equals(gzipSync(body, { level: 9 }))).toBe(true);
  });

  it('compresses an empty body to a valid empty gzip member', () => {
    expect(gunzipSync(new KeptGzip({ level: 6 }).compress(new Uint8Array(0))).byteLength).toBe(0);
  });

  it('takes output larger than its scratch buffer in several passes', () => {
    // Random bytes do not compress: 200 KiB in is over 200 KiB out, three scratch buffers and more.
    const body = pseudoRandomBytes(200 * 1024);
    const kept = new KeptGzip({ level: 6 });
    const once = kept.compress(body);
    expect(once.byteLength).toBeGreaterThan(body.byteLength);
    expect(gunzipSync(once).equals(body)).toBe(true);
    // And the compressor is clean after it: the next body is not a continuation of this one.
    const small = Buffer.from(prose(5000));
    expect(kept.compress(small).equals(gzipSync(small, { level: 6 }))).toBe(true);
  });

  it('hands back a copy the next body does not overwrite', () => {
    const kept = new KeptGzip({ level: 6 });
    const first = kept.compress(Buffer.from(prose(4000)));
    const before = Buffer.from(first);
    kept.compress(Buffer.from('something else entirely, '.repeat(200)));
    expect(first.equals(before)).toBe(true);
  });
});
