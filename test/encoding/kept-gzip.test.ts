import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { KeptGzip } from '../../lib/encoding/kept-gzip.ts';
import { prose } from './support.ts';

describe('KeptGzip', () => {
  it('runs on the kept compressor on this Node, not the gzipSync fallback', () => {
    // If this fails, Node's zlib internals changed: bodies still compress, through gzipSync, more slowly.
    expect(new KeptGzip({ level: 6 }).kept).toBe(true);
  });

  it('gives the bytes gzipSync gives on its first body', () => {
    const body = Buffer.from(prose(20_000));
    expect(new KeptGzip({ level: 6 }).compress(body).equals(gzipSync(body, { level: 6 }))).toBe(true);
  });

  it('decodes to the same bytes body after body on one compressor, within a few bytes of gzipSync in size', () => {
    // Not equal: a reset compressor's window holds the last body, a fresh one zeros, and only the
    // matches in the body's last 258 bytes can differ (see kept-gzip.ts); 2 bytes was the most seen in 20 000 bodies.
    const kept = new KeptGzip({ level: 6 });
    const bodies = fc.oneof(fc.uint8Array({ maxLength: 30_000 }), fc.nat({ max: 30_000 }).map((n) => Buffer.from(prose(n))), fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), maxLength: 30_000 }).map((text) => Buffer.from(text)));
    fc.assert(fc.property(bodies, (body) => {
      const bytes = kept.compress(body);
      expect(gunzipSync(bytes).equals(Buffer.from(body))).toBe(true);
      expect(Math.abs(bytes.byteLength - gzipSync(body, { level: 6 }).byteLength)).toBeLessThanOrEqual(8);
    }), { numRuns: 150 });
  });

  it('keeps the level it was given', () => {
    const body = Buffer.from(prose(20_000));
    // First bodies, so the bytes are gzipSync's exactly.
    expect(new KeptGzip({ level: 1 }).compress(body).equals(gzipSync(body, { level: 1 }))).toBe(true);
    expect(new KeptGzip({ level: 9 }).compress(body).equals(gzipSync(body, { level: 9 }))).toBe(true);
  });

  it('compresses an empty body to a valid empty gzip member', () => {
    expect(gunzipSync(new KeptGzip({ level: 6 }).compress(new Uint8Array(0))).byteLength).toBe(0);
  });

  it('takes output larger than its scratch buffer in several passes', () => {
    // Random bytes do not compress: 200 KiB in is over 200 KiB out, three scratch buffers and more.
    const body = randomBytes(200 * 1024);
    const kept = new KeptGzip({ level: 6 });
    const once = kept.compress(body);
    expect(once.byteLength).toBeGreaterThan(body.byteLength);
    expect(gunzipSync(once).equals(body)).toBe(true);
    // And the compressor is clean after it: the next body is a gzip member of its own.
    const small = Buffer.from(prose(5000));
    expect(gunzipSync(kept.compress(small)).equals(small)).toBe(true);
  });

  it('hands back a copy the next body does not overwrite', () => {
    const kept = new KeptGzip({ level: 6 });
    const first = kept.compress(Buffer.from(prose(4000)));
    const before = Buffer.from(first);
    kept.compress(Buffer.from('something else entirely, '.repeat(200)));
    expect(first.equals(before)).toBe(true);
  });
});
