/**
 * @module
 * `EncodingChannel`: a channel in front of the real one that compresses the body on its
 * way out, and decides, when the status and headers are known, whether to.
 *
 * The request talks to it as to any channel (lib/plumbing/channel.ts). It holds the
 * status and headers back until the first body bytes or the end, because only then is
 * everything known: a body given whole is compressed in one call and sent with its exact
 * `Content-Length`; a body written in pieces goes through a stream, flushed after each
 * piece. What is never encoded: an answer to HEAD or to a Range request, a 1xx, 204,
 * 206 or 304, a response that has a `Content-Encoding` already or says
 * `Cache-Control: no-transform`, a type that does not compress (by the `compressible`
 * list, from mime-db), and a body known to be shorter than `minLength`.
 *
 * Twisted counterpart: `twisted.web.server.Request.write`/`finish` handing bytes to the
 * request's `_encoder`. Loom differs: a response that is already encoded keeps its one
 * coding (Twisted appends `gzip` to `deflate` and compresses twice); `Vary:
 * Accept-Encoding` goes on every response that could have been encoded, a 304 and a HEAD
 * included, so no cache hands gzip to a client that cannot read it; a strong `ETag`
 * becomes weak on an encoded response, since its bytes are not the file's; the identity
 * `Content-Length` is never sent with encoded bytes.
 * Tests: `test/encoding/channel.test.ts`.
 */

// The package has no types of its own; this reference reaches every tsconfig that reaches this file.
/// <reference path="./compressible.d.ts" />
import compressible from 'compressible';
import type { Address, Channel } from '../plumbing/channel.ts';
import { encodedCopy } from '../plumbing/encoded-copies.ts';
import { memoized } from '../plumbing/memo.ts';
import type { CompressStream, RequestEncoderFactory } from './encoders.ts';

/** A whole body up to this size is compressed in one blocking call; a larger one is streamed, so other requests are not held up. */
export const WHOLE_BODY_LIMIT = 256 * 1024;

/** What the channel knows of the request when it is made. */
export interface EncodingChoice {
  /** The encoder negotiated from `Accept-Encoding`, or null when the client takes none. */
  readonly encoder: RequestEncoderFactory | null;
  /** HEAD: the headers are as for GET, and there is no body. */
  readonly isHead: boolean;
  /** The request has a `Range` header: the byte offsets are the identity's. */
  readonly isRanged: boolean;
  /** A body known to be shorter than this many bytes is sent as it is. */
  readonly minLength: number;
}

const EMPTY = Buffer.alloc(0);

/** Compresses what it is sent, when the response turns out to be worth compressing. */
export class EncodingChannel implements Channel {
  readonly #out: Channel;
  readonly #choice: EncodingChoice;
  #head: { code: number; message: string; headers: string[] } | null = null;
  // null until decided; the encoder once the response is being encoded.
  #encoder: RequestEncoderFactory | null = null;
  #stream: CompressStream | null = null;

  constructor(out: Channel, choice: EncodingChoice) {
    this.#out = out;
    this.#choice = choice;
  }

