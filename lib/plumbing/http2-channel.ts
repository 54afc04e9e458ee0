/**
 * @module
 * The channel of an HTTP/2 request, and the translations between HTTP/2's head and the
 * form a `Request` reads.
 *
 * An HTTP/2 connection carries many requests at once, each on a stream of its own; the
 * Request of one sees only its stream, through `Http2Channel`, the same interface as
 * HTTP/1's `NodeChannel` (lib/plumbing/channel.ts). The request line comes as
 * pseudo-headers (`:method`, `:path`, `:authority`), the response's status as
 * `:status`, and names are lower case.
 *
 * Twisted counterpart: `twisted.web._http2.H2Stream`, which plays the transport for one
 * request. Loom differs: the framing, flow control and HPACK are `node:http2`'s; Loom
 * uses its core stream API, not its compatibility API (docs/guide/performance.md, "HTTP/2
 * on the core API, the proxy on undici…").
 * Tests: `test/plumbing/http2-channel.test.ts`, `test/site.tls.test.ts`.
 */

import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import type { Socket } from 'node:net';
import { localAddress, peerAddress, type Address, type Channel, type NodeChannel } from './channel.ts';
import { memoized } from './memo.ts';

// #region http2-channel
/**
 * The channel of an HTTP/2 request: one stream of a connection, on Node's core stream
 * API (`stream.respond`, then the body), not the compatibility API's request and
 * response objects, which cost more than the whole rest of a small response. HTTP/2
 * has no reason phrase, forbids the connection-specific headers of HTTP/1 (RFC 9113
 * §8.2.2), ends a stream rather than a connection, and says a client left by the
 * stream's `aborted`, so those are the places it differs from {@link NodeChannel}.
 */
export class Http2Channel implements Channel {
  readonly #stream: ServerHttp2Stream;

  constructor(stream: ServerHttp2Stream) {
    this.#stream = stream;
    // A stream the client resets, or that its session cuts, is destroyed with an error.
    // What that means for the response, onClose reports (lost); unheard, the error would
    // end the process.
    stream.on('error', ignoreStreamError);
  }

  get client(): Address {
    return peerAddress(this.#socket);
  }

  get host(): Address {
    return localAddress(this.#socket);
  }

  // Asked for only when an address is: Node makes a Proxy for each session's socket on
  // first access, which a request that never looks at its addresses need not pay for.
  get #socket(): Socket {
    return this.#stream.session!.socket as Socket;
  }

  get secure(): boolean {
    return true; // Loom serves HTTP/2 only over TLS, as browsers speak it
  }

  // Not `destroyed && !writableFinished`, as for HTTP/1: a stream the client resets is
  // ended by Node on the way to closing, so it looks finished. `aborted` is what says the
  // stream closed before its response was ended.
  get lost(): boolean {
    return this.#stream.aborted;
  }

  writeHead(code: number, _message: string, headers: string[]): void {
    const stream = this.#stream;
    if (stream.destroyed || stream.closed) return; // the client is gone: nobody to answer
    // The reason phrase is dropped: HTTP/2 has none. `respond` ends the stream at once
    // when no body may follow (HEAD, 204, 205, 304).
    const head = http2Headers(headers);
    head[':status'] = code;
    stream.respond(head);
  }
  // #endregion http2-channel

  write(chunk: Uint8Array | string): boolean {
    const stream = this.#stream;
    if (stream.destroyed || stream.writableEnded) return true; // nowhere to go, nothing to wait for
    return stream.write(chunk);
  }

  end(chunk?: Uint8Array | string): void {
    const stream = this.#stream;
    if (stream.destroyed || stream.writableEnded) return; // a body after HEAD or 304 is dropped, as Twisted drops it
    if (chunk === undefined) stream.end();
    else stream.end(chunk);
  }

  onClose(listener: (lost: boolean) => void): void {
    const stream = this.#stream;
    if (stream.closed) listener(stream.aborted);
    else stream.once('close', () => listener(stream.aborted));
  }

  onDrain(listener: () => void): void {
    if (this.#stream.writableNeedDrain) this.#stream.once('drain', listener);
    else queueMicrotask(listener);
  }

  closeAfterResponse(): void {
    // Nothing to do: the stream ends with its response, and the connection carries
    // other requests' streams, which must not be cut for this one.
  }

  abort(): void {
    this.#stream.close(NGHTTP2_INTERNAL_ERROR); // RST_STREAM: the client sees this response cut short
  }
}

/**
 * The request line and headers of an HTTP/2 request, in the form `Request` reads, from
 * the flat `[name, value, …]` list Node received. HTTP/2 sends the method, path and
 * authority as pseudo-headers (`:method`, `:path`, `:authority`); `:authority` stands
 * for the Host header (RFC 9113 §8.3.1), so it becomes one, and the pseudo-headers are
 * left out. A CONNECT has no path: its target is the authority, as in HTTP/1.1.
 */
export function http2Head(raw: readonly string[]): { method: string; url: string; httpVersion: string; rawHeaders: string[] } {
  const rawHeaders: string[] = [];
  let method = '';
  let url = '';
  let authority: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.charCodeAt(0) === 58 /* ':' */) {
      if (name === ':method') method = raw[i + 1]!;
      else if (name === ':path') url = raw[i + 1]!;
      else if (name === ':authority') authority = raw[i + 1];
    } else if (!(authority !== undefined && name === 'host')) rawHeaders.push(name, raw[i + 1]!);
  }
  if (authority !== undefined) rawHeaders.unshift('host', authority);
  if (method === 'CONNECT') url = authority ?? '';
  return { method, url, httpVersion: '2', rawHeaders };
}

