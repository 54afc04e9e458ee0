/**
 * Clients for loopback tests that must control what is sent: `rawRequest` sends a path
 * exactly as written (fetch would remove dot segments and re-encode it first), and
 * `exchange` / `connect` send raw bytes (pipelining, malformed requests, half-sent
 * bodies). Each resolves on an event (the answer ended, the server closed), never a timer.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import net from 'node:net';

/** What {@link rawRequest} got back. */
export interface RawAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The body as UTF-8. */
  readonly text: string;
}

/**
 * Send one request on a fresh connection with `path` exactly as written (`/../x`,
 * `/%2e%2e/x`): the way an attacker sends it, not the way a browser would.
 */
export function rawRequest(port: number, path: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Send `data` (all at once, or piece by piece) and collect everything until the server closes. */
export function exchange(port: number, data: string | Buffer | readonly (string | Buffer)[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('connect', () => {
      for (const piece of Array.isArray(data) ? data : [data]) socket.write(piece);
    });
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
  });
}

/** Open a connection and hand back the socket plus a way to read until a marker appears. */
export function connect(port: number): Promise<{ socket: net.Socket; readUntil(marker: string): Promise<string>; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let buffered = '';
    let waiting: { marker: string; resolve: (s: string) => void } | null = null;
    const check = () => {
      if (waiting !== null && buffered.includes(waiting.marker)) {
        const w = waiting;
        waiting = null;
        w.resolve(buffered);
      }
    };
    socket.on('data', (d: Buffer) => {
      buffered += d.toString('latin1');
      check();
    });
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    socket.on('error', () => {});
    socket.on('connect', () => resolve({
      socket,
      closed,
      readUntil: (marker) => new Promise((r) => {
        waiting = { marker, resolve: r };
        check();
      }),
    }));
    socket.once('error', reject);
  });
}

/** Split a stream of HTTP responses into their status lines, in order. */
export function statusLines(text: string): string[] {
  return text.split('\r\n').filter((line) => /^HTTP\/1\.[01] \d{3}/.test(line));
}
