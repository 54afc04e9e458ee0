/**
 * @module
 * Running one call of a gateway application: the server's side of the interface.
 *
 * `ApplicationRun` calls the application, gives it `startResponse`, iterates what it
 * returned, and calls its `close()`. It enforces the interface's rules on the way:
 * startResponse checks its arguments, may be called again until the body starts (the
 * last call wins), and throws `excInfo` back once the body has started; the status and
 * headers are sent lazily, with the first non-empty chunk or at the end; an application
 * that never called startResponse is an error, not a hung request. Every gateway (the
 * worker thread of a `GatewayResource`, the CGI handler, the simple server, SCGI and
 * FastCGI) drives this same class, so an application gets the same answers from each.
 *
 * Twisted counterpart: `twisted.web.wsgi._WSGIResponse` (`startResponse`, `write`,
 * `run`), and Python's `wsgiref.handlers.BaseHandler`. Loom differs:
 * - an application that returns without calling startResponse is answered 500, because
 *   Twisted leaves that request hanging forever (pitfall 12 of the reference);
 * - `close()` is called on every path, success, error and disconnect, as PEP 3333
 *   asks (Twisted calls it only after a successful iteration);
 * - startResponse without `excInfo` after the body started throws instead of being
 *   silently ignored, because the change it asked for can no longer happen;
 * - a header name or value that Node would refuse (not a token, a control character)
 *   is an application error here, in the application's own thread, with a message
 *   naming the header, instead of an exception later in the server.
 * Tests: `test/gateway/handler.test.ts`.
 */

import { LoomError } from '../errors.ts';
import { statusPhrase } from '../plumbing/http.ts';
import { memoized } from '../plumbing/memo.ts';
import type { Application, Chunk, Environ, Header, Write } from './spec.ts';

/** Where an {@link ApplicationRun} sends the response. */
export interface ResponseOutput {
  /** The status and headers: called once, just before the first body bytes, or at the end. */
  head(code: number, reason: string, headers: Header[]): void;
  /** Body bytes (never empty). */
  body(chunk: Uint8Array): void;
  /** Called after each chunk of a streamed body and after each `write()`: send what is buffered now. */
  flush(): void;
}

/** Response headers the server sets itself; an application's values for them are dropped (Twisted's rule). */
const SERVER_OWNED = new Set(['server', 'date']);
/** An RFC 9110 token: what a header name may be made of. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/**
 * Characters a header value may not contain: controls other than tab (CR and LF above
 * all), and anything past Latin-1, which HTTP cannot carry (Node would throw on it).
 */
const BAD_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

// #region gateway-handler-run
/**
 * One call of an application, driven step by step by a gateway:
 *
 *     const run = new ApplicationRun(app, environ, output);
 *     let failure = null;
 *     try { run.start(); while (run.step()) {} run.end(); } catch (error) { failure = error; }
 *     failure = run.closeAfter(failure); // close() on every path
 *     if (failure !== null) { … a 500, or cut the connection when run.headSent … }
 *
 * `step()` produces one chunk, so the gateway can wait for the client between chunks
 * (backpressure) and stop early when the client leaves.
 */
export class ApplicationRun {
  readonly #app: Application;
  readonly #environ: Environ;
  readonly #output: ResponseOutput;
  #status: { readonly code: number; readonly reason: string } | null = null;
  #headers: Header[] = [];
  #headSent = false;
  #result: Iterable<Chunk> | null = null;
  #iterator: Iterator<Chunk> | null = null;
  #closed = false;
  readonly #write: Write;

  constructor(app: Application, environ: Environ, output: ResponseOutput) {
    this.#app = app;
    this.#environ = environ;
    this.#output = output;
    this.#write = (data) => this.#writeNow(data, 'write()');
  }

  /** True once the status line and headers have gone to the output. */
  get headSent(): boolean {
    return this.#headSent;
  }

