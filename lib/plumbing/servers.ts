/**
 * @module
 * The Node server behind each endpoint a Site listens on, and how it stops gracefully.
 *
 * A `tcp:` or `unix:` endpoint gets a `node:http` server. An `ssl:` endpoint gets a TLS
 * server that offers two protocols by ALPN, the TLS extension in which the client says
 * which protocol it will speak: `h2` (HTTP/2) and `http/1.1`. A connection whose client
 * chose `h2` is handed to a `node:http2` server; any other goes to `node:https`'s own
 * HTTP/1 handling. Both end at the same Site, through the same Request.
 *
 * Stopping gracefully: stop accepting; close the HTTP/1 connections that are idle and
 * send HTTP/2 clients GOAWAY (no new streams, the open ones finish); once the grace
 * period is over, cut whatever is still open.
 *
 * Idle connections: `node:http` closes an HTTP/1 connection that waits too long for its
 * next request (`keepAliveTimeout`); an HTTP/2 session that carries nothing for the
 * Site's idle timeout is sent GOAWAY by {@link IdleSessions}, as Twisted's `H2Connection`
 * does when its `timeOut` runs out.
 *
 * Twisted counterpart: `twisted.web.server.Site` on an `ssl:` endpoint, which negotiates
 * `h2` by ALPN when the `h2` package is installed (`twisted.web._http2`), and
 * `twisted.internet.ssl.DefaultOpenSSLContextFactory`. Loom differs: HTTP/2 is always
 * offered on TLS (Node has it built in), never on plain TCP, which no browser speaks.
 * Tests: `test/plumbing/servers.test.ts`, `test/site.tls.test.ts`.
 */

import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttp2Server, type IncomingHttpHeaders, type ServerHttp2Session, type ServerHttp2Stream } from 'node:http2';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { LoomError } from '../errors.ts';
import type { Endpoint } from './endpoints.ts';

