import fc from 'fast-check';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BrotliEncoderFactory, DEFAULT_BROTLI_QUALITY, DEFAULT_GZIP_LEVEL, GzipEncoderFactory, type RequestEncoderFactory } from '../../lib/encoding/encoders.ts';

const DECODE: Record<string, (bytes: Buffer) => Buffer> = { gzip: gunzipSync, br: brotliDecompressSync };

/** Push `pieces` through the encoder's stream, flushing after each as the channel does, and collect the output. */
function streamed(encoder: RequestEncoderFactory, pieces: readonly Uint8Array[]): Promise<Buffer> {
  const stream = encoder.createStream();
  const out: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => out.push(chunk));
  return new Promise((resolve, reject) => {
    stream.on('end', () => resolve(Buffer.concat(out)));
    stream.on('error', reject);
    for (const piece of pieces) {
      stream.write(piece);
      stream.flush(encoder.flushKind);
    }
    stream.end();
  });
}

describe.each([new GzipEncoderFactory(), new BrotliEncoderFactory()])('$encoding', (encoder) => {
  it('decodes a random body to the same bytes, compressed whole', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 20_000 }), (body) => {
      expect(DECODE[encoder.encoding]!(encoder.encodeWhole(body)).equals(Buffer.from(body))).toBe(true);
    }), { numRuns: 60 });
  });

  it('decodes a random body to the same bytes, written in flushed pieces', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 5000 }), { maxLength: 8 }), async (pieces) => {
      const bytes = await streamed(encoder, pieces);
      expect(DECODE[encoder.encoding]!(bytes).equals(Buffer.concat(pieces))).toBe(true);
    }), { numRuns: 40 });
  });
});

describe('GzipEncoderFactory', () => {
  it('compresses at level 6 unless told otherwise', () => {
    expect(new GzipEncoderFactory().compressLevel).toBe(DEFAULT_GZIP_LEVEL);
    expect(DEFAULT_GZIP_LEVEL).toBe(6);
    expect(new GzipEncoderFactory({ compressLevel: 9 }).compressLevel).toBe(9);
  });

  it('refuses a level outside 1 to 9', () => {
    expect(() => new GzipEncoderFactory({ compressLevel: 10 })).toThrow(/compressLevel must be a whole number from 1 to 9/);
  });
});

describe('BrotliEncoderFactory', () => {
  it('compresses at quality 4 unless told otherwise, not zlib\'s 11', () => {
    expect(new BrotliEncoderFactory().quality).toBe(DEFAULT_BROTLI_QUALITY);
    expect(DEFAULT_BROTLI_QUALITY).toBe(4);
  });

  it('refuses a quality outside 0 to 11', () => {
    expect(() => new BrotliEncoderFactory({ quality: 12 })).toThrow(/quality must be a whole number from 0 to 11/);
  });
});
