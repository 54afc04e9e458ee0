/**
 * Looking at the server from outside, and talking to it: what a process holds (file
 * descriptors, threads, child processes from /proc; timers and sockets from the
 * target's own `STATS` line), and bounded HTTP clients (every call has a deadline, so a
 * case that hangs fails instead of hanging the suite).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import net from 'node:net';
import { processTree } from '../bench/process.ts';
import type { Target } from './servers.ts';

/** What a server holds at one moment. */
export interface Holdings {
  readonly fds: number;
  readonly threads: number;
  readonly children: number;
  readonly timers: number;
  readonly sockets: number;
}

/** Count what `target` holds, after a full collection in it. */
export async function holdings(target: Target): Promise<Holdings> {
  const stats = await statsOf(target);
  const resources = (stats['resources'] ?? {}) as Record<string, number>;
  return {
    fds: readdirSync(`/proc/${target.pid}/fd`).length,
    threads: Number(/^Threads:\s+(\d+)/m.exec(readFileSync(`/proc/${target.pid}/status`, 'utf8'))?.[1] ?? -1),
    children: processTree(target.pid).length - 1,
    timers: resources['Timeout'] ?? 0,
    sockets: (resources['TCPSocketWrap'] ?? 0) + (resources['PipeWrap'] ?? 0),
  };
}

/** Ask the target for its `STATS` line (SIGUSR2), within 15 s. */
export function statsOf(target: Target): Promise<Record<string, unknown>> {
  const stdout = target.process.child.stdout!;
  return new Promise((resolve, reject) => {
    let partial = '';
    const timer = setTimeout(() => finish(new Error('the target printed no STATS line within 15 s')), 15_000);
    const onData = (chunk: Buffer): void => {
      partial += chunk.toString();
      const line = partial.split('\n').slice(0, -1).find((l) => l.startsWith('STATS '));
      if (line !== undefined) finish(null, JSON.parse(line.slice(6)) as Record<string, unknown>);
    };
    const finish = (error: Error | null, value?: Record<string, unknown>): void => {
      clearTimeout(timer);
      stdout.off('data', onData);
      if (error === null) resolve(value!);
      else reject(error);
    };
    stdout.on('data', onData);
    process.kill(target.pid, 'SIGUSR2');
  });
}

/**
 * Poll `holdings` until nothing is above `before`, for up to `ms`: connections and
 * children wind down asynchronously after an abort. Returns the last count.
 */
export async function settledHoldings(target: Target, before: Holdings, ms: number): Promise<Holdings> {
  const deadline = Date.now() + ms;
  let now = await holdings(target);
  while (Date.now() < deadline && leaked(before, now).length > 0) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    now = await holdings(target);
  }
  return now;
}

/** The names of what `after` holds more of than `before`. */
export function leaked(before: Holdings, after: Holdings): string[] {
  return (Object.keys(before) as (keyof Holdings)[]).filter((key) => after[key] > before[key]).map((key) => `${key} ${before[key]}→${after[key]}`);
}

export function describeHoldings(h: Holdings): string {
  return `fds ${h.fds}, threads ${h.threads}, children ${h.children}, timers ${h.timers}, sockets ${h.sockets}`;
}

/** One answer. */
export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** A request with `path` sent exactly as written, on a fresh connection, answered within `timeoutMs`. */
export function get(port: number, path: string, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; timeoutMs?: number } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('latin1') }));
      res.on('error', reject);
    });
    req.setTimeout(options.timeoutMs ?? 15_000, () => req.destroy(new Error(`no answer to ${path.slice(0, 80)} within ${options.timeoutMs ?? 15_000} ms`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Send raw bytes and read everything until the server closes, or `timeoutMs` passes (then what came so far). */
export function exchange(port: number, data: string | Buffer, timeoutMs = 15_000): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(data));
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => { socket.destroy(); resolve({ text: Buffer.concat(chunks).toString('latin1'), closed: false }); }, timeoutMs);
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', () => undefined);
    socket.on('close', () => { clearTimeout(timer); resolve({ text: Buffer.concat(chunks).toString('latin1'), closed: true }); });
  });
}
