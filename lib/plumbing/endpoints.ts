/**
 * @module
 * Endpoint strings: one line of text that says where a server listens.
 *
 * `tcp:8080:interface=127.0.0.1` listens on TCP port 8080 of the loopback interface;
 * `ssl:8443:privateKey=key.pem:certKey=cert.pem` on a TLS port (the Site offers HTTP/2
 * and HTTP/1.1 there); `unix:/tmp/loom.sock:mode=660:lockfile=1` on a UNIX socket. A
 * plain number is short for `tcp:NUMBER`. Port 0 asks the system for a free port, which
 * tests use. A colon inside a value is written `\:` (an IPv6 interface:
 * `tcp:8080:interface=\:\:1`).
 *
 * Twisted counterpart: `twisted.internet.endpoints.serverFromString` with the `tcp`,
 * `ssl` and `unix` parsers (`port`, `interface`, `backlog`; `privateKey`, `certKey`,
 * `extraCertChain`; `address`, `mode`, `lockfile`). Loom differs: a busy port is
 * reported with the port in the message; a UNIX socket left behind by a server that
 * died is removed and listened on again, while one that a live server answers on is
 * refused (Twisted refuses both unless `lockfile=1`; see lib/plumbing/unix-socket.ts);
 * `ssl:` has no `sslmethod` or `dhParameters`, since Node's defaults (TLS 1.2 and 1.3,
 * ECDHE) are what those were for; the accept queue defaults to {@link DEFAULT_BACKLOG}
 * connections (Twisted's is 50, Node's 511).
 * Tests: `test/plumbing/endpoints.test.ts`, `test/plumbing/unix-socket.test.ts`.
 */

import type { ListenOptions, Server } from 'node:net';
import { LoomError } from '../errors.ts';
import type { Address } from './channel.ts';
import { applySocketMode, claimUnixSocket, type UnixSocketClaim } from './unix-socket.ts';

/** The key (and certificate) file an `ssl:` endpoint uses when it names none: Twisted's default. */
export const DEFAULT_TLS_KEY_FILE = 'server.pem';

/**
 * How many connections the kernel may queue, not yet accepted, when the endpoint string
 * has no `backlog=N`. Node's own default of 511 overflowed when 1000 clients connected
 * at once (the kernel dropped SYNs and clients waited seconds to retry). 4096 is Linux's
 * `net.core.somaxconn` since 5.4; a kernel with a lower limit quietly uses its own.
 */
export const DEFAULT_BACKLOG = 4096;

/** A parsed endpoint; `backlog` undefined means {@link DEFAULT_BACKLOG}. */
export type Endpoint =
  | { readonly kind: 'tcp'; readonly port: number; readonly interface: string | undefined; readonly backlog: number | undefined }
  | {
    readonly kind: 'ssl'; readonly port: number; readonly interface: string | undefined; readonly backlog: number | undefined;
    /** The PEM file holding the private key. */
    readonly privateKey: string;
    /** The PEM file holding the certificate (the key's file when not given, as in Twisted). */
    readonly certKey: string;
    /** A PEM file of intermediate certificates sent after the server's own. */
    readonly extraCertChain: string | undefined;
  }
  | {
    readonly kind: 'unix'; readonly path: string; readonly mode: number | undefined; readonly backlog: number | undefined;
    /** Hold `PATH.lock` while listening, so two servers never fight over the socket. */
    readonly lockfile: boolean;
  };

// #region endpoints-parse
/**
 * Parse an endpoint string.
 * @throws LoomError `LOOM_ERR_BAD_ENDPOINT` with a message that shows a valid example.
 */
export function parseEndpoint(description: string): Endpoint {
  const text = description.trim();
  if (/^\d+$/.test(text)) return tcp(text, {}, description);
  const [kind, ...rest] = splitEscaped(text);
  const positional: string[] = [];
  const params: Record<string, string> = Object.create(null);
  for (const part of rest) {
    const eq = part.indexOf('=');
    if (eq < 0) positional.push(part);
    else params[part.slice(0, eq)] = part.slice(eq + 1);
  }
  switch (kind) {
    case 'tcp':
      return tcp(params.port ?? positional[0], params, description);
    case 'unix': {
      const path = params.address ?? positional[0];
      if (path === undefined || path === '') throw bad(description, 'a unix endpoint needs a socket path, e.g. "unix:/tmp/loom.sock"');
      return {
        kind: 'unix', path, mode: optionalInt(params.mode, 8, description, 'mode'), backlog: optionalInt(params.backlog, 10, description, 'backlog'),
        lockfile: flag(params.lockfile, description, 'lockfile'),
      };
    }
    case 'ssl':
      return ssl(params.port ?? positional[0], params, description);
    default:
      throw bad(description, `"${kind ?? ''}" is not an endpoint kind Loom knows; use "tcp:PORT[:interface=ADDRESS]", "ssl:PORT:privateKey=KEY.pem:certKey=CERT.pem" or "unix:PATH"`);
  }
}
// #endregion endpoints-parse

/** Write an endpoint back as a string (the inverse of {@link parseEndpoint}). */
export function formatEndpoint(endpoint: Endpoint): string {
  if (endpoint.kind === 'unix') return `unix:${escape(endpoint.path)}${endpoint.lockfile ? ':lockfile=1' : ''}`;
  const iface = endpoint.interface === undefined ? '' : `:interface=${escape(endpoint.interface)}`;
  if (endpoint.kind === 'tcp') return `tcp:${endpoint.port}${iface}`;
  const cert = endpoint.certKey === endpoint.privateKey ? '' : `:certKey=${escape(endpoint.certKey)}`;
  const chain = endpoint.extraCertChain === undefined ? '' : `:extraCertChain=${escape(endpoint.extraCertChain)}`;
  return `ssl:${endpoint.port}:privateKey=${escape(endpoint.privateKey)}${cert}${chain}${iface}`;
}

