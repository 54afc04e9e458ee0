/**
 * @module
 * The connection a request is answered on, seen from the request.
 *
 * A `Request` never touches a socket. It talks to a `Channel`: send the status and
 * headers, write body bytes, end, notice when the client goes away. The real channel
 * (`NodeChannel`) wraps Node's `ServerResponse`; the in-memory one in `lib/testing.ts`
 * records what was sent, so a test renders resources through exactly the code a live
 * server runs.
 *
 * An HTTP/2 request comes through `Http2Channel` instead (lib/plumbing/http2-channel.ts),
 * over one stream of a connection that carries many; the Request cannot tell the two
 * apart, which is why every resource works on both.
 *
 * Twisted counterpart: `twisted.web.http.HTTPChannel` as the request sees it (its
 * `transport`, `getPeer`/`getHost`, `writeHeaders`, `connectionLost`), and
 * `twisted.web._http2.H2Stream` for HTTP/2. Loom differs: HTTP parsing, keep-alive,
 * pipelining and HTTP/2 framing belong to `node:http` and `node:http2`, so the channel
 * is only the per-request view. A CONNECT request's
 * channel (`ConnectChannel`) can hand its raw connection over to a tunnel
 * (lib/proxy/tunnel.ts).
 * Tests: `test/plumbing/channel.test.ts`, `test/site.tls.test.ts`.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { LoomError } from '../errors.ts';

/** A network address: an IP address and port, or a UNIX socket path. Twisted's `IAddress`. */
export interface Address {
  readonly type: 'IPv4' | 'IPv6' | 'UNIX';
  /** The IP address, or the socket path for UNIX. */
  readonly host: string;
  /** The TCP port; 0 for UNIX sockets. */
  readonly port: number;
}

/** What a request needs from the connection it is answered on. */
export interface Channel {
  /** The peer: who sent the request. */
  readonly client: Address;
  /** The local end the request arrived on. */
  readonly host: Address;
  /** True when the connection is TLS. */
  readonly secure: boolean;
  /** True once the client has gone away or the connection was cut. */
  readonly lost: boolean;
  /** Send the status line and headers (`headers` is a flat `[name, value, …]` array). */
  writeHead(code: number, message: string, headers: string[]): void;
  /** Send body bytes. Returns false when the outgoing buffer is full (wait for `onDrain`). */
  write(chunk: Uint8Array | string): boolean;
  /** End the response, sending `chunk` last if given. */
  end(chunk?: Uint8Array | string): void;
  /** Call `listener` once, when the exchange ends; `lost` is true if the client went away first. */
  onClose(listener: (lost: boolean) => void): void;
  /** Call `listener` once the outgoing buffer has room: at once if it has room now. */
  onDrain(listener: () => void): void;
  /** Ask that the connection be closed after this response instead of kept alive. */
  closeAfterResponse(): void;
  /** Close the connection once what was written has been sent, abandoning the response. */
  abort(): void;
  /**
   * Only on the channel of a CONNECT request (a `ConnectChannel`): take over the
   * raw connection to carry a tunnel. Absent elsewhere; a tunnel cannot be opened there.
   */
  takeOver?(): TunnelEnd;
}

/** The client's end of a tunnel: its raw connection, and what it sent after the CONNECT head. */
export interface TunnelEnd {
  readonly socket: Socket;
  /** Bytes the client sent after its request head, before the tunnel was open (often none). */
  readonly head: Buffer;
}

/** The channel of a live request: Node's `ServerResponse` and its socket. */
export class NodeChannel implements Channel {
  readonly #res: ServerResponse;
  readonly #socket: Socket;

  constructor(req: IncomingMessage, res: ServerResponse) {
    this.#res = res;
    this.#socket = req.socket;
  }

