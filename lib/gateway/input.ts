/**
 * @module
 * The request body as a blocking stream (`gateway.input`), and the error stream
 * (`gateway.errors`).
 *
 * An application reads its body with plain calls, `input.read(1024)` or
 * `input.readline()`, that return only once the bytes are there. That is fine in a
 * worker thread or a CGI process, where blocking stops nobody else. `BlockingInput`
 * keeps what has arrived in a buffer and, when a call needs more, asks its source for
 * the next chunk; the source blocks: a worker waits on a shared counter with
 * `Atomics.wait` until the main thread has posted more of the body (lib/gateway/worker.ts),
 * a CGI process waits in `readSync` on its standard input.
 *
 * Twisted counterpart: `twisted.web.wsgi._InputStream`, which wraps `request.content`.
 * Loom differs: the body can still be arriving while the application reads it (under
 * SCGI, FastCGI and the worker protocol), so reading a slow upload never holds the whole
 * body in memory first; under a `Site` the body was read before traversal, as in
 * Twisted, and is handed over in pieces.
 * Tests: `test/gateway/input.test.ts`.
 */

import { LoomError } from '../errors.ts';
import type { ErrorStream, InputStream } from './spec.ts';

/** Gives the next piece of the body, blocking until there is one; null at the end. */
export type PullChunk = () => Uint8Array | null;

const EMPTY = Buffer.alloc(0);
const NEWLINE = 0x0a;

// #region gateway-input-read
/** A body read with blocking calls, over a source of chunks. */
export class BlockingInput implements InputStream {
  readonly #pull: PullChunk;
  #pending: Buffer = EMPTY;
  #ended = false;

  constructor(pull: PullChunk) {
    this.#pull = pull;
  }

  /** A body that is all here already. */
  static of(body: Uint8Array | string): BlockingInput {
    let chunk: Uint8Array | null = typeof body === 'string' ? Buffer.from(body) : body;
    return new BlockingInput(() => {
      const c = chunk;
      chunk = null;
      return c;
    });
  }

  read(size?: number | null): Buffer {
    const limit = toLimit(size, 'read');
    while (!this.#ended && (limit < 0 || this.#pending.length < limit)) this.#fill();
    return this.#take(limit < 0 ? this.#pending.length : Math.min(limit, this.#pending.length));
  }

  readline(size?: number | null): Buffer {
    const limit = toLimit(size, 'readline');
    let searched = 0;
    for (;;) {
      const at = this.#pending.indexOf(NEWLINE, searched);
      if (at >= 0) return this.#take(limit < 0 ? at + 1 : Math.min(at + 1, limit));
      if (limit >= 0 && this.#pending.length >= limit) return this.#take(limit);
      if (this.#ended) return this.#take(this.#pending.length);
      searched = this.#pending.length;
      this.#fill();
    }
  }
  // #endregion gateway-input-read

  readlines(hint?: number | null): Buffer[] {
    const limit = toLimit(hint, 'readlines');
    const lines: Buffer[] = [];
    let total = 0;
    for (let line = this.readline(); line.length > 0; line = this.readline()) {
      lines.push(line);
      total += line.length;
      if (limit > 0 && total >= limit) break;
    }
    return lines;
  }

  *[Symbol.iterator](): Iterator<Buffer> {
    for (let line = this.readline(); line.length > 0; line = this.readline()) yield line;
  }

  /** Ask the source for one more chunk (this is where a read blocks). */
  #fill(): void {
    const chunk = this.#pull();
    if (chunk === null) {
      this.#ended = true;
      return;
    }
    if (chunk.byteLength === 0) return;
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.#pending = this.#pending.length === 0 ? bytes : Buffer.concat([this.#pending, bytes]);
  }

  #take(n: number): Buffer {
    if (n === 0) return EMPTY;
    const out = this.#pending.subarray(0, n);
    this.#pending = this.#pending.subarray(n);
    return out;
  }
}

/** `undefined`, `null` and negative numbers mean "no limit" (-1), as in Python's file objects. */
function toLimit(size: number | null | undefined, method: string): number {
  if (size === undefined || size === null) return -1;
  if (typeof size !== 'number' || !Number.isInteger(size)) {
    throw new LoomError('LOOM_ERR_GATEWAY_VIOLATION',
      `input.${method}() takes a whole number of bytes (or nothing), got ${typeof size === 'number' ? size : typeof size}.`);
  }
  return size < 0 ? -1 : size;
}

// #region gateway-error-stream
/** The error stream: each `write` becomes one log entry through `log`. */
export class LogErrorStream implements ErrorStream {
  readonly #log: (text: string) => void;

  constructor(log: (text: string) => void) {
    this.#log = log;
  }

  write(text: string): void {
    if (typeof text !== 'string') {
      // Twisted's wsgi.errors raises TypeError for bytes; so does this.
      throw new LoomError('LOOM_ERR_GATEWAY_VIOLATION',
        `errors.write() takes a string, got ${text === null ? 'null' : typeof text}. Convert it first, e.g. errors.write(String(value)).`);
    }
    this.#log(text);
  }

  writelines(lines: Iterable<string>): void {
    for (const line of lines) this.write(line);
  }

  flush(): void {}
}
// #endregion gateway-error-stream
