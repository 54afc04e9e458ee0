/**
 * @module
 * What a front server tells a personal server about a request, beyond the request
 * itself: four headers, written by `ResourceSubscription` (lib/distrib/subscription.ts)
 * and read back by `ResourcePublisher` (lib/distrib/publisher.ts).
 *
 *     X-Loom-Prepath: /~alice.loom          the segments the front walked
 *     X-Loom-Postpath: /notes/first         the segments left for the personal site
 *     X-Loom-Client: IPv4 203.0.113.7 51234 who sent the request to the front
 *     X-Loom-Host: IPv4 127.0.0.1 8080      where the front received it, and
 *     X-Loom-Secure: 0                      whether that was over TLS
 *
 * Paths are written a segment at a time, each percent-encoded and preceded by `/`, so
 * `[]` is the empty string, `['']` is `/` and a segment holding `/` survives. Addresses
 * are the family, the percent-encoded host and the port.
 *
 * Twisted counterpart: the copy of `server.Request` that `distrib.ResourceSubscription`
 * sends over Perspective Broker (`prepath`, `postpath`, `client`, `host`, `isSecure`).
 * Loom differs: the request travels as HTTP over the socket, so what HTTP does not carry
 * goes in these headers; the method, target, headers and body are the request's own.
 * Tests: `test/distrib/wire.test.ts`. Lesson 30 teaches it.
 */

import type { Address } from '../plumbing/channel.ts';

/** The headers, lower-cased as `Headers` keys them. */
export const DISTRIB_HEADERS = {
  prepath: 'x-loom-prepath',
  postpath: 'x-loom-postpath',
  client: 'x-loom-client',
  host: 'x-loom-host',
  secure: 'x-loom-secure',
} as const;

/** Every distrib header name, for dropping what a client sent under those names. */
export const DISTRIB_HEADER_NAMES: ReadonlySet<string> = new Set(Object.values(DISTRIB_HEADERS));

/** What the personal server restores: the front's view of the request. */
export interface FrontView {
  readonly prepath: string[];
  readonly postpath: string[];
  readonly client: Address;
  readonly host: Address;
  readonly secure: boolean;
}

// #region distrib-wire
/** `['~alice.loom', 'a b']` → `/~alice.loom/a%20b`; `[]` → ``. */
export function encodeSegments(segments: readonly string[]): string {
  let out = '';
  for (const segment of segments) out += `/${encodeURIComponent(segment)}`;
  return out;
}

/** The inverse of {@link encodeSegments}; null for text it could not have written. */
export function decodeSegments(text: string): string[] | null {
  if (text === '') return [];
  if (!text.startsWith('/')) return null;
  try {
    return text.slice(1).split('/').map(decodeURIComponent);
  } catch {
    return null; // a stray % that is not an escape
  }
}

/** `{ type: 'IPv4', host: '203.0.113.7', port: 51234 }` → `IPv4 203.0.113.7 51234`. */
export function encodeAddress(address: Address): string {
  return `${address.type} ${encodeURIComponent(address.host)} ${address.port}`;
}

/** The inverse of {@link encodeAddress}; null for text it could not have written. */
export function decodeAddress(text: string): Address | null {
  const match = /^(IPv4|IPv6|UNIX) (\S*) (\d{1,5})$/.exec(text);
  if (match === null) return null;
  try {
    return { type: match[1] as Address['type'], host: decodeURIComponent(match[2]!), port: Number(match[3]) };
  } catch {
    return null;
  }
}
// #endregion distrib-wire

/** The headers for `view`, as a flat `[name, value, …]` list to append to a request. */
export function frontViewHeaders(view: FrontView): string[] {
  return [
    'X-Loom-Prepath', encodeSegments(view.prepath),
    'X-Loom-Postpath', encodeSegments(view.postpath),
    'X-Loom-Client', encodeAddress(view.client),
    'X-Loom-Host', encodeAddress(view.host),
    'X-Loom-Secure', view.secure ? '1' : '0',
  ];
}

/**
 * The front's view, read back from the headers `get` returns (a request's last value of
 * each), or null when any is missing or malformed: then the request did not come from a
 * front server and is served as it is.
 */
export function readFrontView(get: (name: string) => string | undefined): FrontView | null {
  const prepath = decodeSegments(get(DISTRIB_HEADERS.prepath) ?? '\0');
  const postpath = decodeSegments(get(DISTRIB_HEADERS.postpath) ?? '\0');
  const client = decodeAddress(get(DISTRIB_HEADERS.client) ?? '');
  const host = decodeAddress(get(DISTRIB_HEADERS.host) ?? '');
  const secure = get(DISTRIB_HEADERS.secure);
  if (prepath === null || postpath === null || client === null || host === null || (secure !== '0' && secure !== '1')) return null;
  return { prepath, postpath, client, host, secure: secure === '1' };
}
