/**
 * @module
 * CONNECT tunnels: how a forward proxy carries `https://` for its clients.
 *
 * A browser (or `curl -x`) that wants `https://example.com/` through a proxy cannot send
 * it the request: it is encrypted end to end. It asks instead for a tunnel,
 * `CONNECT example.com:443 HTTP/1.1`. The proxy opens a TCP connection to that address,
 * answers `200 Connection Established`, and from then on copies bytes both ways without
 * reading them; the TLS handshake and everything after it pass through. When either side
 * closes, the proxy closes the other. The access log gets one line per tunnel when it
 * ends, with the bytes sent to the client.
 *
 * A proxy that tunnels anywhere is an open relay (spam through port 25, scans of the
 * proxy's own network), so only the ports in `tunnelPorts` may be tunnelled to: 443 by
 * default. Anything else is refused with 403 and a sentence saying why.
 *
 * Twisted has no counterpart: its `proxy.Proxy` fails on CONNECT. Loom differs from many
 * proxies in answering an unreachable target with 502 and a slow one (no connection within
 * the proxy's `timeout`) with 504 before the tunnel opens, as for any proxied request.
 * Left out: tunnels to names a policy forbids (only ports are checked: put a firewall
 * in front for hosts), an idle timeout on open tunnels, and CONNECT over HTTP/2.
 * Tests: `test/proxy/tunnel.test.ts`. Lesson 22 (proxies) introduces the forward proxy.
 */

import { connect, type Socket } from 'node:net';
import { realClock, type Clock, type DelayedCall } from '../clock.ts';
import { LoomError } from '../errors.ts';
import type { TunnelEnd } from '../plumbing/channel.ts';
import { errorPage } from '../pages.ts';
import { render } from '../render.ts';
import type { Request } from '../request.ts';

/** The ports a forward proxy tunnels to unless told otherwise: HTTPS only. */
export const DEFAULT_TUNNEL_PORTS: readonly number[] = [443];

/** Where a CONNECT asks to go. */
export interface TunnelTarget {
  /** A host name or IP address (an IPv6 address without brackets). */
  readonly host: string;
  readonly port: number;
}

const NO_ROUTE = errorPage(502, 'Bad Gateway', 'The proxy could not connect to the address this tunnel was asked for.');
const TOO_SLOW = errorPage(504, 'Gateway Timeout', 'The address this tunnel was asked for did not accept a connection in time.');
const NOT_HERE = errorPage(501, 'Not Implemented', 'This connection cannot carry a tunnel (CONNECT needs a live connection).');

// #region tunnel-target
/**
 * Read a CONNECT target (`example.com:443`, `[::1]:8443`) and check that it may be
 * tunnelled to.
 *
 * @throws LoomError `LOOM_ERR_BAD_REQUEST` (400) when it is not `host:port`;
 *   `LOOM_ERR_TUNNEL_REFUSED` (403) when its port is not one of `allowed`.
 */
export function tunnelTarget(authority: string, allowed: ReadonlySet<number>): TunnelTarget {
  // RFC 9110 §9.3.6: the target of CONNECT is only a host and a port, both required.
  const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(authority);
  const port = match === null ? NaN : Number(match[2]);
  if (match === null || !(port >= 1 && port <= 65535)) {
    throw new LoomError('LOOM_ERR_BAD_REQUEST', `CONNECT needs a host and a port, such as "CONNECT example.com:443", not "${authority}".`, { status: 400 });
  }
  if (!allowed.has(port)) {
    const ports = allowed.size === 0 ? 'opens no tunnels' : `only opens tunnels to port ${[...allowed].join(', ')}`;
    throw new LoomError('LOOM_ERR_TUNNEL_REFUSED', `This proxy ${ports}, so it will not connect to port ${port}: a proxy that tunnels anywhere is an open relay.`, { status: 403 });
  }
  const host = match[1]!.startsWith('[') ? match[1]!.slice(1, -1) : match[1]!;
  return { host, port };
}
// #endregion tunnel-target

// #region tunnel-open
/**
 * Connect to `target` for a CONNECT `request`, then take over the client's connection
 * and join the two. The request is answered with 502 or 504 when the target cannot be
 * reached, and is finished (logged) when the tunnel closes.
 *
 * @param timeout seconds to wait for the connection to the target.
 */
export function openTunnel(request: Request, target: TunnelTarget, timeout: number, clock: Clock | null): void {
  if (request.channel.takeOver === undefined) {
    render(request, NOT_HERE);
    return;
  }
  const upstream = connect({ host: target.host, port: target.port });
  const timer: DelayedCall = (clock ?? request.site?.clock ?? realClock).callLater(timeout, () => refuse(TOO_SLOW));
  function refuse(page: typeof NO_ROUTE): void {
    timer.cancel();
    upstream.destroy();
    if (!request.finished && !request.channel.lost) render(request, page);
  }
  upstream.once('error', (error: Error) => {
    request.site?.logger.warn(`Proxy: could not open a tunnel to ${target.host}:${target.port}: ${error.message}`);
    refuse(NO_ROUTE);
  });
  // The client leaving while we connect: nobody is left to tunnel for.
  request.channel.onClose((lost) => {
    if (lost) refuse(NO_ROUTE);
  });
  upstream.once('connect', () => {
    timer.cancel();
    if (request.finished || request.channel.lost) {
      upstream.destroy();
      return;
    }
    join(request, request.channel.takeOver!(), upstream);
  });
}

/** Answer 200 on the raw connection, then copy both ways until either side goes away. */
function join(request: Request, client: TunnelEnd, upstream: Socket): void {
  request.setResponseCode(200, 'Connection Established');
  client.socket.write(`${request.clientproto} 200 Connection Established\r\n\r\n`);
  if (client.head.length > 0) upstream.write(client.head);
  let toClient = 0;
  upstream.on('data', (chunk: Buffer) => void (toClient += chunk.length));
  client.socket.pipe(upstream);
  upstream.pipe(client.socket);
  // Both sides are closed when either goes (its end, an error, a reset): the tunnel
  // carries one conversation. destroySoon sends what is still buffered first.
  const goAway = (): void => {
    client.socket.destroySoon();
    upstream.destroySoon();
  };
  let open = 2;
  for (const side of [client.socket, upstream]) {
    side.on('error', () => side.destroy()); // 'close' follows
    side.once('end', goAway);
    side.once('close', () => {
      goAway();
      if (--open > 0) return;
      request.sentLength = toClient;
      request.finish();
    });
  }
}
// #endregion tunnel-open
