/**
 * @module
 * As-is files: a file that holds its own response head. `moved.asis` can say
 *
 * ```
 * HTTP/1.1 301 Moved Permanently
 * Location: https://example.org/new-home
 * Content-Type: text/plain
 *
 * This page has moved.
 * ```
 *
 * and that is what the client gets: the status, the headers, then the rest of the file
 * as the body. Apache's `mod_asis` form, with a `Status: 301 …` header instead of a
 * status line, works too.
 *
 * Twisted counterpart: `twisted.web.static.ASISProcessor`, which marks the response as
 * already started and writes the file's bytes straight to the socket. Loom differs: it
 * reads the head and answers through the ordinary response, because Node owns the
 * status line; so `Content-Length`, keep-alive, HEAD and the access log stay right
 * whatever the file says. The file's `Server`, `Date`, `Content-Length`,
 * `Transfer-Encoding` and `Connection` are replaced by Loom's own, as for CGI output.
 * Tests: `test/asis.test.ts`. Lesson 26 (cgi-and-asis) teaches it.
 */

import { open, type FileHandle } from 'node:fs/promises';
import { applyHeaderBlock } from './cgi-process.ts';
import { findHeaderEnd, parseStatus } from './plumbing/header-block.ts';
import { LoomError } from './errors.ts';
import { notFound } from './pages.ts';
import { Registry } from './static/registry.ts';
import { processingFailed, render } from './render.ts';
import type { Request } from './request.ts';
import { NOT_DONE_YET, Resource, type RenderResult } from './resource.ts';

/** The head must end within this many bytes of the start of the file. */
const MAX_HEAD_BYTES = 64 * 1024;

/** The body is sent in pieces of this many bytes. */
const CHUNK_SIZE = 64 * 1024;

// #region asis-processor
/**
 * The resource for one as-is file. Use it as the processor for `.asis` files:
 * `new File(dir, { processors: { '.asis': (path, registry) => new ASISProcessor(path, registry) } })`.
 * Only GET and HEAD are answered, as for any file.
 */
export class ASISProcessor extends Resource {
  readonly path: string;
  readonly registry: Registry;

  constructor(path: string, registry: Registry = new Registry()) {
    super();
    this.path = path;
    this.registry = registry;
  }

  render_GET(request: Request): RenderResult {
    serveAsIs(this, request).catch((error: unknown) => processingFailed(request, error, this));
    return NOT_DONE_YET;
  }
}
// #endregion asis-processor

/** `File` processor for `.asis` files. */
export function asisProcessor(path: string, registry: Registry): ASISProcessor {
  return new ASISProcessor(path, registry);
}

// #region asis-serve
/** Read the head, apply it, then stream the rest of the file as the body. */
async function serveAsIs(resource: ASISProcessor, request: Request): Promise<void> {
  let file: FileHandle;
  try {
    file = await open(resource.path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    render(request, notFound());
    return;
  }
  try {
    const { size } = await file.stat();
    const first = Buffer.alloc(Math.min(size, MAX_HEAD_BYTES));
    const { bytesRead } = await file.read(first, 0, first.length, 0);
    const start = applyHead(request, first.subarray(0, bytesRead), resource.path);
    // RFC 9110 §8.6: no Content-Length on a 204 (or 1xx); a 304's would describe the 200.
    if (request.code !== 204 && request.code !== 304 && request.code >= 200) request.setHeader('content-length', size - start);
    if (request.method !== 'HEAD') await streamBody(request, file, start, size);
    if (!request.finished && !request.channel.lost) request.finish();
  } finally {
    await file.close();
  }
}

/** Apply the status line (if any) and headers at the start of `bytes`; return where the body begins. */
function applyHead(request: Request, bytes: Buffer, path: string): number {
  const end = findHeaderEnd(bytes);
  if (end === null) {
    throw new LoomError('LOOM_ERR_ASIS_HEAD', `The as-is file ${path} has no blank line ending its headers within its first ${MAX_HEAD_BYTES} bytes.`);
  }
  let head = bytes.subarray(0, end.at).toString('latin1');
  const statusLine = /^HTTP\/\d\.\d[ \t]+(.*)(?:\r\n|\r|\n|$)/.exec(head);
  if (statusLine !== null) {
    const status = parseStatus(statusLine[1]!.trim());
    if (status === null) throw new LoomError('LOOM_ERR_ASIS_HEAD', `The as-is file ${path} starts with a bad status line: ${JSON.stringify(statusLine[0].trim())}.`);
    request.setResponseCode(status.code, status.message);
    head = head.slice(statusLine[0].length);
  }
  const logger = request.site?.logger;
  if (head !== '') applyHeaderBlock(request, head, (message) => logger?.warn(`As-is file ${path}: ${message}`), statusLine !== null);
  request.defaultContentType = null;
  return end.at + end.length;
}
// #endregion asis-serve

/** Write the file from `position` to `size`, waiting whenever the client's buffer is full. */
async function streamBody(request: Request, file: FileHandle, position: number, size: number): Promise<void> {
  while (position < size && !request.channel.lost) {
    // A fresh buffer each time: the one just written may still be queued on the socket.
    const buffer = Buffer.allocUnsafe(Math.min(CHUNK_SIZE, size - position));
    const { bytesRead } = await file.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) break; // the file shrank; the Content-Length promise cannot be kept
    position += bytesRead;
    if (!request.write(buffer.subarray(0, bytesRead))) await drainOrLeave(request);
  }
  if (position < size && !request.channel.lost) request.loseConnection();
}

function drainOrLeave(request: Request): Promise<void> {
  return new Promise((resolve) => {
    request.waitForDrain().then(resolve, resolve);
    request.signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

