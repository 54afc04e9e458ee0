/**
 * @module
 * A FastCGI server: a gateway application on a thread pool, behind a front-end web
 * server such as nginx (`fastcgi_pass`).
 *
 * FastCGI keeps connections open and frames everything in records: an 8-byte header
 * (version, type, request id, content length, padding) and up to 65535 bytes of
 * content. A request is a BEGIN_REQUEST record, its CGI variables in PARAMS records
 * (ended by an empty one), and its body in STDIN records (ended by an empty one). The
 * answer is a CGI response in STDOUT records, an empty STDOUT, and END_REQUEST. Records
 * carry a request id, so one connection can hold several requests at once; this server
 * accepts that, and answers the front end's GET_VALUES question saying so.
 *
 * Twisted counterpart: none; the FastCGI 1.0 specification (Open Market, 1996) and
 * flup's `fcgi` server for WSGI. Left out: the Authorizer and Filter roles (a request
 * in another role is refused with UNKNOWN_ROLE), as in most servers.
 * Tests: `test/gateway/fastcgi.test.ts`; with nginx in front, `test/gateway/servers.test.ts`.
 */

import type { Socket } from 'node:net';
import type { Logger } from '../logger.ts';
import { environFromCgi } from './environ.ts';
import { cgiHead, errorResponse } from './cgi.ts';
import type { CallHandle, CallSink } from './call.ts';
import { BodyQueue, GatewayServer } from './socket-server.ts';
import type { Header } from './spec.ts';

/** Record types (FastCGI 1.0 §8). */
export const FCGI = {
  BEGIN_REQUEST: 1, ABORT_REQUEST: 2, END_REQUEST: 3, PARAMS: 4, STDIN: 5, STDOUT: 6, STDERR: 7, DATA: 8,
  GET_VALUES: 9, GET_VALUES_RESULT: 10, UNKNOWN_TYPE: 11,
} as const;
const VERSION = 1;
const HEADER_LENGTH = 8;
const MAX_CONTENT = 65535;
const RESPONDER = 1;
const KEEP_CONN = 1;
const REQUEST_COMPLETE = 0;
const UNKNOWN_ROLE = 3;

/** One record as read off the connection. */
export interface FcgiRecord {
  readonly type: number;
  readonly requestId: number;
  readonly content: Buffer;
}

// #region gateway-fastcgi-server
/**
 * Serve a gateway application over FastCGI.
 *
 * @example
 * const server = new FastCGIServer(pool, appRef(new URL('./app.ts', import.meta.url)));
 * await server.listen('tcp:9000:interface=127.0.0.1');   // nginx: fastcgi_pass 127.0.0.1:9000;
 */
export class FastCGIServer extends GatewayServer {
  protected connection(socket: Socket): void {
    new FcgiConnection(this, socket);
  }
}
// #endregion gateway-fastcgi-server

/** `FcgiConnection`'s door for its requests' sinks: end a request (END_REQUEST). Only this file has it. */
const kFinish = Symbol('loom.fastcgi.finish');

/** One request on a connection, from BEGIN_REQUEST to END_REQUEST. */
interface FcgiRequest {
  readonly id: number;
  readonly keepConn: boolean;
  params: Buffer[];
  body: BodyQueue | null;
  call: CallHandle | null;
  /** True once END_REQUEST was sent: later output for it is dropped (the id may be reused). */
  ended: boolean;
}

// #region gateway-fastcgi-connection
/** A connection from the front end: reads records, routes them to requests by id. */
class FcgiConnection {
  readonly #server: FastCGIServer;
  readonly #socket: Socket;
  readonly #requests = new Map<number, FcgiRequest>();
  #buffered: Buffer = Buffer.alloc(0);
  #peerEnded = false;