  get client(): Address {
    return peerAddress(this.#socket);
  }

  get host(): Address {
    return localAddress(this.#socket);
  }

  get secure(): boolean {
    return (this.#socket as Socket & { encrypted?: boolean }).encrypted === true;
  }

  get lost(): boolean {
    return this.#res.destroyed && !this.#res.writableFinished;
  }

  writeHead(code: number, message: string, headers: string[]): void {
    this.#res.writeHead(code, message, headers);
  }

  write(chunk: Uint8Array | string): boolean {
    return this.#res.write(chunk);
  }

  end(chunk?: Uint8Array | string): void {
    if (chunk === undefined) this.#res.end();
    else this.#res.end(chunk);
  }

  onClose(listener: (lost: boolean) => void): void {
    const res = this.#res;
    if (res.closed) listener(!res.writableFinished);
    else res.once('close', () => listener(!res.writableFinished));
  }

  onDrain(listener: () => void): void {
    // 'drain' only comes after a write that filled the buffer; when there is room now,
    // waiting for it would wait forever.
    if (this.#res.writableNeedDrain) this.#res.once('drain', listener);
    else queueMicrotask(listener);
  }

  closeAfterResponse(): void {
    this.#res.shouldKeepAlive = false;
  }

  abort(): void {
    // Like Twisted's loseConnection: what was already written goes out first, then the
    // connection closes, so a client sees a response cut short rather than lose the
    // bytes written in the same tick.
    const socket = this.#res.socket;
    if (socket === null) this.#res.destroy();
    else socket.destroySoon();
  }
}

// #region channel-connect
/**
 * The channel of a CONNECT request. Until `takeOver()` it is a NodeChannel, so a refusal
 * (403, 502) is an ordinary response. `takeOver()` hands the raw connection to a tunnel:
 * from then on the response object lets go of the socket, whatever the request still
 * writes goes nowhere (the tunnel owns the bytes, and wrote its own status line), and
 * `finish()` only ends the request's record, for the access log.
 */
export class ConnectChannel extends NodeChannel {
  readonly #res: ServerResponse;
  readonly #end: TunnelEnd;
  // Read now: a tunnel is logged when it ends, when the closed socket has no addresses left.
  readonly #client: Address;
  readonly #host: Address;
  #taken = false;

  constructor(req: IncomingMessage, res: ServerResponse, socket: Socket, head: Buffer) {
    super(req, res);
    this.#res = res;
    this.#end = { socket, head };
    this.#client = super.client;
    this.#host = super.host;
  }

  override get client(): Address {
    return this.#client;
  }

  override get host(): Address {
    return this.#host;
  }

  takeOver(): TunnelEnd {
    if (this.#taken) throw new LoomError('LOOM_ERR_INVALID_ARGUMENT', 'This CONNECT request\'s connection was already taken over by a tunnel.');
    this.#taken = true;
    this.#res.detachSocket(this.#end.socket);
    return this.#end;
  }

  // Once taken, the tunnel closing the socket is the normal end, not a client gone away.
  override get lost(): boolean {
    return this.#taken ? false : super.lost;
  }

  override writeHead(code: number, message: string, headers: string[]): void {
    if (!this.#taken) super.writeHead(code, message, headers);
  }

  override write(chunk: Uint8Array | string): boolean {
    return this.#taken ? true : super.write(chunk);
  }

  override end(chunk?: Uint8Array | string): void {
    if (!this.#taken) super.end(chunk);
  }

  override abort(): void {
    if (this.#taken) this.#end.socket.destroy();
    else super.abort();
  }
}
// #endregion channel-connect

/** The peer of a connection as an {@link Address}. */
export function peerAddress(s: Socket): Address {
  return toAddress(s.remoteFamily, s.remoteAddress, s.remotePort, s);
}

/** The local end of a connection as an {@link Address}. */
export function localAddress(s: Socket): Address {
  const local = s.localAddress;
  return toAddress(local === undefined ? undefined : local.includes(':') ? 'IPv6' : 'IPv4', local, s.localPort, s);
}

function toAddress(family: string | undefined, host: string | undefined, port: number | undefined, socket: Socket): Address {
  if (host === undefined) {
    // A UNIX socket has no peer address; Node keeps the listening path on the server.
    const server = (socket as Socket & { server?: { address(): unknown } }).server;
    const path = server?.address();
    return { type: 'UNIX', host: typeof path === 'string' ? path : '', port: 0 };
  }
  const bare = host.startsWith('::ffff:') && host.includes('.') ? host.slice(7) : host;
  return { type: family === 'IPv6' && bare === host ? 'IPv6' : 'IPv4', host: bare, port: port ?? 0 };
}
