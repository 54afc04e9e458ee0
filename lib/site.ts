/**
 * @module
 * The Site: a resource tree made into a web server.
 *
 * A Site holds the root resource and the server-wide settings (clock, logger, access
 * log, body limits, tracebacks). For each request Node parses, it reads the body, makes
 * a `Request`, walks the tree from the root (`getChildForRequest`) and renders the
 * resource it arrives at. `listen()` puts it on one or more endpoints (on `ssl:` ones
 * it speaks HTTP/2 and HTTP/1.1, see lib/plumbing/servers.ts); `close()` stops
 * accepting, lets requests in flight finish within `closeGrace`, and closes the log.
 *
 * Twisted counterpart: `twisted.web.server.Site` (with `HTTPFactory` and the parts of
 * `server.Request.process` that belong to the server). Loom differs:
 * - HTTP parsing, keep-alive and pipelining are Node's (`node:http`), and so is HTTP/2
 *   (`node:http2`), offered by ALPN on every TLS endpoint;
 * - a body cap (`maxBodySize`, 413) and an `Expect: 100-continue` that is refused with
 *   413 when the declared body is already too large;
 * - the clock is injected (Twisted's `reactor` argument) and so is the logger;
 * - limits for slow clients (headers, body rate, idle keep-alive, response start; see
 *   lib/timeouts.ts) where Twisted has one idle `timeout`, and pages with
 *   `Connection: close` for what Node's parser refuses or a bad Host (lib/http-server.ts).
 * - a CONNECT request is rendered through the tree like any other (Twisted's rule), on
 *   a channel a forward proxy can take the connection from for a tunnel; `close()` cuts
 *   open tunnels after its grace period, since they have no end to wait for.
 * Tests: `test/site.test.ts`, `test/site.loopback.test.ts`. Lesson 20 (request-lifecycle)
 * walks through it.
 */

