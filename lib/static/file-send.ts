/**
 * @module
 * Getting a file's bytes to the client: read whole (for the cache), or streamed from disk
 * a chunk at a time, never faster than the connection takes them.
 *
 * Streaming is where a static server meets backpressure. `request.write` returns false
 * when the connection's outgoing buffer is full; reading on regardless would pull the
 * whole file into memory while a slow client sips at it. So the loop reads one chunk,
 * writes it, and when the write says "full" waits for the drain (or for the client to
 * leave, whichever comes first) before reading the next. Bytes go through
 * `request.write`, so `request.sentLength` and the access log count them.
 *
 * Twisted counterpart: the producers of `twisted.web.static` (`NoRangeStaticProducer`,
 * `SingleRangeStaticProducer`, `MultipleRangeStaticProducer`), which the transport pulls
 * from one buffer-sized read at a time. Loom differs: one async loop serves all three
 * cases (a whole file is one part with no head), and a file that shrinks under it cuts
 * the connection instead of sending fewer bytes than `Content-Length` promised.
 * Tests: `test/static/file-send.test.ts` and the streaming cases of `test/static/file.test.ts`.
 */

import { close, read, readSync } from 'node:fs';
import { processingFailed } from '../render.ts';
import type { Request } from '../request.ts';
import type { IResource } from '../resource.ts';

/** Large files are read and written in pieces of this many bytes. */
export const STREAM_CHUNK_SIZE = 64 * 1024;

/** One stretch of a file to send, after `head` (empty for a plain, single-part answer). */
export interface FilePart {
  readonly head: Uint8Array;
  readonly start: number;
  readonly length: number;
}

// #region file-send-stream
/**
 * Send each part (its head, then `length` bytes of the file from `start`), then `trailer`,
 * and finish. Reads one chunk at a time and waits whenever `request.write` reports the
 * connection full; stops as soon as the client goes away. Closes `fd` in every case.
 * A file that shrank underneath cuts the connection, as the promised `Content-Length` can
 * no longer be kept. A read error is handled as a failed render of `resource`.
 */
export async function streamParts(request: Request, fd: number, parts: readonly FilePart[], trailer: Uint8Array, resource: IResource): Promise<void> {
  const signal = request.signal;
  try {
    for (const part of parts) {
      if (part.head.length > 0) request.write(part.head);
      for (let position = part.start, left = part.length; left > 0 && !signal.aborted;) {
        // A fresh buffer each time: the connection may still hold the previous one.
        const chunk = Buffer.allocUnsafe(Math.min(STREAM_CHUNK_SIZE, left));
        const bytesRead = await readAt(fd, chunk, position);
        if (bytesRead === 0) {
          request.loseConnection();
          return;
        }
        position += bytesRead;
        left -= bytesRead;
        if (!request.write(bytesRead === chunk.length ? chunk : chunk.subarray(0, bytesRead))) await drained(request, signal);
      }
    }
    if (signal.aborted) return;
    if (trailer.length > 0) request.write(trailer);
    request.finish();
  } catch (error) {
    processingFailed(request, error, resource);
  } finally {
    close(fd, () => {});
  }
}

/** Resolves when the connection can take more, or when the client has gone. */
function drained(request: Request, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const gone = () => resolve();
    signal.addEventListener('abort', gone, { once: true });
    void request.waitForDrain().then(() => {
      signal.removeEventListener('abort', gone);
      resolve();
    });
  });
}
// #endregion file-send-stream

/**
 * Read `size` bytes from the start of `fd` into a buffer of its own. Not a slice of Node's
 * shared pool: the cache may keep it for a long time, and a slice would pin the whole
 * 8 KiB pool block with it. A file that shrank while being read gives fewer bytes.
 */
export function readWholeSync(fd: number, size: number): Buffer {
  const body = Buffer.allocUnsafeSlow(size);
  let filled = 0;
  while (filled < size) {
    const n = readSync(fd, body, filled, size - filled, filled);
    if (n === 0) break;
    filled += n;
  }
  return filled === size ? body : body.subarray(0, filled);
}

/** {@link readWholeSync}, without blocking: for files big enough that a blocking read would stall other requests. */
export async function readWhole(fd: number, size: number): Promise<Buffer> {
  const body = Buffer.allocUnsafeSlow(size);
  let filled = 0;
  while (filled < size) {
    const n = await readAt(fd, body.subarray(filled), filled);
    if (n === 0) break;
    filled += n;
  }
  return filled === size ? body : body.subarray(0, filled);
}

/** `fs.read` of `buffer.length` bytes at `position`, as a Promise of the count read. */
function readAt(fd: number, buffer: Uint8Array, position: number): Promise<number> {
  return new Promise((resolve, reject) => {
    read(fd, buffer, 0, buffer.length, position, (error, bytesRead) => (error === null ? resolve(bytesRead) : reject(error)));
  });
}
