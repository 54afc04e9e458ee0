/**
 * @module
 * The front server's half of a spreadable web server: a resource that answers every
 * path below it by passing the request to a personal server listening on a UNIX
 * socket, and copying its answer back.
 *
 * A personal server is a user's own Site (`loom web --personal`), published on
 * `~/.loom-web.sock`. The front server mounts a `ResourceSubscription` for it, usually
 * through `UserDirectory` at `/~alice.loom/`. Each request goes over the socket as
 * HTTP, with the reverse proxy's client (lib/proxy/client.ts), plus four headers
 * (lib/distrib/wire.ts) saying what HTTP cannot: the segments the front walked and has
 * left, the client's address, the front's own address and scheme. The personal server
 * (`ResourcePublisher`, lib/distrib/publisher.ts) puts those back, so its resources see
 * the request as the front did.
 *
 * Twisted counterpart: `twisted.web.distrib.ResourceSubscription`, which copies the
 * request over Perspective Broker. Loom differs:
 * - plain HTTP over the socket, through the same client as `ReverseProxyResource`, so
 *   nothing new is spoken and the personal server is an ordinary Site that `curl
 *   --unix-socket` can talk to;
 * - a personal server that is not running answers 502 at once, and one that does not
 *   answer within `timeout` gets 504 (Twisted writes a str where bytes are needed,
 *   raises, and the client hangs);
 * - the answer streams back as it arrives (Twisted's remote `write` calls do too, in
 *   pieces of at most 640 KiB);
 * - only `socketPath` is taken: a personal server on TCP is a `ReverseProxyResource`.
 * Tests: `test/distrib/subscription.test.ts`. Lesson 30 teaches it.
 */

import { NOT_DONE_YET, Resource, type RenderResult } from '../resource.ts';
import type { Request } from '../request.ts';
import { ProxyClientFactory, type ProxyClientOptions } from '../proxy/client.ts';
import { upstreamHeaders } from '../proxy/headers.ts';
import { DISTRIB_HEADER_NAMES, frontViewHeaders } from './wire.ts';

/** Seconds a personal server has to start answering before the client gets a 504. */
export const DEFAULT_DISTRIB_TIMEOUT = 30;

// #region distrib-subscription
/**
 * Answers every path below it from the personal server on `socketPath`.
 *
 * @example
 * const root = new Resource();
 * root.putChild('alice', new ResourceSubscription('/home/alice/.loom-web.sock'));
 * // GET /alice/notes/ → alice's personal site walks ['notes', ''], with prepath ['alice'].
 */
export class ResourceSubscription extends Resource {
  /** Everything below is the personal server's business. */
  override isLeaf = true;
  /** The UNIX socket the personal server listens on. */
  readonly socketPath: string;
  /** The connection pool and timeout (shared by every subscription of a `UserDirectory`). */
  readonly factory: ProxyClientFactory;

  /**
   * @param options proxy options (`timeout` defaults to {@link DEFAULT_DISTRIB_TIMEOUT}
   *   seconds; `xForwarded` is ignored: the client's address travels in `X-Loom-Client`),
   *   or a factory to share.
   */
  constructor(socketPath: string, options: ProxyClientOptions | ProxyClientFactory = {}) {
    super();
    this.socketPath = socketPath;
    this.factory = options instanceof ProxyClientFactory ? options : new ProxyClientFactory({ timeout: DEFAULT_DISTRIB_TIMEOUT, ...options }, false);
  }

  /** Pass the request on, with the original target and Host, and answer when the personal server does. */
  override render(request: Request): RenderResult {
    const hostHeader = request.getHeader('host') ?? '';
    this.factory.forward(request, { host: 'localhost', port: 0, socketPath: this.socketPath, hostHeader, path: request.uri }, headersFor(request, hostHeader));
    return NOT_DONE_YET;
  }

  /** Close the kept-alive connections to the personal server. Call it after `site.close()`. */
  close(): Promise<void> {
    return this.factory.close();
  }
}

/**
 * The request's headers as a proxy sends them (hop-by-hop ones dropped), less any
 * `X-Loom-*` the client sent, which would let it pose as another address, plus the
 * front's view of the request.
 */
function headersFor(request: Request, hostHeader: string): string[] {
  const copied = upstreamHeaders(request, hostHeader, false);
  const out: string[] = [];
  for (let i = 0; i < copied.length; i += 2) {
    if (!DISTRIB_HEADER_NAMES.has(copied[i]!.toLowerCase())) out.push(copied[i]!, copied[i + 1]!);
  }
  out.push(...frontViewHeaders({
    prepath: request.prepath, postpath: request.postpath,
    client: request.getClientAddress(), host: request.getHost(), secure: request.isSecure(),
  }));
  return out;
}
// #endregion distrib-subscription
