/**
 * @module
 * Endpoint strings: one line of text that says where a server listens.
 *
 * `tcp:8080:interface=127.0.0.1` listens on TCP port 8080 of the loopback interface;
 * `unix:/tmp/loom.sock` on a UNIX socket. A plain number is short for `tcp:NUMBER`.
 * Port 0 asks the system for a free port, which tests use. A colon inside a value is
 * written `\:` (an IPv6 interface: `tcp:8080:interface=\:\:1`).
 *
 * Twisted counterpart: `twisted.internet.endpoints.serverFromString` with the `tcp` and
 * `unix` parsers (`port`, `interface`, `backlog`; `address`, `mode`, `backlog`).
 * Loom differs: `ssl:` is refused with a clear message for now (TLS arrives with the
 * server program), a busy port is reported with the port in the message, and the accept
 * queue defaults to {@link DEFAULT_BACKLOG} connections (Twisted's is 50, Node's 511).
 * Tests: `test/plumbing/endpoints.test.ts`.
 */

import type { Server } from 'node:net';
import { LoomError } from '../errors.ts';
import type { Address } from './channel.ts';

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
  | { readonly kind: 'unix'; readonly path: string; readonly mode: number | undefined; readonly backlog: number | undefined };

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
      return { kind: 'unix', path, mode: optionalInt(params.mode, 8, description, 'mode'), backlog: optionalInt(params.backlog, 10, description, 'backlog') };
    }
    case 'ssl':
      throw bad(description, 'Loom does not serve TLS yet; use a "tcp:" endpoint, or put a TLS-terminating proxy in front');
    default:
      throw bad(description, `"${kind ?? ''}" is not an endpoint kind Loom knows; use "tcp:PORT[:interface=ADDRESS]" or "unix:PATH"`);
  }
}
// #endregion endpoints-parse

/** Write an endpoint back as a string (the inverse of {@link parseEndpoint}). */
export function formatEndpoint(endpoint: Endpoint): string {
  if (endpoint.kind === 'unix') return `unix:${endpoint.path.replace(/:/g, '\\:')}`;
  const iface = endpoint.interface === undefined ? '' : `:interface=${endpoint.interface.replace(/:/g, '\\:')}`;
  return `tcp:${endpoint.port}${iface}`;
}

// #region endpoints-listen
/**
 * Make `server` listen on `endpoint` and resolve with the address it got.
 * @throws LoomError `LOOM_ERR_ADDRESS_IN_USE` naming the port or path when it is taken,
 * `LOOM_ERR_LISTEN_FAILED` for anything else.
 */
export function listenOn(server: Server, endpoint: Endpoint): Promise<Address> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => reject(listenError(error, endpoint));
    server.once('error', onError);
    const done = () => {
      server.removeListener('error', onError);
      resolve(boundAddress(server, endpoint));
    };
    const backlog = endpoint.backlog ?? DEFAULT_BACKLOG;
    if (endpoint.kind === 'tcp') {
      server.listen({ port: endpoint.port, host: endpoint.interface, backlog }, done);
    } else {
      server.listen({ path: endpoint.path, backlog, readableAll: endpoint.mode !== undefined && (endpoint.mode & 0o004) !== 0,
        writableAll: endpoint.mode !== undefined && (endpoint.mode & 0o002) !== 0 }, done);
    }
  });
}
// #endregion endpoints-listen

function listenError(error: NodeJS.ErrnoException, endpoint: Endpoint): LoomError {
  const where = endpoint.kind === 'tcp'
    ? `port ${endpoint.port}${endpoint.interface === undefined ? '' : ` on ${endpoint.interface}`}`
    : `socket ${endpoint.path}`;
  if (error.code === 'EADDRINUSE') {
    const advice = endpoint.kind === 'tcp' ? 'Stop the other server or choose another port' : 'If no server uses it, delete the stale socket file';
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