  /** True when the application returned an Array: its chunks are all ready, so a gateway may send them together. */
  get isArray(): boolean {
    return Array.isArray(this.#result);
  }

  /** Call the application. Throws whatever it throws. */
  start(): void {
    const result: unknown = this.#app(this.#environ, (status, headers, excInfo) => this.#startResponse(status, headers, excInfo));
    this.#result = asIterable(result);
    this.#iterator = this.#result[Symbol.iterator]();
  }

  /** Send the next non-empty chunk. False when the body is exhausted. Throws the application's errors. */
  step(): boolean {
    const iterator = this.#iterator!;
    for (;;) {
      const next = iterator.next();
      if (next.done === true) return false;
      if (this.#writeNow(next.value, 'the returned iterable')) return true;
    }
  }

  /** The body is exhausted: send the status and headers if no chunk did. The gateway then ends the response. */
  end(): void {
    if (!this.#headSent) this.#sendHead();
  }

  /**
   * Call the returned iterable's `close()`, once, whatever happened (PEP 3333). Throws
   * what `close()` throws: that counts as an application error.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const close = (this.#result as { close?: unknown } | null)?.close;
    if (typeof close === 'function') close.call(this.#result);
  }

  /**
   * `close()` at the end of a run, however it ended: `failure` is what the run threw
   * (or null), and the result is the error to report, the run's own first, else what
   * `close()` threw. Every gateway ends its runs this way.
   */
  closeAfter(failure: unknown): unknown {
    try {
      this.close();
    } catch (error) {
      return failure ?? error;
    }
    return failure;
  }
  // #endregion gateway-handler-run

  // #region gateway-handler-start-response
  #startResponse(status: unknown, headers: unknown, excInfo: unknown): Write {
    if (excInfo !== undefined && excInfo !== null) {
      // The application caught an error and wants to answer with an error page instead.
      // Too late once the body has started: the error goes back up to the application.
      if (this.#headSent) throw excInfo;
    } else if (this.#headSent) {
      throw violation('startResponse() was called again after the body had started, so the new status and headers cannot be sent. ' +
        'Call it once before returning or writing the body; when answering an error, pass the caught error as the third argument.');
    }
    this.#status = parseStatus(status);
    this.#headers = checkHeaders(headers);
    return this.#write;
  }
  // #endregion gateway-handler-start-response

  // #region gateway-handler-write
  /** Send one chunk, sending the head first if this is the first. False for an empty chunk. */
  #writeNow(data: unknown, from: string): boolean {
    const bytes = toBytes(data, from);
    if (bytes.byteLength === 0) return false;
    if (!this.#headSent) {
      if (this.#status === null) {
        throw violation(`The application sent body bytes through ${from} before calling startResponse(). ` +
          'Call startResponse(\'200 OK\', headers) first.');
      }
      this.#sendHead();
    }
    this.#output.body(bytes);
    if (from === 'write()' || !this.isArray) this.#output.flush();
    return true;
  }

  #sendHead(): void {
    if (this.#status === null) {
      throw violation('The application returned without calling startResponse(), so there is no status to send. ' +
        'Call startResponse(\'200 OK\', [[\'Content-Type\', \'text/plain\']]) before returning the body.');
    }
    this.#headSent = true;
    const headers = this.#headers.filter(([name]) => !SERVER_OWNED.has(name.toLowerCase()));
    this.#output.head(this.#status.code, this.#status.reason, headers);
  }
  // #endregion gateway-handler-write
}

/** The error thrown when an application (or a server) breaks the interface. */
export function violation(message: string): LoomError {
  return new LoomError('LOOM_ERR_GATEWAY_VIOLATION', message);
}

/** `'404 Not Found'` → `{ code: 404, reason: 'Not Found' }`. */
export function parseStatus(status: unknown): { readonly code: number; readonly reason: string } {
  if (typeof status !== 'string') {
    throw violation(`startResponse() needs the status as a string such as '200 OK', got ${describe(status)}.`);
  }
  return statusOf(status);
}

// An application answers with the same few statuses over and over: each is parsed once.
// (A status that fails to parse throws, and is not kept.)
const statusOf = memoized((status: string): { readonly code: number; readonly reason: string } => {
  const match = /^([1-9]\d\d)(?:\s+(.*))?$/s.exec(status);
  if (match === null) {
    throw violation(`startResponse() got the status ${JSON.stringify(status)}; it must be three digits, a space and a reason phrase, such as '200 OK'.`);
  }
  const code = Number(match[1]);
  const reason = match[2] ?? '';
  if (BAD_VALUE.test(reason)) throw violation(`The status ${JSON.stringify(status)} contains a control character or a character HTTP cannot carry; use plain text such as '200 OK'.`);
  return Object.freeze({ code, reason: reason === '' ? statusPhrase(code) : reason });
}, 256);

/** Check the headers argument of startResponse and copy it. */
export function checkHeaders(headers: unknown): Header[] {
  if (!Array.isArray(headers)) {
    throw violation(`startResponse() needs the headers as an array of [name, value] pairs, got ${describe(headers)}. ` +
      'Pass [] for no headers, or [[\'Content-Type\', \'text/plain\']].');
  }
  const copy: Header[] = [];
  for (const header of headers as unknown[]) {
    if (!Array.isArray(header) || header.length !== 2 || typeof header[0] !== 'string' || typeof header[1] !== 'string') {
      throw violation(`Each header must be a [name, value] pair of two strings, got ${describe(header)}.`);
    }
    const [name, value] = header as [string, string];
    if (!TOKEN.test(name)) throw violation(`The header name ${JSON.stringify(name)} is not valid: use letters, digits and dashes, with no colon or spaces.`);
    if (BAD_VALUE.test(value)) {
      throw violation(`The value of header ${name} contains a control character (a newline?) or a character HTTP cannot carry: ` +
        `${JSON.stringify(value)}. A header value must be one line of Latin-1 text; percent-encode anything else.`);
    }
    copy.push([name, value]);
  }
  return copy;
}

/** A chunk as bytes: strings as UTF-8. */
function toBytes(data: unknown, from: string): Uint8Array {
  // Buffer.from, not TextEncoder: a short string is encoded into Node's shared pool, which
  // is several times cheaper than a new ArrayBuffer per chunk; the chunk is copied on
  // into the queue slot or the port anyway.
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof Uint8Array) return data;
  throw violation(`${from} produced ${describe(data)}; body chunks must be strings or Uint8Arrays (Buffers).`);
}

/**
 * What the application returned, as an iterable of chunks. A bare string or byte array
 * is taken as one chunk, because iterating it would give characters or numbers (the
 * validator still reports it: returning `[body]` is the spec).
 */
function asIterable(result: unknown): Iterable<Chunk> {
  if (typeof result === 'string' || result instanceof Uint8Array) return [result];
  if (result === null || typeof result !== 'object' || typeof (result as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function') {
    throw violation(`The application returned ${describe(result)}; it must return an iterable of body chunks, ` +
      'such as [\'Hello\'] or a generator. Did it forget to return?');
  }
  return result as Iterable<Chunk>;
}

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return `an object (${(value as object).constructor?.name ?? 'Object'})`;
  return `the ${typeof value} ${String(value)}`;
}
