/**
 * @module
 * The encoders: gzip and Brotli, each a factory the wrapper asks for a compressor.
 *
 * An encoder compresses in one of two ways. A whole body the resource returned at once
 * is compressed in one call (`encodeWhole`), which is quicker than a stream and lets the
 * response carry the exact `Content-Length`. A body written piece by piece
 * (`NOT_DONE_YET`, a streamed file) goes through a zlib stream (`createStream`), flushed
 * after every write so each piece reaches the client when it is written.
 *
 * Twisted counterpart: `twisted.web.server.GzipEncoderFactory` and its `_GzipEncoder`
 * (`encode`, `finish`). Loom differs: gzip's level is 6, zlib's own default, instead of
 * Twisted's 9, which on the benchmark's 20 KiB page takes a third longer (288 µs against
 * 216 in Node's zlib) for output no smaller (4 493 bytes against 4 489); there is a
 * Brotli encoder too, at quality 4: zlib's Brotli default is 11, a setting meant for
 * files compressed once ahead of time, and left on per request it made koa-compress,
 * flask-compress and ASP.NET 20 to 100 times slower than they needed to be.
 * Tests: `test/encoding/encoders.test.ts`.
 */

import { brotliCompressSync, constants, createBrotliCompress, createGzip, gzipSync, type BrotliCompress, type BrotliOptions, type Gzip, type ZlibOptions } from 'node:zlib';
import { LoomError } from '../errors.ts';

/** A compressing stream that can be flushed mid-body. */
export type CompressStream = Gzip | BrotliCompress;

/** What the wrapper needs from an encoder. Twisted's `_IRequestEncoderFactory`, made concrete. */
export interface RequestEncoderFactory {
  /** The content coding it produces, as `Content-Encoding` spells it: `gzip`, `br`. */
  readonly encoding: string;
  /** Compress a whole body in one call. */
  encodeWhole(body: Uint8Array): Buffer;
  /** A compressing stream, for a body written in pieces. */
  createStream(): CompressStream;
  /** The flush that ends each written piece, so it can be decoded before the next arrives. */
  readonly flushKind: number;
}

/** gzip's default level: zlib's own, the usual speed and size balance. */
export const DEFAULT_GZIP_LEVEL = 6;
/** Brotli's default quality for compressing per request (11 is for compressing ahead of time). */
export const DEFAULT_BROTLI_QUALITY = 4;

// #region encoding-gzip
/** gzip (RFC 1952), the coding every client takes. */
export class GzipEncoderFactory implements RequestEncoderFactory {
  readonly encoding = 'gzip';
  readonly flushKind = constants.Z_SYNC_FLUSH;
  /** The compression level, 1 (fastest) to 9 (smallest). @default 6 */
  readonly compressLevel: number;
  readonly #options: ZlibOptions;

  constructor(options: { compressLevel?: number } = {}) {
    this.compressLevel = inRange(options.compressLevel, DEFAULT_GZIP_LEVEL, 1, 9, 'compressLevel');
    this.#options = { level: this.compressLevel };
  }

  encodeWhole(body: Uint8Array): Buffer {
    return gzipSync(body, this.#options);
  }

  createStream(): CompressStream {
    return createGzip(this.#options);
  }
}
// #endregion encoding-gzip

/** Brotli (RFC 7932): smaller than gzip at the same speed; browsers take it over HTTPS. */
export class BrotliEncoderFactory implements RequestEncoderFactory {
  readonly encoding = 'br';
  readonly flushKind = constants.BROTLI_OPERATION_FLUSH;
  /** The quality, 0 (fastest) to 11 (smallest, and very slow). @default 4 */
  readonly quality: number;

  constructor(options: { quality?: number } = {}) {
    this.quality = inRange(options.quality, DEFAULT_BROTLI_QUALITY, 0, 11, 'quality');
  }

  encodeWhole(body: Uint8Array): Buffer {
    return brotliCompressSync(body, this.#brotliOptions(body.byteLength));
  }

  createStream(): CompressStream {
    return createBrotliCompress(this.#brotliOptions(0));
  }

  // The size hint lets Brotli pick a window no bigger than the body needs.
  #brotliOptions(size: number): BrotliOptions {
    const params: Record<number, number> = { [constants.BROTLI_PARAM_QUALITY]: this.quality };
    if (size > 0) params[constants.BROTLI_PARAM_SIZE_HINT] = size;
    return { params };
  }
}

function inRange(value: number | undefined, fallback: number, low: number, high: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < low || value > high) {
    throw new LoomError('LOOM_ERR_INVALID_ARGUMENT', `${name} must be a whole number from ${low} to ${high}, got ${String(value)}.`);
  }
  return value;
}
