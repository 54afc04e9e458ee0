/**
 * The upstream server for the proxy tests: a real `node:http` server on 127.0.0.1:0
 * that records what each request looked like when it arrived (method, target, raw
 * headers, body, and which connection carried it), then lets the test decide the
 * answer. The default answer echoes the request as JSON.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Site, type ListeningPort } from '../../lib/site.ts';
import type { IResource } from '../../lib/resource.ts';
import { FakeClock, memoryLogger, type MemoryLogger } from '../../lib/testing.ts';

/** A request as the upstream received it. */
export interface Seen {
  readonly method: string;
  readonly url: string;
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  /** Which connection carried it: 1 for the first the backend accepted, 2 for the next… */
  readonly connection: number;
  readonly res: ServerResponse;
  readonly req: IncomingMessage;
}

export type Answer = (seen: Seen) => void;

/** The echo answer: 200 with the request as JSON. */
export const echo: Answer = ({ method, url, rawHeaders, body, res }) => {
  const json = JSON.stringify({ method, url, rawHeaders, body: body.toString('utf8') });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
};

export interface Backend {
  readonly port: number;
  /** Every request received, in order. */
  readonly seen: Seen[];
  /** How the next requests are answered (default: `echo`). */
  answer: Answer;
  /** Resolves with the next request to arrive (or the one that already did, unclaimed). */
  nextRequest(): Promise<Seen>;
  /** Answer with `echo` again and forget unclaimed requests (between tests). */
  reset(): void;
  close(): Promise<void>;
}

/** Start a backend on 127.0.0.1:0. */
export async function startBackend(): Promise<Backend> {
  const seen: Seen[] = [];
  const waiting: ((s: Seen) => void)[] = [];
  const unclaimed: Seen[] = [];
  let accepted = 0;
  const sockets = new Set<Socket>();
  const connectionIds = new WeakMap<Socket, number>();
  const backend = {
    port: 0,
    seen,
    answer: echo,
    nextRequest: (): Promise<Seen> => {
      const ready = unclaimed.shift();
      return ready !== undefined ? Promise.resolve(ready) : new Promise((resolve) => waiting.push(resolve));
    },
    reset: (): void => {
      backend.answer = echo;
      unclaimed.length = 0;
    },
    close: (): Promise<void> => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s: Seen = { method: req.method!, url: req.url!, rawHeaders: req.rawHeaders, body: Buffer.concat(chunks), connection: connectionIds.get(req.socket)!, res, req };
      seen.push(s);
      const waiter = waiting.shift();
      if (waiter !== undefined) waiter(s);
      else unclaimed.push(s);
      backend.answer(s);
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    connectionIds.set(socket, ++accepted);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  backend.port = (server.address() as { port: number }).port;
  return backend;
}

/** The value of every header called `name` (case-insensitive) in a raw header list. */
export function headerValues(raw: readonly string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i]!.toLowerCase() === name.toLowerCase()) out.push(raw[i + 1]!);
  return out;
}

/** A response as the client received it. */
export interface Received {
  readonly status: number;
  readonly reason: string;
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly text: string;
}

/** Options for {@link send}. */
export interface SendOptions {
  method?: string;
  headers?: readonly string[];
  body?: string | Buffer;
  agent?: http.Agent | false;
}

/** Send one request to `port` and collect the whole response. */
export function send(port: number, path: string, options: SendOptions = {}): Promise<Received> {
  return new Promise((resolve, reject) => {
    // Given as a raw array, headers go out as they are: Node adds no Host, which HTTP/1.1 requires.
    const raw = options.headers === undefined ? undefined
      : options.headers.some((h, i) => i % 2 === 0 && h.toLowerCase() === 'host') ? [...options.headers] : ['Host', `127.0.0.1:${port}`, ...options.headers];
    const req = http.request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: raw, agent: options.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode!, reason: res.statusMessage!, rawHeaders: res.rawHeaders, body, text: body.toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** A proxy Site on 127.0.0.1:0 with a fake clock and a recording logger. */
export interface ProxySite {
  readonly site: Site & { logger: MemoryLogger };
  readonly clock: FakeClock;
  readonly port: number;
  readonly listening: ListeningPort;
}

export async function startSite(root: IResource, spoolThreshold?: number): Promise<ProxySite> {
  const clock = new FakeClock(1_000_000);
  const site = new Site(root, { logger: memoryLogger(), clock, ...(spoolThreshold === undefined ? {} : { spoolThreshold }) }) as Site & { logger: MemoryLogger };
  const listening = await site.listen('tcp:0:interface=127.0.0.1');
  return { site, clock, port: listening.address.port, listening };
}
