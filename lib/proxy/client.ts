/**
 * @module
 * The client half of a proxy: a request passed on to an upstream server, and the
 * upstream's answer copied back to the client as it arrives.
 *
 * A `ProxyClientFactory` holds what every forwarded request shares: a `node:http`
 * Agent that keeps upstream connections open between requests, the timeout, and whether
 * to add `X-Forwarded-*` headers. Its `forward(request, target)` starts one exchange: the
 * request's method, headers and body go upstream, and the upstream's status, reason,
 * headers and body come back through `request.write()` as they arrive. `ReverseProxyResource`
 * and `ForwardProxyResource` (`lib/proxy/resource.ts`) are built on it.
 *
 * Twisted counterpart: `twisted.web.proxy.ProxyClientFactory` and `ProxyClient`.
 * Loom differs:
 * - one factory serves a whole resource tree and speaks HTTP/1.1 over kept-alive
 *   connections, because a new TCP connection per request (Twisted's HTTP/1.0 with
 *   `Connection: close`) costs a handshake per request and is the slowest part of proxying;
 * - hop-by-hop headers (`Connection` and the names it lists, `Keep-Alive`,
 *   `Proxy-Connection`, `TE`, `Trailer`, `Transfer-Encoding`, `Upgrade`) are dropped in
 *   both directions, as RFC 9110 §7.6.1 requires (Twisted only rewrites `Connection`
 *   and drops `Proxy-Connection`);
 * - every value of a repeated request header goes upstream, where Twisted's
 *   `getAllHeaders()` keeps only the last;
 * - `X-Forwarded-For`, `-Host` and `-Proto` can be added (Twisted adds none), because
 *   without them the upstream sees every request coming from the proxy;
 * - an upstream that cannot be reached gets 502 Bad Gateway, where Twisted says 501
 *   "Gateway error": 501 means the server does not support the method, 502 is the code
 *   RFC 9110 §15.6.3 gives a gateway whose upstream failed;
 * - an upstream that does not answer within `timeout` seconds gets 504 Gateway Timeout,
 *   and one that stalls mid-body is cut off (Twisted waits forever);
 * - a client that goes away aborts the upstream request (Twisted lets it run to the end);
 * - an upstream answer without `Content-Type` is passed on without one, because a
 *   proxy should not invent a type (Twisted adds `text/html`);
 * - a GET (or another idempotent request) whose reused connection was closed under it
 *   is sent once more on a fresh one, because an upstream may close an idle connection
 *   just as the proxy picks it up.
 * Left out: the request body is not streamed upstream as it arrives: Loom's Site reads
 * the whole body before traversal (`request.content`), so it is sent from there, as
 * Twisted does. Also left out: HTTPS upstreams, `Via`, trailers, protocol upgrades
 * (WebSocket), and rewriting the upstream's own URLs in `Location` (nginx's
 * `proxy_redirect`); as in Twisted, a server behind the proxy builds public URLs itself,
 * with `VHostMonsterResource` (lib/vhost.ts).
 * Tests: `test/proxy/client.test.ts`. Lesson 22 (proxies) teaches it.
 */