/**
 * The body length an HTTP/2 request declares: its Content-Length, else 0 when its
 * HEADERS frame ended the stream (no body can follow), else 1 (unknown: read to find out).
 */
export function http2BodyLength(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): number {
  const length = headers['content-length'];
  if (length !== undefined) return Number(length);
  return stream.endAfterHeaders ? 0 : 1;
}

/**
 * Answer an HTTP/2 request's `Expect` header as Node answers HTTP/1.1's: `100-continue`
 * gets a 100 interim response when the body will be read (`willRead`: not when it is
 * already too large, which the 413 then says), and is met; any other expectation is one
 * this server cannot meet, returned for the 417 that refuses it.
 */
export function unmetExpectation(stream: ServerHttp2Stream, expect: string | undefined, willRead: boolean): string | null {
  if (expect === undefined) return null;
  if (expect.toLowerCase() !== '100-continue') return expect;
  if (willRead) stream.additionalHeaders({ ':status': 100 });
  return null;
}

/** Stream errors are reported by `onClose` (the response lost), not thrown. */
function ignoreStreamError(): void {}

/** RST_STREAM's INTERNAL_ERROR (RFC 9113 §7), from `http2.constants`, without importing node:http2 at run time. */
const NGHTTP2_INTERNAL_ERROR = 2;

/** Headers HTTP/2 forbids (RFC 9113 §8.2.2); Node throws on them rather than drop them. */
const CONNECTION_HEADERS = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

/**
 * The prototype of every header object: empty, with none of Object.prototype's names, so
 * a header named `__proto__` or `constructor` is a header like any other. Not
 * `Object.create(null)` itself, which V8 makes a slow dictionary: Node copies the object
 * with `for…in` on every response, and an object built in the same order each time
 * shares one shape and is made and copied 1.5 to 2 times faster (a micro-benchmark of Node's loop).
 */
const NOTHING_INHERITED: object = Object.freeze(Object.create(null));

/**
 * A flat `[name, value, …]` list as the header object `node:http2` takes: names in lower
 * case, a repeated name (Set-Cookie) as an array of its values, HTTP/1's connection
 * headers left out. An object rather than the flat array Node's `writeHead` also takes:
 * given an array, the compatibility API first calls `removeHeader` on every name (its
 * way of merging with earlier `setHeader` calls), a `delete` per header on every
 * response (docs/guide/performance.md, "TLS and HTTP/2").
 */
export function http2Headers(flat: readonly string[]): OutgoingHttpHeaders {
  const headers: Record<string, string | string[]> = Object.create(NOTHING_INHERITED);
  for (let i = 0; i < flat.length; i += 2) {
    const name = lowerCased(flat[i]!);
    if (CONNECTION_HEADERS.has(name)) continue;
    const value = flat[i + 1]!;
    const earlier = headers[name];
    if (earlier === undefined) headers[name] = value;
    else if (typeof earlier === 'string') headers[name] = [earlier, value];
    else earlier.push(value);
  }
  return headers;
}

/** Header names as sent (`Content-Type`) to HTTP/2's lower case, each worked out once: a response's names are nearly always ones seen before. */
const lowerCased = memoized((name) => name.toLowerCase(), 1000);