  constructor(server: FastCGIServer, socket: Socket) {
    this.#server = server;
    this.#socket = socket;
    socket.on('data', (data: Buffer) => this.#read(data));
    // The front end is done sending: close our side once the answers in progress are out.
    socket.on('end', () => {
      this.#peerEnded = true;
      if (this.#requests.size === 0) socket.end();
    });
    socket.on('close', () => {
      for (const request of this.#requests.values()) this.#abort(request);
    });
  }

  #read(data: Buffer): void {
    this.#buffered = this.#buffered.length === 0 ? data : Buffer.concat([this.#buffered, data]);
    let at = 0;
    for (;;) {
      const record = readRecord(this.#buffered, at);
      if (record === null) break;
      at = record.next;
      this.#record(record.record);
    }
    this.#buffered = this.#buffered.subarray(at);
  }

  #record(record: FcgiRecord): void {
    const { type, requestId, content } = record;
    if (type === FCGI.GET_VALUES) {
      this.#socket.write(encodeRecord(FCGI.GET_VALUES_RESULT, 0, getValuesResult(content)));
      return;
    }
    if (type === FCGI.BEGIN_REQUEST) {
      const role = content.readUInt16BE(0);
      if (role !== RESPONDER) {
        this.#socket.write(endRequest(requestId, 0, UNKNOWN_ROLE));
        return;
      }
      this.#requests.set(requestId, { id: requestId, keepConn: (content[2]! & KEEP_CONN) !== 0, params: [], body: null, call: null, ended: false });
      return;
    }
    const request = this.#requests.get(requestId);
    if (request === undefined) {
      if (requestId === 0) this.#socket.write(encodeRecord(FCGI.UNKNOWN_TYPE, 0, Buffer.from([type, 0, 0, 0, 0, 0, 0, 0])));
      return; // A record for a request that is over (or never was): ignored, as the specification says.
    }
    if (type === FCGI.PARAMS) {
      if (content.length > 0) request.params.push(content);
      else this.#start(request);
    } else if (type === FCGI.STDIN) {
      if (content.length > 0) request.body?.push(content);
      else request.body?.end();
    } else if (type === FCGI.ABORT_REQUEST) {
      this.#abort(request);
      this.#finish(request, 0);
    }
  }

  /** The PARAMS stream is complete: start the call; STDIN records feed its body from now on. */
  #start(request: FcgiRequest): void {
    const params = decodeParams(Buffer.concat(request.params));
    request.params = [];
    request.body = new BodyQueue({ onFull: () => this.#socket.pause(), onRoom: () => this.#socket.resume() });
    const sink = new RecordSink(this, this.#socket, this.#server.logger, request, `${params.REQUEST_METHOD ?? 'GET'} ${params.REQUEST_URI ?? params.PATH_INFO ?? ''}`);
    request.call = this.#server.pool.dispatch({ app: this.#server.app, environ: environFromCgi(params), body: request.body, sink });
  }

  #abort(request: FcgiRequest): void {
    request.body?.end();
    request.call?.cancel();
  }

  /** End a request: END_REQUEST, and close the connection unless the front end keeps it. */
  [kFinish](request: FcgiRequest, appStatus: number): void {
    this.#finish(request, appStatus);
  }

  #finish(request: FcgiRequest, appStatus: number): void {
    if (request.ended) return;
    request.ended = true;
    this.#requests.delete(request.id);
    if (this.#socket.destroyed) return;
    this.#socket.write(endRequest(request.id, appStatus, REQUEST_COMPLETE));
    if (!request.keepConn || (this.#peerEnded && this.#requests.size === 0)) this.#socket.end();
  }
}
// #endregion gateway-fastcgi-connection

/** A response in STDOUT records. */
class RecordSink implements CallSink {
  readonly #connection: FcgiConnection;
  readonly #socket: Socket;
  readonly #logger: Logger;
  readonly #request: FcgiRequest;
  readonly #what: string;

  constructor(connection: FcgiConnection, socket: Socket, logger: Logger, request: FcgiRequest, what: string) {
    this.#connection = connection;
    this.#socket = socket;
    this.#logger = logger;
    this.#request = request;
    this.#what = what;
  }

  head(code: number, reason: string, headers: Header[]): void {
    this.#stdout(Buffer.from(cgiHead(code, reason, headers), 'latin1'));
  }

  write(chunk: Uint8Array): boolean {
    return this.#stdout(chunk);
  }

  onDrain(listener: () => void): void {
    this.#socket.once('drain', listener);
  }

  end(): void {
    this.#stdout(Buffer.alloc(0));
    this.#connection[kFinish](this.#request, 0);
  }

  fail(error: Error, headSent: boolean): void {
    this.#logger.error(`Gateway application error for ${this.#what}`, error);
    if (headSent) {
      // The status is gone; cutting the connection is how the front end learns the answer is incomplete.
      setImmediate(() => this.#socket.destroy());
      return;
    }
    const { head, body } = errorResponse();
    this.#stdout(Buffer.from(head + body));
    this.end();
  }

  log(text: string): void {
    this.#logger.error(`Gateway application (${this.#what}) wrote to errors: ${text.trimEnd()}`);
  }

  /** Write `data` as STDOUT records of at most 65535 bytes (an empty one ends the stream). */
  #stdout(data: Uint8Array): boolean {
    const socket = this.#socket;
    if (socket.destroyed || this.#request.ended) return true;
    let room = true;
    if (data.byteLength === 0) return socket.write(encodeRecord(FCGI.STDOUT, this.#request.id, data));
    for (let at = 0; at < data.byteLength; at += MAX_CONTENT) {
      room = socket.write(encodeRecord(FCGI.STDOUT, this.#request.id, data.subarray(at, at + MAX_CONTENT)));
    }
    return room;
  }
}

// #region gateway-fastcgi-records
/** Read the record starting at `at`, or null when it has not all arrived. */
export function readRecord(data: Buffer, at: number): { record: FcgiRecord; next: number } | null {
  if (data.length - at < HEADER_LENGTH) return null;
  const contentLength = data.readUInt16BE(at + 4);
  const padding = data[at + 6]!;
  const next = at + HEADER_LENGTH + contentLength + padding;
  if (data.length < next) return null;
  const content = data.subarray(at + HEADER_LENGTH, at + HEADER_LENGTH + contentLength);
  return { record: { type: data[at + 1]!, requestId: data.readUInt16BE(at + 2), content }, next };
}

/** One record: the header, the content, and padding to a multiple of 8 bytes. */
export function encodeRecord(type: number, requestId: number, content: Uint8Array): Buffer {
  const padding = (8 - (content.byteLength % 8)) % 8;
  const record = Buffer.alloc(HEADER_LENGTH + content.byteLength + padding);
  record[0] = VERSION;
  record[1] = type;
  record.writeUInt16BE(requestId, 2);
  record.writeUInt16BE(content.byteLength, 4);
  record[6] = padding;
  record.set(content, HEADER_LENGTH);
  return record;
}

/** Name-value pairs: each length is one byte below 128, else four bytes with the top bit set. */
export function decodeParams(data: Buffer): Record<string, string> {
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  let at = 0;
  const length = (): number => {
    const first = data[at]!;
    if (first < 128) {
      at += 1;
      return first;
    }
    const n = data.readUInt32BE(at) & 0x7fffffff;
    at += 4;
    return n;
  };
  while (at < data.length) {
    const nameLength = length();
    const valueLength = length();
    const name = data.toString('latin1', at, at + nameLength);
    at += nameLength;
    params[name] = data.toString('latin1', at, at + valueLength);
    at += valueLength;
  }
  return params;
}

/** Encode name-value pairs (the inverse of {@link decodeParams}). */
export function encodeParams(params: Readonly<Record<string, string>>): Buffer {
  const parts: Buffer[] = [];
  const length = (n: number): Buffer => {
    if (n < 128) return Buffer.from([n]);
    const b = Buffer.alloc(4);
    b.writeUInt32BE((n | 0x80000000) >>> 0);
    return b;
  };
  for (const [name, value] of Object.entries(params)) {
    const n = Buffer.from(name, 'latin1');
    const v = Buffer.from(value, 'latin1');
    parts.push(length(n.length), length(v.length), n, v);
  }
  return Buffer.concat(parts);
}
// #endregion gateway-fastcgi-records

function endRequest(requestId: number, appStatus: number, protocolStatus: number): Buffer {
  const content = Buffer.alloc(8);
  content.writeUInt32BE(appStatus, 0);
  content[4] = protocolStatus;
  return encodeRecord(FCGI.END_REQUEST, requestId, content);
}

/** Answer GET_VALUES: this server multiplexes, and sets no limits of its own. */
function getValuesResult(query: Buffer): Buffer {
  const known: Record<string, string> = { FCGI_MAX_CONNS: '1000', FCGI_MAX_REQS: '1000', FCGI_MPXS_CONNS: '1' };
  const answer: Record<string, string> = {};
  for (const name of Object.keys(decodeParams(query))) if (Object.hasOwn(known, name)) answer[name] = known[name]!;
  return encodeParams(answer);
}