/** What the Site does with what the servers receive. */
export interface RequestListeners {
  /** An HTTP/1 request (over TCP, a UNIX socket, or TLS). */
  http1(req: IncomingMessage, res: ServerResponse): void;
  /** An HTTP/1.1 request that sent `Expect: 100-continue` and waits to be told to send its body. */
  checkContinue(req: IncomingMessage, res: ServerResponse): void;
  /** A CONNECT request: Node hands over the bare connection and what it read past the head. */
  connect(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /**
   * An HTTP/2 request: one stream of a TLS connection, its headers as an object and as
   * the flat `[name, value, …]` list received.
   */
  http2(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, rawHeaders: string[]): void;
}

/** Settings every server of a Site shares. */
export interface ServerSettings {
  /** Milliseconds an idle keep-alive connection (or HTTP/2 session) is kept open. */
  readonly idleTimeout: number;
  /** Milliseconds the request headers may take (Node's `headersTimeout`). */
  readonly headersTimeout: number;
  /** Milliseconds between Node's checks for connections past `headersTimeout`. */
  readonly connectionsCheckingInterval: number;
  /** Answers what Node's HTTP/1 parser refuses, before there is a request. */
  onClientError(error: Error, socket: Duplex): void;
  /** What the grace period of `close` and the idle sweep of HTTP/2 sessions are timed with: the Site's clock. @default Node's timers */
  readonly clock?: ServerClock;
}

/**
 * The timer an EndpointServer needs. The Site passes its Clock (lib/clock.ts, a layer
 * above this one, so only its shape is named here), which a test can make fake.
 */
export interface ServerClock {
  callLater(seconds: number, fn: () => void): { cancel(): void };
}

/** Node's own timers, for an EndpointServer used without a Site; they keep no process alive. */
const nodeTimers: ServerClock = {
  callLater(seconds, fn) {
    const timer = setTimeout(fn, seconds * 1000);
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};

/** The protocols an `ssl:` endpoint offers, most preferred first. */
export const ALPN_PROTOCOLS: readonly string[] = ['h2', 'http/1.1'];

/** The servers behind one endpoint. */
export class EndpointServer {
  /** The server that listens: `node:http`, or `node:https` for TLS. Its sockets' `server` is this one. */
  readonly server: HttpServer | HttpsServer;
  /** True for TLS (`https://` URLs). */
  readonly secure: boolean;
  readonly #sessions: IdleSessions;
  readonly #tunnels = new Set<Duplex>();
  readonly #clock: ServerClock;

  constructor(endpoint: Endpoint, listeners: RequestListeners, settings: ServerSettings) {
    const options = {
      requireHostHeader: false, // the Site checks Host itself (lib/http-server.ts), and answers with a page
      keepAliveTimeout: settings.idleTimeout,
      headersTimeout: settings.headersTimeout,
      requestTimeout: 0, // the body's minimum rate (lib/timeouts.ts) does this without cutting honest slow uploads
      connectionsCheckingInterval: settings.connectionsCheckingInterval,
      noDelay: true,
    };
    this.secure = endpoint.kind === 'ssl';
    this.#clock = settings.clock ?? nodeTimers;
    this.#sessions = new IdleSessions(settings.idleTimeout, this.#clock);
    this.server = endpoint.kind === 'ssl' ? tlsServer(endpoint, options, listeners) : createHttpServer(options, listeners.http1);
    this.server.on('checkContinue', listeners.checkContinue);
    this.server.on('clientError', settings.onClientError);
    this.server.on('connect', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      // A tunnel has no response to wait for: close() cuts it after the grace period.
      this.#tunnels.add(socket);
      socket.once('close', () => this.#tunnels.delete(socket));
      listeners.connect(req, socket, head);
    });
    if (endpoint.kind === 'ssl') this.#offerHttp2(this.server as HttpsServer, listeners);
  }

  // #region servers-alpn
  /**
   * Route each TLS connection by the protocol its client chose: `h2` to an HTTP/2
   * server, anything else (`http/1.1`, or a client that offered no ALPN) to the HTTPS
   * server's own HTTP/1 listener, taken out of its place so this one can go first.
   */
  #offerHttp2(server: HttpsServer, listeners: RequestListeners): void {
    const http2 = createHttp2Server();
    // Node's core stream API, not its compatibility layer (a 'request' listener), which
    // makes a request and a response object per stream: a bare server on that layer
    // answers a small response at 0.6 times the rate of one on this API
    // (docs/guide/performance.md).
    http2.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, _flags: number, rawHeaders: string[]) =>
      listeners.http2(stream, headers, rawHeaders));
    http2.on('session', (session: ServerHttp2Session) => this.#track(session));
    const [http1] = server.listeners('secureConnection') as ((socket: TLSSocket) => void)[];
    if (http1 === undefined) throw new Error('node:https added no secureConnection listener; this Node is not one Loom knows');
    server.removeListener('secureConnection', http1);
    server.on('secureConnection', (socket: TLSSocket) => {
      if (socket.alpnProtocol === 'h2') http2.emit('connection', socket);
      else http1.call(server, socket);
    });
  }
  // #endregion servers-alpn

  #track(session: ServerHttp2Session): void {
    this.#sessions.add(session);
    session.once('close', () => this.#sessions.delete(session));
  }

