/**
 * The load generators: wrk (C, lighter, preferred when installed) and autocannon (from
 * npm, always there) for HTTP/1.1, over TLS too; h2load (C, Debian's nghttp2-client)
 * for HTTP/2, which neither of the others speaks. All three run as separate processes, pinned to their own core when the
 * harness pins; each ends by itself after `duration` seconds (or `amount` requests),
 * and wrk and autocannon print a `BENCH-RESULT {json}` line; h2load's own summary is
 * read instead. Each is parsed here into one shape.
 */
import { fileURLToPath } from 'node:url';

/** What one load run found. */
export interface LoadResult {
  readonly requests: number;
  readonly seconds: number;
  readonly p99Ms: number;
  /** Answers whose status was not the expected one, plus socket errors and timeouts. */
  readonly unexpected: number;
}

export interface LoadRequest {
  readonly url: string;
  readonly connections: number;
  /** Whole seconds (wrk takes no fractions). */
  readonly duration: number;
  /** A number of requests instead of a duration (autocannon only). */
  readonly amount?: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The status every answer should have. */
  readonly expectStatus: number;
}

export type LoadGeneratorName = 'wrk' | 'autocannon' | 'h2load';

const RESULT_PREFIX = 'BENCH-RESULT ';
const WRK_SCRIPT = fileURLToPath(new URL('./load/wrk-report.lua', import.meta.url));
const AUTOCANNON_RUNNER = fileURLToPath(new URL('./load/autocannon.mjs', import.meta.url));

/** The command line (program first) that runs `request` with `generator`. */
export function loadCommand(generator: LoadGeneratorName, request: LoadRequest, wrkPath = 'wrk'): string[] {
  if (generator === 'h2load') return h2loadCommand(request);
  if (generator === 'autocannon') {
    const { url, connections, duration, amount, headers } = request;
    const config = amount === undefined ? { url, connections, duration, headers } : { url, connections, amount, headers };
    return [process.execPath, AUTOCANNON_RUNNER, JSON.stringify(config)];
  }
  if (request.amount !== undefined) throw new Error('wrk cannot send a fixed number of requests; use autocannon.');
  const headerArgs = Object.entries(request.headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]);
  return [wrkPath, '-t1', `-c${request.connections}`, `-d${request.duration}s`, '--timeout', '10s', '-s', WRK_SCRIPT, ...headerArgs, request.url];
}

/** The JSON of the `BENCH-RESULT` line in a load generator's output. */
export function resultLine(stdout: string): Record<string, unknown> {
  const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (line === undefined) throw new Error(`the load generator printed no result line; its output ended with: ${stdout.slice(-300)}`);
  return JSON.parse(line.slice(RESULT_PREFIX.length)) as Record<string, unknown>;
}

/** Parse wrk's output (with wrk-report.lua). wrk only counts statuses ≥ 400, as one number. */
export function parseWrk(stdout: string, expectStatus: number): LoadResult {
  const r = resultLine(stdout);
  const requests = num(r, 'requests');
  const highStatus = num(r, 'status');
  const badStatus = expectStatus >= 400 ? requests - highStatus : highStatus;
  return {
    requests,
    seconds: num(r, 'durationUs') / 1e6,
    p99Ms: num(r, 'p99Us') / 1000,
    unexpected: badStatus + num(r, 'connect') + num(r, 'read') + num(r, 'write') + num(r, 'timeout'),
  };
}

/** Parse the output of load/autocannon.mjs. */
export function parseAutocannon(stdout: string, expectStatus: number): LoadResult {
  const r = resultLine(stdout);
  const requests = num(r, 'requests');
  const counts = (r['statusCounts'] ?? {}) as Record<string, number>;
  const good = counts[String(expectStatus)] ?? 0;
  return {
    requests,
    seconds: num(r, 'seconds'),
    p99Ms: num(r, 'p99Ms'),
    unexpected: requests - good + num(r, 'errors'),
  };
}

/**
 * h2load: one thread, `connections` connections, one stream at a time on each (`-m 1`,
 * like a keep-alive HTTP/1.1 connection under wrk), for `duration` seconds after one
 * second of warm-up (`--warm-up-time`, so connecting is not counted).
 */
function h2loadCommand(request: LoadRequest): string[] {
  if (request.amount !== undefined) throw new Error('h2load here runs for a duration; a fixed number of requests is not wired up.');
  const headerArgs = Object.entries(request.headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]);
  // No --warm-up-time: the harness warms the server with a run of its own first, so that
  // the CPU it reads around this one is spent on the requests this one counts.
  return ['h2load', '-t', '1', '-c', String(request.connections), '-m', '1', '-D', String(request.duration), ...headerArgs, request.url];
}

/**
 * Parse h2load's summary. It prints no percentiles, so the slowest request's time
 * stands in for p99 (an upper bound), and only counts statuses by class (2xx, 4xx…).
 * Its "finished in" time includes the warm-up while its counts and req/s do not, so
 * the measured seconds are worked out from those two.
 */
export function parseH2load(stdout: string, expectStatus: number): LoadResult {
  const finished = /finished in [\d.]+m?s, ([\d.]+) req\/s/.exec(stdout);
  const requests = /requests: (\d+) total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(stdout);
  const statuses = /status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx/.exec(stdout);
  const slowest = /time for request:\s+\S+\s+([\d.]+)(us|ms|s)/.exec(stdout);
  if (finished === null || requests === null || statuses === null || slowest === null) {
    throw new Error(`h2load printed no summary; its output ended with: ${stdout.slice(-300)}`);
  }
  const done = Number(requests[2]);
  const byClass = statuses.slice(1).map(Number);
  const expected = byClass[Math.floor(expectStatus / 100) - 2] ?? 0;
  const otherStatus = byClass.reduce((sum, n) => sum + n, 0) - expected;
  // Not `done - expected`: with --warm-up-time, h2load counts a few requests that straddle
  // the warm-up's end as done and succeeded but not in the status codes (1 to 21 a run,
  // for node:http2 as for Loom). A failed request is one without a good answer.
  const failed = Math.max(Number(requests[4]), otherStatus);
  const unit = { us: 0.001, ms: 1, s: 1000 }[slowest[2] as 'us' | 'ms' | 's'];
  return {
    requests: done,
    seconds: Number(finished[1]) > 0 ? done / Number(finished[1]) : 0,
    p99Ms: Number(slowest[1]) * unit,
    unexpected: failed + Number(requests[5]) + Number(requests[6]),
  };
}

function num(record: Record<string, unknown>, key: string): number {
  const value = record[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`load result has no number "${key}": ${JSON.stringify(record)}`);
  return value;
}