  get client(): Address { return this.#out.client; }
  get host(): Address { return this.#out.host; }
  get secure(): boolean { return this.#out.secure; }
  get lost(): boolean { return this.#out.lost; }

  writeHead(code: number, message: string, headers: string[]): void {
    this.#head = { code, message, headers };
  }

  // #region encoding-stream-write
  write(chunk: Uint8Array | string): boolean {
    if (this.#head !== null) this.#start(null);
    const stream = this.#stream;
    if (stream === null) return this.#out.write(chunk);
    const room = stream.write(chunk);
    // The flush pushes out what this write compressed to, so a slow page arrives piece by piece.
    stream.flush(this.#encoder!.flushKind);
    return room;
  }
  // #endregion encoding-stream-write

  end(chunk?: Uint8Array | string): void {
    if (this.#head !== null) {
      const body = chunk === undefined ? EMPTY : typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (this.#start(body) === 'whole') return;
    }
    const stream = this.#stream;
    if (stream === null) this.#out.end(chunk);
    else if (chunk === undefined) stream.end();
    else stream.end(chunk);
  }

  onClose(listener: (lost: boolean) => void): void { this.#out.onClose(listener); }

  onDrain(listener: () => void): void {
    const stream = this.#stream;
    if (stream !== null && stream.writableNeedDrain) stream.once('drain', () => this.#out.onDrain(listener));
    else this.#out.onDrain(listener);
  }

  closeAfterResponse(): void { this.#out.closeAfterResponse(); }

  abort(): void {
    this.#stream?.destroy();
    this.#out.abort();
  }

  // #region encoding-start
  /**
   * Send the held-back head, encoded or not. `body` is the whole body when the response
   * ends without writes (its length is then known), null when writes begin. Returns
   * 'whole' when it has also sent that body, compressed, and ended.
   */
  #start(body: Uint8Array | null): 'whole' | 'headers' {
    const { code, message, headers } = this.#head!;
    this.#head = null;
    const verdict = this.#verdict(code, headers, body);
    if (verdict !== 'identity') addVary(headers);
    if (verdict !== 'encode') {
      this.#out.writeHead(code, message, headers);
      return 'headers';
    }
    const encoder = this.#choice.encoder!;
    this.#encoder = encoder;
    headers.push('Content-Encoding', encoder.encoding);
    weakenETag(headers);
    removeHeader(headers, 'content-length');
    if (this.#choice.isHead || code === 304) {
      this.#out.writeHead(code, message, headers);
      return 'headers';
    }
    if (body !== null && body.byteLength <= WHOLE_BODY_LIMIT) {
      const encoded = encodedCopy(body, encoder.encoding, (bytes) => encoder.encodeWhole(bytes));
      headers.push('Content-Length', String(encoded.byteLength));
      this.#out.writeHead(code, message, headers);
      this.#out.end(encoded);
      return 'whole';
    }
    this.#out.writeHead(code, message, headers);
    this.#stream = this.#pipe(encoder.createStream());
    return 'headers';
  }
  // #endregion encoding-start

  /**
   * 'identity' when the response is none of the encoder's business (so no Vary either),
   * 'vary' when it could have been encoded but is not this time, 'encode' to encode it.
   */
  #verdict(code: number, headers: readonly string[], body: Uint8Array | null): 'identity' | 'vary' | 'encode' {
    if (code < 200 || code === 204 || getHeader(headers, 'content-encoding') !== undefined) return 'identity';
    if (hasToken(getHeader(headers, 'cache-control'), 'no-transform')) return 'identity';
    const type = getHeader(headers, 'content-type');
    if (type === undefined || !compresses(type)) return 'identity';
    const choice = this.#choice;
    if (choice.encoder === null || choice.isRanged || code === 206) return 'vary';
    const length = body !== null && !choice.isHead ? body.byteLength : Number(getHeader(headers, 'content-length') ?? Infinity);
    // A 304 and a HEAD answer say what the 200 would: its coding, its weak ETag, its Vary.
    if (length < choice.minLength && code !== 304) return 'vary';
    return 'encode';
  }

  /** Send what `stream` compresses on to the real channel, pausing it while the connection is full. */
  #pipe(stream: CompressStream): CompressStream {
    const out = this.#out;
    stream.on('data', (chunk: Buffer) => {
      if (!out.write(chunk)) {
        stream.pause();
        out.onDrain(() => stream.resume());
      }
    });
    stream.on('end', () => out.end());
    stream.on('error', () => out.abort());
    // A client that left will not drain the connection: free the compressor now, not at GC.
    out.onClose((lost) => lost && stream.destroy());
    return stream;
  }
}

/**
 * Whether a Content-Type is worth compressing, by the `compressible` package (mime-db),
 * which parses the type and searches its table on every call; a site sends a handful of
 * types, so each answer is kept.
 */
const compresses = memoized((type) => compressible(type) === true, 256);

/** The last value of header `name` in a flat `[name, value, …]` list. */
function getHeader(headers: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i + 1 < headers.length; i += 2) {
    if (headers[i]!.toLowerCase() === name) value = headers[i + 1];
  }
  return value;
}

function removeHeader(headers: string[], name: string): void {
  for (let i = headers.length - 2; i >= 0; i -= 2) {
    if (headers[i]!.toLowerCase() === name) headers.splice(i, 2);
  }
}

function hasToken(value: string | undefined, token: string): boolean {
  return value !== undefined && value.toLowerCase().split(',').some((part) => part.trim() === token);
}

/** Add `Accept-Encoding` to `Vary` unless it is there already (or `Vary: *` covers it). RFC 9110 §12.5.5. */
function addVary(headers: string[]): void {
  let first = -1;
  for (let i = 0; i + 1 < headers.length; i += 2) {
    if (headers[i]!.toLowerCase() !== 'vary') continue;
    const names = headers[i + 1]!.toLowerCase().split(',').map((part) => part.trim());
    if (names.includes('*') || names.includes('accept-encoding')) return;
    if (first < 0) first = i;
  }
  if (first < 0) headers.push('Vary', 'Accept-Encoding');
  else headers[first + 1] = `${headers[first + 1]!}, Accept-Encoding`;
}

/** A strong ETag names the identity's bytes; the encoded ones get the weak form (RFC 9110 §8.8.3). */
function weakenETag(headers: string[]): void {
  for (let i = 0; i + 1 < headers.length; i += 2) {
    if (headers[i]!.toLowerCase() === 'etag' && headers[i + 1]!.startsWith('"')) headers[i + 1] = `W/${headers[i + 1]!}`;
  }
}