  // #region servers-close
  /**
   * Stop accepting connections and resolve once every one has ended: idle HTTP/1
   * connections at once, busy ones after their response (the Site asks for that, see
   * `closeIdle`), HTTP/2 sessions after their open streams. What is still open after
   * `graceSeconds` (on the settings' clock) is cut.
   */
  close(graceSeconds: number): Promise<void> {
    return new Promise((resolve) => {
      const grace = this.#clock.callLater(graceSeconds, () => this.#cutAll());
      this.server.close(() => {
        grace.cancel();
        resolve();
      });
      this.closeIdle();
      for (const session of this.#sessions.all()) session.close(); // GOAWAY: finish what is open, start nothing new
    });
  }

  /** Close the HTTP/1 connections that wait for a next request. */
  closeIdle(): void {
    this.server.closeIdleConnections();
  }

  #cutAll(): void {
    this.server.closeAllConnections();
    for (const session of this.#sessions.all()) session.destroy();
    for (const tunnel of this.#tunnels) tunnel.destroy();
  }
  // #endregion servers-close
}

/**
 * The HTTP/2 sessions of an endpoint, each sent GOAWAY once it has carried nothing for
 * the idle timeout; one still open and still silent after another idle timeout is cut.
 * A sweep every second (a quarter of a short timeout) compares each session's byte
 * counts with what it saw last time. Node's own session timeout
 * (`http2Server.setTimeout`) would do this by refreshing a timer on every frame read or
 * written, several times a request: about 3 % of an HTTP/2 hello's CPU in the bench,
 * for a limit that only matters on the rare connection that goes quiet.
 */
class IdleSessions {
  readonly #seen = new Map<ServerHttp2Session, { bytes: number; quietSweeps: number }>();
  readonly #clock: ServerClock;
  /** Seconds between sweeps. */
  readonly #interval: number;
  readonly #sweepsToIdle: number;
  #sweeper: { cancel(): void } | null = null;

  /** `idleTimeout` in milliseconds (0 never closes a session for being idle); the sweeps run on `clock`, whose calls keep no process alive. */
  constructor(idleTimeout: number, clock: ServerClock) {
    this.#clock = clock;
    const interval = Math.max(10, Math.min(1000, idleTimeout / 4));
    this.#interval = interval / 1000;
    this.#sweepsToIdle = idleTimeout > 0 ? Math.ceil(idleTimeout / interval) : Infinity;
  }

  add(session: ServerHttp2Session): void {
    this.#seen.set(session, { bytes: -1, quietSweeps: 0 });
    if (this.#sweeper === null && this.#sweepsToIdle !== Infinity) this.#schedule();
  }

  delete(session: ServerHttp2Session): void {
    this.#seen.delete(session);
    if (this.#seen.size === 0 && this.#sweeper !== null) {
      this.#sweeper.cancel(); // no sessions, no wake-ups
      this.#sweeper = null;
    }
  }

  #schedule(): void {
    this.#sweeper = this.#clock.callLater(this.#interval, () => {
      this.#sweep();
      if (this.#seen.size > 0) this.#schedule();
      else this.#sweeper = null;
    });
  }

  all(): IterableIterator<ServerHttp2Session> {
    return this.#seen.keys();
  }

  #sweep(): void {
    for (const [session, seen] of this.#seen) {
      // A destroyed session leaves at its 'close'; until then its socket may be unbound,
      // and reading through Node's socket proxy would throw in this timer.
      if (session.destroyed) continue;
      const bytes = session.socket.bytesRead + session.socket.bytesWritten;
      if (bytes !== seen.bytes) {
        seen.bytes = bytes;
        seen.quietSweeps = 0;
      } else if (++seen.quietSweeps >= this.#sweepsToIdle) {
        seen.quietSweeps = 0;
        // GOAWAY first (its own bytes restart the count); cut it if it stays silent.
        if (session.closed) session.destroy();
        else session.close();
      }
    }
  }
}

function tlsServer(endpoint: Extract<Endpoint, { kind: 'ssl' }>, options: object, listeners: RequestListeners): HttpsServer {
  const files = credentials(endpoint);
  try {
    return createHttpsServer({ ...options, ...files, ALPNProtocols: [...ALPN_PROTOCOLS] }, listeners.http1);
  } catch (error) {
    // OpenSSL's words ("key values mismatch", "no start line") say what; this says where.
    throw new LoomError('LOOM_ERR_TLS_CREDENTIALS', `The TLS key ${endpoint.privateKey} and certificate ${endpoint.certKey} cannot be used: ` +
      `${(error as Error).message}. Both must be PEM files, and the certificate must be the key's.`, { cause: error });
  }
}

/** Read the key and certificate files an `ssl:` endpoint names. */
function credentials(endpoint: Extract<Endpoint, { kind: 'ssl' }>): { key: Buffer; cert: Buffer } {
  const key = readPem(endpoint.privateKey, 'private key (privateKey=)');
  const cert = readPem(endpoint.certKey, 'certificate (certKey=)');
  const chain = endpoint.extraCertChain === undefined ? null : readPem(endpoint.extraCertChain, 'certificate chain (extraCertChain=)');
  return { key, cert: chain === null ? cert : Buffer.concat([cert, Buffer.from('\n'), chain]) };
}

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new LoomError('LOOM_ERR_TLS_CREDENTIALS', `Cannot read the TLS ${what} ${path}: ${(error as Error).message}. ` +
      'Make a key and certificate, e.g. openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -subj /CN=localhost', { cause: error });
  }
}