import { Agent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { realClock, type Clock, type DelayedCall } from '../clock.ts';
import { LoomError } from '../errors.ts';
import type { Content } from '../plumbing/content.ts';
import { errorPage } from '../pages.ts';
import { render } from '../render.ts';
import type { Request } from '../request.ts';
import { copyResponseHead, upstreamHeaders } from './headers.ts';

/** Seconds to wait for an upstream answer before giving up with 504. */
export const DEFAULT_PROXY_TIMEOUT = 60;

/** Options for a {@link ProxyClientFactory} (and so for the proxy resources). */
export interface ProxyClientOptions {
  /**
   * The `node:http` Agent upstream connections come from. An Agent you pass is yours to
   * destroy. @default a keep-alive Agent made by the factory, destroyed by `close()`
   */
  agent?: Agent;
  /**
   * Seconds to wait for the upstream to start answering (then 504), and between two
   * pieces of its body (then the client's connection is cut). @default 60
   */
  timeout?: number;
  /**
   * Add `X-Forwarded-For` (the client's address appended), `X-Forwarded-Host` and
   * `X-Forwarded-Proto` to each request sent upstream. @default true for a reverse
   * proxy, false for a forward proxy
   */
  xForwarded?: boolean;
  /** Where time comes from, for the timeout. @default the Site's clock */
  clock?: Clock;
}

/** Where one request goes: the upstream's address, the Host header to send, the target. */
export interface UpstreamTarget {
  /** The upstream's host name or IP address (an IPv6 address without brackets). */
  readonly host: string;
  /** The upstream's TCP port. */
  readonly port: number;
  /**
   * A UNIX socket to connect to instead of `host`:`port`, which then only name the
   * upstream in messages. A personal server (lib/distrib/) is reached this way.
   */
  readonly socketPath?: string;
  /** The `Host` header value: `host`, plus `:port` unless the port is 80. */
  readonly hostHeader: string;
  /** The request target: path and query, e.g. `/echo?x=1`. */
  readonly path: string;
}

/** Methods that may safely be sent twice (RFC 9110 §9.2.2), so may be retried. */
const IDEMPOTENT: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/** TCP keep-alive probes on idle upstream connections start after this long (Node's default). */
const TCP_KEEPALIVE_MS = 1000;

/** A spooled body goes upstream in pieces of this size. */
const BODY_CHUNK = 64 * 1024;

/**
 * What a proxy's requests share: the connection pool, the timeout and the
 * `X-Forwarded-*` choice. Twisted makes a `ProxyClientFactory` per request; Loom makes
 * one per proxy, so that its Agent can keep upstream connections alive.
 *
 * @example
 * const factory = new ProxyClientFactory({ timeout: 10 });
 * const root = new ReverseProxyResource('127.0.0.1', 8080, '', factory);
 * // … on shutdown, after site.close():
 * await factory.close();
 */
export class ProxyClientFactory {
  /** Where upstream connections come from (and go back to, between requests). */
  readonly agent: Agent;
  /** Seconds; see {@link ProxyClientOptions.timeout}. */
  readonly timeout: number;
  /** Whether requests sent upstream get `X-Forwarded-For`, `-Host` and `-Proto`. */
  readonly xForwarded: boolean;
  /** `null`: use the clock of the request's Site. */
  readonly clock: Clock | null;
  readonly #ownsAgent: boolean;

  /**
   * @param defaultXForwarded what `xForwarded` means when the options leave it out.
   * @throws LoomError `LOOM_ERR_INVALID_ARGUMENT` for a timeout that is not a positive number.
   */
  constructor(options: ProxyClientOptions = {}, defaultXForwarded = true) {
    const timeout = options.timeout ?? DEFAULT_PROXY_TIMEOUT;
    if (!(timeout > 0) || !Number.isFinite(timeout)) {
      throw new LoomError('LOOM_ERR_INVALID_ARGUMENT', `The proxy timeout is in seconds and must be a positive number, got ${String(options.timeout)}.`);
    }
    this.#ownsAgent = options.agent === undefined;
    this.agent = options.agent ?? new KeepAliveAgent();
    this.timeout = timeout;
    this.xForwarded = options.xForwarded ?? defaultXForwarded;
    this.clock = options.clock ?? null;
  }

  /**
   * Send `request` to `target` and answer it with whatever comes back. The caller's
   * render method returns `NOT_DONE_YET`: the answer is written later.
   *
   * @param headers the flat `[name, value, …]` list to send upstream, when the caller
   *   builds its own (lib/distrib/ adds what a personal server must know). @default the
   *   request's headers as {@link upstreamHeaders} rewrites them for `target`
   */
  forward(request: Request, target: UpstreamTarget, headers?: string[]): void {
    new ProxyClient(this, request, target, headers ?? upstreamHeaders(request, target.hostHeader, this.xForwarded)).send();
  }

  /** Close the upstream connections, if the Agent is the factory's own. Call it after `site.close()`. */
  close(): Promise<void> {
    if (this.#ownsAgent) this.agent.destroy();
    return Promise.resolve();
  }
}

/**
 * Node's keep-alive Agent, made cheaper per request. Its `keepSocketAlive` runs each time
 * a connection goes back to the pool and reads the response's `Keep-Alive` header, which
 * makes Node build the whole `headers` object of every response, only to shorten an
 * Agent `timeout` this Agent does not set. A connection the upstream closes while idle
 * leaves the pool by itself; one it closes just as it is reused is what the retry of
 * idempotent requests covers.
 */
class KeepAliveAgent extends Agent {
  constructor() {
    // LIFO hands out the connection used last, so in a quiet period the others idle out
    // instead of all being kept barely alive.
    super({ keepAlive: true, scheduling: 'lifo' });
  }

  override keepSocketAlive(socket: Duplex): boolean {
    if (socket instanceof Socket) {
      socket.setKeepAlive(true, TCP_KEEPALIVE_MS); // Node skips the system call when nothing changes
      socket.unref(); // an idle pooled connection must not keep the process alive
    }
    return true;
  }
}

/** Where an exchange is: waiting for the upstream's head, copying its body, or over. */
type Phase = 'waiting' | 'streaming' | 'done';

// #region proxy-client
/** One request passed upstream and its answer passed back. Twisted's `ProxyClient`. */
class ProxyClient {
  readonly #factory: ProxyClientFactory;
  readonly #request: Request;
  readonly #target: UpstreamTarget;
  readonly #headers: string[];
  readonly #clock: Clock;
  #upstream: ClientRequest | null = null;
  #timer: DelayedCall | null = null;
  /** When the upstream last sent something (the clock's seconds), once it has answered. */
  #lastHeard = 0;
  #phase: Phase = 'waiting';
  #timedOut = false;
  #retried = false;

  constructor(factory: ProxyClientFactory, request: Request, target: UpstreamTarget, headers: string[]) {
    this.#factory = factory;
    this.#request = request;
    this.#target = target;
    this.#headers = headers;
    this.#clock = factory.clock ?? request.site?.clock ?? realClock;
  }

  /** Open the upstream request, start the clock, watch for the client leaving, send the body. */
  send(): void {
    const target = this.#target;
    const request = this.#request;
    const agent = this.#factory.agent;
    // Two literals of fixed shape, not one built by spreading a conditional part: that
    // object made every upstream request about 10 % slower (bisected to 6a87d68; see
    // docs/guide/performance.md).
    const upstream = target.socketPath === undefined
      ? httpRequest({ host: target.host, port: target.port, method: request.method, path: target.path, headers: this.#headers, agent, setHost: false })
      : httpRequest({ socketPath: target.socketPath, method: request.method, path: target.path, headers: this.#headers, agent, setHost: false });
    this.#upstream = upstream;
    upstream.on('response', (response: IncomingMessage) => this.#onResponse(response));
    upstream.on('error', (error: Error) => this.#onError(error));
    if (this.#timer === null) {
      this.#timer = this.#clock.callLater(this.#factory.timeout, () => this.#onTimeout());
      // The client leaving aborts the upstream request: nobody is left to read the answer.
      // (`request.signal` says the same, but costs an AbortController per request.)
      this.#request.channel.onClose((lost) => {
        if (lost) this.#fail(() => {});
      });
    }
    sendBody(upstream, this.#request);
  }

  /** The upstream's status and headers arrived: copy them, then copy the body as it comes. */
  #onResponse(response: IncomingMessage): void {
    if (this.#phase !== 'waiting') return;
    this.#phase = 'streaming';
    this.#lastHeard = this.#clock.seconds();
    copyResponseHead(this.#request, response);
    response.on('data', (chunk: Buffer) => this.#onData(response, chunk));
    response.on('end', () => this.#onEnd());
    // An upstream that dies mid-body: the status has gone out, so all that is left is to
    // cut the client's connection, which tells it the answer is incomplete.
    response.on('close', () => {
      if (this.#phase === 'streaming') this.#fail(() => this.#request.loseConnection());
    });
    response.on('error', () => {}); // 'close' follows and handles it.
  }
  // #endregion proxy-client

  #onData(response: IncomingMessage, chunk: Buffer): void {
    this.#lastHeard = this.#clock.seconds();
    // Backpressure: a slow client pauses the upstream instead of filling memory.
    if (!this.#request.write(chunk)) {
      response.pause();
      this.#request.waitForDrain().then(() => response.resume());
    }
  }

  #onEnd(): void {
    if (this.#phase !== 'streaming') return;
    this.#phase = 'done';
    this.#timer?.cancel();
    this.#request.finish();
  }

  // #region proxy-client-errors
  /** No answer from upstream: retry once, or answer 502 (504 after a timeout). */
  #onError(error: Error): void {
    if (this.#phase !== 'waiting') return;
    if (this.#shouldRetry(error)) {
      this.#retried = true;
      this.send();
      return;
    }
    const where = this.#target.socketPath === undefined ? `${this.#target.host}:${this.#target.port}` : `unix:${this.#target.socketPath}`;
    const request = this.#request;
    this.#fail(() => {
      if (this.#timedOut) {
        this.#log(`no answer from upstream ${where} within ${this.#factory.timeout} s`, error);
        render(request, GATEWAY_TIMEOUT);
      } else {
        this.#log(`could not reach upstream ${where}`, error);
        render(request, BAD_GATEWAY);
      }
    });
  }

  /**
   * A kept-alive connection the upstream closed just as it was reused fails before any
   * answer; an idempotent request can safely go again on a new connection (Node's docs
   * recommend this, and nginx does the same).
   */
  #shouldRetry(error: Error): boolean {
    return !this.#retried && !this.#timedOut && this.#upstream?.reusedSocket === true &&
      (error as NodeJS.ErrnoException).code === 'ECONNRESET' && IDEMPOTENT.has(this.#request.method);
  }

  /**
   * The timer was set once, for `timeout` after the start. Moving it at every piece of
   * the body would cost two timer operations per piece, so instead it checks, when it
   * fires, how long the upstream has really been silent, and sets itself for the rest.
   */
  #onTimeout(): void {
    const silent = this.#clock.seconds() - this.#lastHeard;
    if (this.#phase === 'streaming' && silent < this.#factory.timeout) {
      this.#timer = this.#clock.callLater(this.#factory.timeout - silent, () => this.#onTimeout());
      return;
    }
    this.#timedOut = true;
    if (this.#phase === 'waiting') this.#upstream?.destroy(new LoomError('LOOM_ERR_UPSTREAM', 'The upstream server did not answer in time.'));
    else this.#fail(() => this.#request.loseConnection());
  }

  /** End the exchange once: stop the clock, drop the upstream connection, then `answer`. */
  #fail(answer: () => void): void {
    if (this.#phase === 'done') return;
    this.#phase = 'done';
    this.#timer?.cancel();
    this.#upstream?.destroy();
    if (!this.#request.channel.lost && !this.#request.finished) answer();
  }
  // #endregion proxy-client-errors

  #log(what: string, error: Error): void {
    const request = this.#request;
    request.site?.logger.warn(`Proxy: ${what} for ${request.method} ${request.uri}: ${error.message}`);
  }
}

/** Send the body: none, in one piece from memory, or a piece at a time from its temporary file. */
function sendBody(upstream: ClientRequest, request: Request): void {
  // A request that declared no body has none: do not make an empty Content to find out.
  const headers = request.requestHeaders;
  if (!headers.hasHeader('content-length') && !headers.hasHeader('transfer-encoding')) {
    upstream.end();
    return;
  }
  const content = request.content;
  if (content.length === 0) upstream.end();
  else if (!content.spooled) upstream.end(content.bytes());
  else {
    content.seek(0);
    writeSpooled(upstream, content);
  }
}

function writeSpooled(upstream: ClientRequest, content: Content): void {
  for (;;) {
    const piece = content.read(BODY_CHUNK);
    if (piece.length === 0) {
      upstream.end();
      return;
    }
    if (!upstream.write(piece)) {
      upstream.once('drain', () => writeSpooled(upstream, content));
      return;
    }
  }
}

// The proxy's own answers when the upstream fails: rendered once, sent as any page is.
const BAD_GATEWAY = errorPage(502, 'Bad Gateway', 'The server behind this one could not be reached. Try again later.');
const GATEWAY_TIMEOUT = errorPage(504, 'Gateway Timeout', 'The server behind this one did not answer in time. Try again later.');
