/**
 * Checking that a server answers correctly before it is measured (and, in `--quick`,
 * instead of measuring): a fast wrong answer must never make the table.
 */
import { Agent, request } from 'node:http';
import { connect as connectHttp2 } from 'node:http2';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { LoadResult } from './load.ts';
import type { Check } from './scenarios.ts';

/** The bytes each body check compares with (see bench/fixtures.ts). */
export type Bodies = Readonly<Record<NonNullable<Check['body']>, Buffer>>;

export interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

/** How a check talks to the server: HTTP/1.1 (over TLS for an `https:` URL), or HTTP/2 over TLS. */
export type Transport = 'h1' | 'h2';

/**
 * The bench's certificate is self-signed and made for this run (bench/fixtures.ts):
 * the checks talk TLS to it without verifying it, as wrk and h2load do.
 */
const OWN_CERTIFICATE = { rejectUnauthorized: false } as const;

/** One GET, on a fresh connection unless an agent is given, bounded by `timeoutMs`. */
export function get(url: string, headers: Readonly<Record<string, string>> = {}, timeoutMs = 5000, agent: Agent | false = false, transport: Transport = 'h1'): Promise<Answer> {
  if (transport === 'h2') return getHttp2(url, headers, timeoutMs);
  const secure = url.startsWith('https:');
  return new Promise((resolve, reject) => {
    const send = secure ? httpsRequest : request;
    const req = send(url, { headers, agent, timeout: timeoutMs, ...(secure ? OWN_CERTIFICATE : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** One GET over HTTP/2, on a session of its own, bounded by `timeoutMs`. */
function getHttp2(url: string, headers: Readonly<Record<string, string>>, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const { origin, pathname, search } = new URL(url);
    const session = connectHttp2(origin, OWN_CERTIFICATE);
    const fail = (error: Error) => {
      session.destroy();
      reject(error);
    };
    session.on('error', fail);
    session.setTimeout(timeoutMs, () => fail(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    const stream = session.request({ ':path': pathname + search, ...headers });
    const chunks: Buffer[] = [];
    let status = 0;
    let answerHeaders: Record<string, string | string[] | undefined> = {};
    stream.on('response', (h) => {
      status = Number(h[':status']);
      answerHeaders = h;
    });
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      session.close();
      resolve({ status, headers: answerHeaders, body: Buffer.concat(chunks) });
    });
    stream.on('error', fail);
    stream.end();
  });
}

/** What is wrong with `answer`, or null when it is what `check` expects. */
export function problemWith(check: Check, answer: Answer, bodies: Bodies, expectedCount = 1): string | null {
  if (answer.status !== check.status) return `expected status ${check.status}, got ${answer.status}${preview(answer.body)}`;
  let body = answer.body;
  if (check.gzip === true) {
    const encoding = String(answer.headers['content-encoding'] ?? '');
    if (encoding !== 'gzip') return `expected Content-Encoding: gzip, got "${encoding}"`;
    try {
      body = gunzipSync(body);
    } catch (error) {
      return `the gzip body does not decompress: ${(error as Error).message}`;
    }
  }
  if (check.br === true) {
    const encoding = String(answer.headers['content-encoding'] ?? '');
    if (encoding !== 'br') return `expected Content-Encoding: br, got "${encoding}"`;
    try {
      body = brotliDecompressSync(body);
    } catch (error) {
      return `the Brotli body does not decompress: ${(error as Error).message}`;
    }
  }
  if (check.body !== undefined && !body.equals(bodies[check.body])) {
    return `expected the ${check.body} body (${bodies[check.body].length} bytes), got ${body.length} bytes${preview(body)}`;
  }
  if (check.counter === true && body.toString().trim() !== String(expectedCount)) {
    return `expected the session counter to read ${expectedCount}, got${preview(body)}`;
  }
  return null;
}

/** `name=value` of the first Set-Cookie header, to send back as a Cookie header. */
export function sessionCookie(answer: Answer): string | null {
  const header = answer.headers['set-cookie'];
  const first = Array.isArray(header) ? header[0] : header;
  if (first === undefined) return null;
  return first.split(';')[0]!.trim();
}

const FIRST_ANSWER_TIMEOUT_MS = 30_000;

export interface Verified {
  /** What is wrong, or null. */
  readonly problem: string | null;
  /** The session cookie to send with the load, for counter checks. */
  readonly cookie: string | null;
}

/**
 * Ask once and check the answer. For a session counter, ask a second time with the
 * cookie from the first answer and expect the counter to have moved to 2: the request
 * both read and wrote its session.
 */
export async function verify(url: string, headers: Readonly<Record<string, string>>, check: Check, bodies: Bodies, transport: Transport = 'h1'): Promise<Verified> {
  // A generous first wait: a gateway's worker threads may still be starting (loading
  // tsx and the application) when the server says it is ready.
  const first = await get(url, headers, FIRST_ANSWER_TIMEOUT_MS, false, transport);
  const problem = problemWith(check, first, bodies, 1);
  if (problem !== null || check.counter !== true) return { problem, cookie: null };
  const cookie = sessionCookie(first);
  if (cookie === null) return { problem: 'expected a Set-Cookie header on the first request', cookie: null };
  const second = await get(url, { ...headers, cookie }, 5000, false, transport);
  return { problem: problemWith(check, second, bodies, 2), cookie };
}

/**
 * Up to `count` GETs over `concurrency` keep-alive connections, stopping early after
 * `seconds`, each answer checked (the counter only for its status, since concurrent
 * requests share one session). It warms a server up before a measurement, and stands in
 * for the load generator in `--quick`: either way it starts in no time, where a load
 * generator process takes most of a second.
 */
export async function burst(url: string, headers: Readonly<Record<string, string>>, check: Check, bodies: Bodies, count: number, concurrency: number, seconds = Infinity): Promise<LoadResult> {
  const agent = url.startsWith('https:')
    ? new HttpsAgent({ keepAlive: true, maxSockets: concurrency, ...OWN_CERTIFICATE })
    : new Agent({ keepAlive: true, maxSockets: concurrency });
  const plain: Check = { ...check, counter: false };
  const latencies: number[] = [];
  let unexpected = 0;
  let sent = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const worker = async (): Promise<void> => {
    while (sent < count && performance.now() < deadline) {
      sent++;
      const t0 = performance.now();
      try {
        if (problemWith(plain, await get(url, headers, 5000, agent), bodies) !== null) unexpected++;
      } catch {
        unexpected++;
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    seconds: (performance.now() - started) / 1000,
    p99Ms: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? 0,
    unexpected,
  };
}

function preview(body: Buffer): string {
  if (body.length === 0) return '';
  const text = body.subarray(0, 80).toString().replace(/\s+/g, ' ');
  return `: "${text}${body.length > 80 ? '…' : ''}"`;
}