// #region endpoints-listen
/**
 * Make `server` listen on `endpoint` and resolve with the address it got. An `ssl:`
 * endpoint listens as `tcp:` does: the TLS is the server's (lib/plumbing/servers.ts).
 * A `unix:` path is claimed first (lib/plumbing/unix-socket.ts) and given its `mode`.
 * @throws LoomError `LOOM_ERR_ADDRESS_IN_USE` naming the port or path when it is taken,
 * `LOOM_ERR_LISTEN_FAILED` for anything else.
 */
export async function listenOn(server: Server, endpoint: Endpoint): Promise<Address> {
  if (endpoint.kind !== 'unix') {
    await listening(server, { port: endpoint.port, host: endpoint.interface, backlog: endpoint.backlog ?? DEFAULT_BACKLOG }, endpoint);
    return boundAddress(server, endpoint);
  }
  const claim: UnixSocketClaim = await claimUnixSocket(endpoint.path, endpoint.lockfile);
  try {
    await listening(server, { path: endpoint.path, backlog: endpoint.backlog ?? DEFAULT_BACKLOG }, endpoint);
    applySocketMode(endpoint.path, endpoint.mode);
  } catch (error) {
    claim.release();
    throw error;
  }
  server.once('close', () => claim.release());
  return boundAddress(server, endpoint);
}

function listening(server: Server, options: ListenOptions, endpoint: Endpoint): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => reject(listenError(error, endpoint));
    server.once('error', onError);
    server.listen(options, () => {
      server.removeListener('error', onError);
      resolve();
    });
  });
}
// #endregion endpoints-listen

function listenError(error: NodeJS.ErrnoException, endpoint: Endpoint): LoomError {
  const where = endpoint.kind === 'unix'
    ? `socket ${endpoint.path}`
    : `port ${endpoint.port}${endpoint.interface === undefined ? '' : ` on ${endpoint.interface}`}`;
  if (error.code === 'EADDRINUSE') {
    // A unix path was claimed just before listening: only a server that started since can hold it.
    const advice = endpoint.kind === 'unix' ? 'Another server started on it at the same moment; use lockfile=1 to rule that out' : 'Stop the other server or choose another port';
    return new LoomError('LOOM_ERR_ADDRESS_IN_USE', `Cannot listen on ${where}: it is already in use. ${advice}.`, { cause: error });
  }
  const why = error.code === 'EACCES' ? 'permission denied (ports below 1024 need privileges)' : error.message;
  return new LoomError('LOOM_ERR_LISTEN_FAILED', `Cannot listen on ${where}: ${why}.`, { cause: error });
}

function boundAddress(server: Server, endpoint: Endpoint): Address {
  const a = server.address();
  if (a === null || typeof a === 'string') return { type: 'UNIX', host: endpoint.kind === 'unix' ? endpoint.path : String(a), port: 0 };
  return { type: a.family === 'IPv6' ? 'IPv6' : 'IPv4', host: a.address, port: a.port };
}

function tcp(port: string | undefined, params: Record<string, string>, description: string): Endpoint {
  if (port === undefined || !/^\d+$/.test(port) || Number(port) > 65535) {
    throw bad(description, 'a tcp endpoint needs a port from 0 to 65535, e.g. "tcp:8080:interface=127.0.0.1"');
  }
  return { kind: 'tcp', port: Number(port), interface: params.interface, backlog: optionalInt(params.backlog, 10, description, 'backlog') };
}

function ssl(port: string | undefined, params: Record<string, string>, description: string): Endpoint {
  if (port === undefined || !/^\d+$/.test(port) || Number(port) > 65535) {
    throw bad(description, 'an ssl endpoint needs a port from 0 to 65535, e.g. "ssl:8443:privateKey=key.pem:certKey=cert.pem"');
  }
  const privateKey = params.privateKey ?? DEFAULT_TLS_KEY_FILE;
  return {
    kind: 'ssl', port: Number(port), interface: params.interface, backlog: optionalInt(params.backlog, 10, description, 'backlog'),
    privateKey, certKey: params.certKey ?? privateKey, extraCertChain: params.extraCertChain,
  };
}

function flag(value: string | undefined, description: string, name: string): boolean {
  if (value === undefined || value === '0') return false;
  if (value === '1') return true;
  throw bad(description, `${name} must be 0 or 1, got "${value}"`);
}

function escape(value: string): string {
  return value.replace(/:/g, '\\:');
}

function optionalInt(value: string | undefined, radix: number, description: string, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = parseInt(value, radix);
  if (Number.isNaN(n)) throw bad(description, `${name} must be a number, got "${value}"`);
  return n;
}

/** Split on `:` except where it is escaped as `\:`. */
function splitEscaped(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\' && i + 1 < text.length) current += text[++i];
    else if (text[i] === ':') {
      parts.push(current);
      current = '';
    } else current += text[i];
  }
  parts.push(current);
  return parts;
}

function bad(description: string, why: string): LoomError {
  return new LoomError('LOOM_ERR_BAD_ENDPOINT', `Bad endpoint "${description}": ${why}.`);
}
