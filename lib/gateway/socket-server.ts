/**
 * @module
 * What the SCGI and FastCGI servers share: a server listening on an endpoint that
 * hands each connection to a protocol handler, and a request body arriving from a
 * socket, as the async iterable a thread pool reads.
 *
 * The SCGI and FastCGI servers parse the body out of their connection and `push` it
 * here; the pool takes it piece by piece as the application reads. When more than
 * `highWater` bytes are waiting, `onFull` runs (the server pauses its socket) and
 * `onRoom` runs once they have been taken (it resumes), so a client uploading faster
 * than the application reads fills the kernel's buffers, not this process's memory.
 *
 * Twisted counterpart: none (Twisted reads the whole body before the application runs).
 * Tests: `test/gateway/scgi.test.ts` and `test/gateway/fastcgi.test.ts`.
 */

import { createServer, type Server, type Socket } from 'node:net';
import type { Address } from '../plumbing/channel.ts';
import { listenOn, parseEndpoint } from '../plumbing/endpoints.ts';
import { consoleLogger, type Logger } from '../logger.ts';
import type { ThreadPool } from './pool.ts';
import type { AppRef } from './spec.ts';

/** Options for the SCGI and FastCGI servers. */
export interface GatewayServerOptions {
  /** Where application errors and `gateway.errors` text go. @default consoleLogger */
  logger?: Logger;
}

// #region gateway-socket-server
/** A server for one application on a thread pool, speaking a front-end protocol on its connections. */
export abstract class GatewayServer {
  readonly pool: ThreadPool;
  readonly app: AppRef;
  readonly logger: Logger;
  readonly #servers = new Set<Server>();
  readonly #sockets = new Set<Socket>();

  constructor(pool: ThreadPool, app: AppRef, options: GatewayServerOptions = {}) {
    this.pool = pool;
    this.app = app;
    this.logger = options.logger ?? consoleLogger;
  }

  /** Listen on an endpoint string (`tcp:9000:interface=127.0.0.1`, `unix:/run/app.sock`). Resolves with the address. */
  async listen(endpoint: string): Promise<Address> {
    // Half-open allowed: a front end may finish sending (FIN) and still wait for the answer.
    const server = createServer({ allowHalfOpen: true }, (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      socket.on('error', () => socket.destroy()); // A reset from the front end: the close handler cleans up.
      this.connection(socket);
    });
    const address = await listenOn(server, parseEndpoint(endpoint));
    this.#servers.add(server);
    return address;
  }

  /** Stop listening, and close every connection (calls in flight are cancelled). */
  async close(): Promise<void> {
    const closing = [...this.#servers].map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
    this.#servers.clear();
    for (const socket of this.#sockets) socket.destroy();
    await Promise.all(closing);
  }

  /** Serve one connection from the front end. */
  protected abstract connection(socket: Socket): void;
}
// #endregion gateway-socket-server

/** What to do when the queue fills up and empties again. */
export interface BodyQueueHooks {
  onFull(): void;
  onRoom(): void;
}

/** A body that arrives in pieces. */
export class BodyQueue implements AsyncIterable<Uint8Array> {
  readonly #pieces: Uint8Array[] = [];
  readonly #hooks: BodyQueueHooks;
  readonly #highWater: number;
  #queued = 0;
  #ended = false;
  #full = false;
  #wake: (() => void) | null = null;

  constructor(hooks: BodyQueueHooks, highWater = 1024 * 1024) {
    this.#hooks = hooks;
    this.#highWater = highWater;
  }

  /** True once `end()` was called. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Add a piece of the body. */
  push(piece: Uint8Array): void {
    if (this.#ended || piece.byteLength === 0) return;
    this.#pieces.push(piece);
    this.#queued += piece.byteLength;
    if (!this.#full && this.#queued > this.#highWater) {
      this.#full = true;
      this.#hooks.onFull();
    }
    this.#wakeReader();
  }

  /** The body is complete (or will never be: the client went away). */
  end(): void {
    this.#ended = true;
    this.#wakeReader();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      const piece = this.#pieces.shift();
      if (piece !== undefined) {
        this.#queued -= piece.byteLength;
        if (this.#full && this.#queued <= this.#highWater / 2) {
          this.#full = false;
          this.#hooks.onRoom();
        }
        yield piece;
      } else if (this.#ended) {
        return;
      } else {
        await new Promise<void>((resolve) => (this.#wake = resolve));
      }
    }
  }

  #wakeReader(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
}