import { ServerResponse, type IncomingMessage } from 'node:http';
import type { IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import type { Server, Socket } from 'node:net';
import type { Duplex, Readable, Writable } from 'node:stream';
import { AccessLog, type LogFormatter } from './access-log.ts';
import { parseMultipart } from './plumbing/args.ts';
import { ConnectChannel, NodeChannel, type Address, type Channel } from './plumbing/channel.ts';
import { Http2Channel, http2BodyLength, http2Head, unmetExpectation } from './plumbing/http2-channel.ts';
import { realClock, type Clock } from './clock.ts';
import { DEFAULT_MAX_BODY_SIZE, DEFAULT_SPOOL_THRESHOLD, readBody, tooLarge, type Content } from './plumbing/content.ts';
import { LoomError } from './errors.ts';
import { bodyLength, head, hostProblem, serverSettingsFor } from './http-server.ts';
import { parseEndpoint, formatEndpoint, listenOn } from './plumbing/endpoints.ts';
import { consoleLogger, type Logger } from './logger.ts';
import { errorPage } from './pages.ts';
import { processingFailed, render } from './render.ts';
import { EndpointServer, type RequestListeners } from './plumbing/servers.ts';
import { getChildForRequest, type IResource } from './resource.ts';
import { kCloseWithOwner, kNewSession, kPreloadSession, kRequestFinished, kSetForm, kUseClock } from './plumbing/symbols.ts';
import { VERSION } from './plumbing/version.ts';
import { Request, type RequestHead, type RequestOwner } from './request.ts';
import { BodyWatch, ResponseDeadlines, timeoutsFrom, type TimeoutOptions, type Timeouts } from './timeouts.ts';
import type { Tracer } from './trace.ts';
import { statusPhrase } from './plumbing/http.ts';
import {
  MemorySessionStore, Session, defaultSessionFactory, isSessionUid, newSessionUid, sessionCookieName,
  type SessionFactory, type SessionStore,
} from './session/session.ts';

/** Options for a {@link Site}. Every one has a default; the timeouts are described in lib/timeouts.ts. */
export interface SiteOptions extends TimeoutOptions {
  /** Where time comes from. @default realClock */
  clock?: Clock;
  /** Where failures and warnings go. @default consoleLogger */
  logger?: Logger;
  /** Show the stack of a failed render in the 500 page. Never on a public server. @default false */
  displayTracebacks?: boolean;
  /** An access log: a file path (appended to), a stream, or an `AccessLog`. @default none */
  accessLog?: string | Writable | AccessLog | null;
  /** The access log's line format, when `accessLog` is a path or a stream. @default combinedLogFormatter */
  logFormatter?: LogFormatter;
  /** The largest request body accepted, in bytes; larger ones get 413. @default 100 MiB */
  maxBodySize?: number;
  /** Bodies larger than this many bytes are spooled to a temporary file. @default 100000 */
  spoolThreshold?: number;
  /** Seconds an idle keep-alive connection is kept open; an HTTP/2 connection that carries nothing this long is sent GOAWAY. @default 60 (Twisted's) */
  timeout?: number;
  /** Seconds `close()` lets requests in flight run before it cuts their connections. @default 10 */
  closeGrace?: number;
  /** Receives every request's traversal and render steps (see lib/trace). @default none */
  tracer?: Tracer | null;
  /** The `Server` response header. @default `Loom/<version>` */
  serverHeader?: string;
  /** Where sessions live. @default a new MemorySessionStore (in this process) */
  sessionStore?: SessionStore;
  /** Makes each new Session; pass one returning a subclass to change `sessionTimeout`. */
  sessionFactory?: SessionFactory;
}

/** A port the Site is listening on. */
export interface ListeningPort {
  /** The address it got (the real port when 0 was asked for). */
  readonly address: Address;
  /** `http://127.0.0.1:8080/` (`https://` for `ssl:`), or the endpoint itself for UNIX sockets. */
  readonly url: string;
  /** Stop listening on this port (requests in flight finish first). */
  close(): Promise<void>;
}

/** How long `close()` waits for requests in flight before cutting their connections. */
const CLOSE_GRACE_SECONDS = 10;

/** A resource tree served over HTTP. */
export class Site implements RequestOwner {
  /** The root of the resource tree. */
  resource: IResource;
  displayTracebacks: boolean;
  tracer: Tracer | null;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly serverHeader: string;
  readonly maxBodySize: number;
  readonly spoolThreshold: number;
  readonly timeout: number;
  /** Every time limit, `timeout` included (lib/timeouts.ts). */
  readonly timeouts: Timeouts;
  readonly closeGrace: number;
  /** Where this Site's sessions live. */
  readonly sessions: SessionStore;
  readonly #sessionFactory: SessionFactory;
  readonly #accessLog: AccessLog | null;
  readonly #deadlines: ResponseDeadlines;
  readonly #servers = new Set<EndpointServer>();
  /** What closes with this Site: the directory caches its Files watch with (lib/static/directory-cache.ts). */
  readonly #closables = new Set<{ close(): void }>();
  /** Servers that are closing, by the Node server a request's socket names: their connections must not be kept alive. */
  readonly #draining = new Map<Server, EndpointServer>();
  /** Node's request listener, bound once so it can be handed to any `http.Server`. */
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** What every server made by `listen()` calls, made once. */
  readonly #listeners: RequestListeners;

  constructor(resource: IResource, options: SiteOptions = {}) {
    this.resource = resource;
    this.displayTracebacks = options.displayTracebacks ?? false;
    this.tracer = options.tracer ?? null;
    this.clock = options.clock ?? realClock;
    this.logger = options.logger ?? consoleLogger;
    this.serverHeader = options.serverHeader ?? `Loom/${VERSION}`;
    this.maxBodySize = positive(options.maxBodySize, DEFAULT_MAX_BODY_SIZE, 'maxBodySize');
    this.spoolThreshold = positive(options.spoolThreshold, DEFAULT_SPOOL_THRESHOLD, 'spoolThreshold');
    this.timeout = positive(options.timeout, 60, 'timeout');
    this.timeouts = timeoutsFrom(options, this.timeout);
    this.#deadlines = new ResponseDeadlines(this.timeouts.responseTimeout, this.clock, this.logger);
    this.closeGrace = positive(options.closeGrace, CLOSE_GRACE_SECONDS, 'closeGrace');
    this.sessions = options.sessionStore ?? new MemorySessionStore();
    this.#sessionFactory = options.sessionFactory ?? defaultSessionFactory;
    this.sessions.attach(this.clock, this.#sessionFactory, this.logger);
    this.#accessLog = toAccessLog(options.accessLog, options.logFormatter);
    this.#accessLog?.[kUseClock](this.clock, this.logger);
    this.handler = (req, res) => this.#onRequest(req, res);
    this.#listeners = {
      http1: this.handler,
      checkContinue: (req, res) => this.#onCheckContinue(req, res),
      connect: (req, socket, head) => this.#onConnect(req, socket as Socket, head),
      http2: (stream, headers, rawHeaders) => this.#onHttp2Stream(stream, headers, rawHeaders),
    };
  }

  // #region site-get-resource-for
  /** Walk the tree from the root to the resource that answers `request`. */
  getResourceFor(request: Request): IResource {
    request.sitepath = request.prepath.slice();
    return getChildForRequest(this.resource, request, this.tracer);
  }
  // #endregion site-get-resource-for

  // #region site-process
  /**
   * Answer a request whose body has been read: parse a multipart form body, then walk
   * the tree and render. Live requests come here from Node; `lib/testing` sends
   * in-memory ones here too.
   */
  dispatch(request: Request): void {
    this.#deadlines.add(request);
    if (request.method === 'POST' && isMultipart(request.getHeader('content-type'))) {
      parseMultipart(request.getHeader('content-type')!, request.content).then(
        (form) => {
          request[kSetForm](form.fields, form.files);
          this.#withSession(request);
        },
        (error: LoomError) => {
          request.channel.closeAfterResponse(); // Twisted closes the connection after a bad body.
          processingFailed(request, error, null);
        },
      );
      return;
    }
    this.#withSession(request);
  }

  /** Process the request, first loading its session when the store is remote. */
  #withSession(request: Request): void {
    if (this.sessions.remote) this.#preloadSession(request);
    else this.#process(request);
  }

  /** Make a new session with a fresh uid and keep it in the store. Twisted's `makeSession`. */
  makeSession(): Session {
    const session = this[kNewSession]();
    this.sessions.add(session);
    return session;
  }

  /** A new session the store does not keep yet: `request.getSession()` adds it when the response is sent. */
  [kNewSession](): Session {
    return this.#sessionFactory(newSessionUid(), this.sessions, this.clock);
  }

  // #region site-preload-session
  /**
   * For a store outside this process: load the session the cookie names before
   * traversal, so that `request.getSession()` can stay synchronous. A store that cannot
   * be reached gets a 503, not a hang.
   */
  #preloadSession(request: Request): void {
    const uid = request.getCookie(sessionCookieName(request.isSecure(), request.prepath));
    if (uid === undefined || !isSessionUid(uid)) {
      this.#process(request);
      return;
    }
    Promise.resolve(this.sessions.find(uid)).then(
      (session) => {
        request[kPreloadSession](session ?? null);
        this.#process(request);
      },
      (error: unknown) => {
        this.logger.error(`Session store unavailable for ${request.method} ${request.uri}`, error);
        processingFailed(request, new LoomError('LOOM_ERR_SESSION_STORE',
          'The session store is not reachable right now, so this request cannot be answered. Try again in a moment.', { status: 503, cause: error }), null);
      },
    );
  }
  // #endregion site-preload-session

  #process(request: Request): void {
    const tracer = this.tracer;
    if (tracer !== null) {
      tracer.started(request);
      request.channel.onClose((lost) => lost && !request.finished && tracer.lost(request));
    }
    if (request.path === '*') {
      answerStar(request);
      return;
    }
    let resource: IResource;
    try {
      resource = this.getResourceFor(request);
    } catch (error) {
      processingFailed(request, error, null);
      return;
    }
    render(request, resource);
  }
  // #endregion site-process

  /** Called by a resource that holds something to close with the Site (a File's directory cache). */
  [kCloseWithOwner](closable: { close(): void }): void {
    this.#closables.add(closable);
  }

  /** Called by `Request.finish()`: write the access log line and the trace. */
  [kRequestFinished](request: Request): void {
    if (this.#accessLog !== null) this.#accessLog.log(request);
    if (this.tracer !== null) this.tracer.finished(request);
    // While closing, a connection that just finished its response is idle: close it now
    // rather than letting it sit in keep-alive until the grace period cuts it.
    if (this.#draining.size > 0) request.channel.onClose(() => this.#closeIdle());
  }

  // #region site-on-request
  #onRequest(req: IncomingMessage, res: ServerResponse, channel: NodeChannel = new NodeChannel(req, res)): void {
    if (req.httpVersionMajor !== 1) {
      // Node's parser lets "HTTP/2.0" through on an HTTP/1 connection; Twisted refuses it.
      this.#refuse(head(req), channel, new LoomError('LOOM_ERR_BAD_REQUEST', `HTTP/${req.httpVersion} is not a version this server speaks over HTTP/1; use HTTP/1.1.`, { status: 400 }));
      return;
    }
    // HTTP/1.0 connections are never kept alive, as in Twisted.
    if (req.httpVersionMinor === 0) res.shouldKeepAlive = false;
    const hostError = hostProblem(req.rawHeaders, req.httpVersionMinor);
    if (hostError !== null) {
      this.#refuse(head(req), channel, new LoomError('LOOM_ERR_BAD_REQUEST', hostError, { status: 400 }));
      return;
    }
    if (this.#draining.size > 0 && this.#draining.has((req.socket as { server?: Server }).server as Server)) channel.closeAfterResponse();
    this.#receive(req, req.socket, head(req), channel, bodyLength(req.rawHeaders));
  }

  /** An HTTP/2 request: the same path as HTTP/1's, from its own head and channel. */
  #onHttp2Stream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, rawHeaders: string[]): void {
    const requestHead = http2Head(rawHeaders);
    const channel = new Http2Channel(stream);
    const declared = http2BodyLength(stream, headers);
    const unmet = unmetExpectation(stream, headers.expect, declared <= this.maxBodySize);
    if (unmet === null) this.#receive(stream, stream.session!.socket, requestHead, channel, declared);
    else this.#refuse(requestHead, channel, new LoomError('LOOM_ERR_BAD_REQUEST', `This server cannot meet the expectation "${unmet}"; only 100-continue is known.`, { status: 417 }));
  }

  /** Read the body, if any, then make the Request and dispatch it. */
  #receive(body: Readable, socket: { readonly bytesRead: number }, requestHead: RequestHead, channel: Channel, declared: number): void {
    if (declared === 0) {
      // The common case, kept synchronous: no body to wait for.
      this.dispatch(new Request(this, requestHead, channel));
      return;
    }
    if (declared > this.maxBodySize) {
      this.#refuse(requestHead, channel, tooLarge(this.maxBodySize));
      return;
    }
    const watch = new BodyWatch(socket, this.clock, this.timeouts);
    readBody(body, { maxBodySize: this.maxBodySize, spoolThreshold: this.spoolThreshold, signal: watch.signal }).then(
      (content: Content) => {
        watch.stop();
        this.dispatch(new Request(this, requestHead, channel, content));
      },
      (error: unknown) => {
        watch.stop();
        if (error instanceof LoomError) this.#refuse(requestHead, channel, error);
        // Otherwise the client went away mid-body: there is nobody to answer.
      },
    );
  }

  /** `Expect: 100-continue`: refuse a body that is already too large, else ask for it. */
  #onCheckContinue(req: IncomingMessage, res: ServerResponse): void {
    if (bodyLength(req.rawHeaders) > this.maxBodySize) this.#refuse(head(req), new NodeChannel(req, res), tooLarge(this.maxBodySize));
    else {
      res.writeContinue();
      this.handler(req, res);
    }
  }

  /** Answer with the error's status before (or instead of) reading the body, then close. */
  #refuse(requestHead: RequestHead, channel: Channel, error: LoomError): void {
    channel.closeAfterResponse();
    const request = new Request(this, requestHead, channel);
    const status = error.status ?? 400;
    render(request, errorPage(status, statusPhrase(status), error.message));
  }
  // #endregion site-on-request

  // #region site-listen
  /**
   * Listen on an endpoint string: `tcp:8080:interface=127.0.0.1`, `tcp:0` for any free
   * port, `unix:/path/to.sock`.
   * @throws LoomError `LOOM_ERR_BAD_ENDPOINT`, `LOOM_ERR_ADDRESS_IN_USE`, `LOOM_ERR_LISTEN_FAILED`.
   */
  async listen(endpoint: string): Promise<ListeningPort> {
    const parsed = parseEndpoint(endpoint);
    const server = new EndpointServer(parsed, this.#listeners, serverSettingsFor(this));
    const address = await listenOn(server.server, parsed);
    this.#servers.add(server);
    const scheme = server.secure ? 'https' : 'http';
    const url = address.type === 'UNIX' ? formatEndpoint(parsed) : `${scheme}://${urlHost(address)}:${address.port}/`;
    return { address, url, close: () => this.#closeServer(server) };
  }

  /** Stop listening everywhere, let requests in flight finish (up to `closeGrace` seconds), close the access log. */
  async close(): Promise<void> {
    await Promise.all([...this.#servers].map((server) => this.#closeServer(server)));
    this.#deadlines.close();
    for (const closable of this.#closables) closable.close();
    this.#closables.clear();
    await this.sessions.close();
    await this.#accessLog?.close();
  }

  async #closeServer(server: EndpointServer): Promise<void> {
    if (!this.#servers.delete(server)) return;
    this.#draining.set(server.server, server);
    // Stop accepting; idle keep-alive connections close now, busy ones as their
    // responses finish (kRequestFinished), HTTP/2 sessions after their open streams.
    await server.close(this.closeGrace);
    this.#draining.delete(server.server);
  }

  #closeIdle(): void {
    for (const server of this.#draining.values()) server.closeIdle();
  }
  // #endregion site-listen

  // #region site-connect
  /**
   * Node hands a CONNECT request to a 'connect' listener with the bare socket, and with
   * no listener closes the connection unanswered. Give it a response on that socket and
   * a channel that can give the socket up (`ConnectChannel`), then answer it the usual
   * way: a forward proxy that opens tunnels takes the socket over; anything else answers
   * as Twisted does for CONNECT (a plain resource's 501), and the connection closes.
   */
  #onConnect(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket);
    res.on('finish', () => {
      res.detachSocket(socket);
      socket.destroySoon();
    });
    this.#onRequest(req, res, new ConnectChannel(req, res, socket, head));
  }
  // #endregion site-connect
}

/**
 * The host to show in a URL for a listening address. Listening on every interface
 * (`0.0.0.0`, `::`) is not an address a browser can visit, so show `localhost`.
 */
function urlHost(address: Address): string {
  if (address.host === '0.0.0.0' || address.host === '::') return 'localhost';
  return address.type === 'IPv6' ? `[${address.host}]` : address.host;
}

/** `OPTIONS *` gets 200; any other method on `*` gets 405 with `Allow: OPTIONS` (Twisted's rule). */
function answerStar(request: Request): void {
  if (request.method !== 'OPTIONS') {
    request.code = 405;
    request.setHeader('allow', 'OPTIONS');
  }
  request.setHeader('content-length', '0');
  request.finish();
}

function isMultipart(contentType: string | undefined): boolean {
  return contentType !== undefined && contentType.trimStart().toLowerCase().startsWith('multipart/form-data');
}

function toAccessLog(option: SiteOptions['accessLog'], formatter: LogFormatter | undefined): AccessLog | null {
  if (option === undefined || option === null) return null;
  if (option instanceof AccessLog) return option;
  return new AccessLog(option, formatter === undefined ? {} : { formatter });
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new LoomError('LOOM_ERR_INVALID_ARGUMENT', `Site option ${name} must be a positive number, got ${String(value)}.`);
  }
  return value;
}
