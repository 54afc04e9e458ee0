/**
 * The benchmark scenarios: which servers answer which requests, what each is compared
 * with, and the targets Loom must meet.
 *
 * A scenario is a set of servers and the cases (requests) they answer. Each case has a
 * reference server: every row's numbers are also shown as a ratio to the reference's,
 * measured in the same run. A Loom server whose feature is not in lib/ yet answers
 * `NOT BUILT` when started, and its row says "not built yet"; the peers are still
 * measured, so adding Loom's side later is one server script and one line here.
 */
import type { NginxMode } from './nginx.ts';

/** How the harness starts a server. Node scripts live in bench/servers/. */
export type Launch =
  | {
    readonly kind: 'node'; readonly script: string; readonly env?: Readonly<Record<string, string>>;
    /** Run the script through tsx instead of a bundle (for code that finds files beside its own). */
    readonly tsx?: boolean;
  }
  | { readonly kind: 'twisted'; readonly mode: 'hello' | 'static' | 'gzip' | 'proxy' | 'wsgi' }
  | { readonly kind: 'nginx'; readonly mode: NginxMode };

/** An answer the harness accepts (checked once before measuring, and in `--quick`). */
export interface Check {
  readonly status: number;
  /** The fixture the body must equal (after gunzip when `gzip`). */
  readonly body?: 'hello' | '1k' | '1m' | 'page' | 'css';
  /** The answer must be gzip-encoded. */
  readonly gzip?: boolean;
  /** The answer must be Brotli-encoded (`Content-Encoding: br`). */
  readonly br?: boolean;
  /** The body is a session counter: 1 on the first request, 2 when the cookie is sent back. */
  readonly counter?: boolean;
}

export interface ServerSpec {
  /** Unique within the scenario; targets name servers by id. */
  readonly id: string;
  /** As shown in the table. */
  readonly label: string;
  readonly launch: Launch;
  /** True for Loom's own servers (profiled by `--cpu-prof`). */
  readonly loom?: boolean;
  /** The cases it answers, when not all of the scenario's. */
  readonly cases?: readonly string[];
  /** Replaces the case's check for this server (the sessions reference is plain hello). */
  readonly check?: Check;
  /** Needs Redis (the harness starts redis-server and passes BENCH_REDIS_PORT). */
  readonly needsRedis?: boolean;
  /** Runs nginx itself (the harness passes its path in BENCH_NGINX). */
  readonly needsNginx?: boolean;
}

/**
 * A target. `vs` names the server the ratio is taken against (the case's reference when
 * omitted); absolute targets (`idleRss`, `growth`) are in MB. `typical` marks the ratio
 * a peer usually gets: shown for orientation, never met or missed.
 */
export interface Target {
  readonly server: string;
  readonly metric: 'rps' | 'idleRss' | 'growth';
  readonly atLeast?: number;
  readonly atMost?: number;
  readonly vs?: string;
  readonly typical?: boolean;
}

export interface CaseSpec {
  readonly id: string;
  readonly title: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly check: Check;
  /** The server every ratio is taken against; null when the case has no comparison. */
  readonly reference: string | null;
  readonly targets: readonly Target[];
  /** Send back the session cookie of the first answer with every request. */
  readonly session?: boolean;
  /** Instead of throughput: RSS growth after this many requests without a cookie. */
  readonly growthRequests?: number;
  /** HTTP/1.1 over TLS, or HTTP/2 over TLS (loaded by h2load); plain HTTP/1.1 when omitted. */
  readonly transport?: 'tls' | 'h2';
}

export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly servers: readonly ServerSpec[];
  readonly cases: readonly CaseSpec[];
  /** Starts a node:http backend first and passes BENCH_BACKEND_PORT. */
  readonly backend?: boolean;
  /** A sentence for the table, e.g. what lands later. */
  readonly note?: string;
  /** Seconds of warm-up this scenario's servers need at the least, when `--warmup` gives fewer. */
  readonly minWarmup?: number;
}

const node = (script: string, env?: Record<string, string>): Launch => (env === undefined ? { kind: 'node', script } : { kind: 'node', script, env });
const HELLO_OK: Check = { status: 200, body: 'hello' };
const typical = (server: string, ratio: number): Target => ({ server, metric: 'rps', atLeast: ratio, typical: true });

const hello: Scenario = {
  id: 'hello',
  title: 'Hello world (13 bytes of text)',
  servers: [
    { id: 'loom', label: 'Loom Site', launch: node('loom-hello.ts'), loom: true },
    { id: 'node', label: 'node:http (bare)', launch: node('node-hello.ts') },
    { id: 'fastify', label: 'fastify', launch: node('fastify-hello.ts') },
    { id: 'hono', label: 'hono', launch: node('hono-hello.ts') },
    { id: 'express', label: 'express', launch: node('express-hello.mjs') },
    { id: 'twisted', label: 'Twisted', launch: { kind: 'twisted', mode: 'hello' } },
  ],
  cases: [{
    id: 'hello', title: 'GET / → 13 bytes', path: '/', check: HELLO_OK, reference: 'node',
    targets: [
      { server: 'loom', metric: 'rps', atLeast: 0.95 },
      { server: 'loom', metric: 'idleRss', atMost: 60 },
      typical('fastify', 0.96), typical('hono', 0.81), typical('express', 0.13), typical('twisted', 0.11),
    ],
  }],
};

const staticFiles: Scenario = {
  id: 'static',
  title: 'Static files: 1 KiB, 1 MiB and a 404',
  servers: [
    { id: 'loom', label: 'Loom File', launch: node('loom-static.ts'), loom: true },
    { id: 'sirv', label: 'sirv', launch: node('sirv-static.ts') },
    { id: 'express', label: 'express.static', launch: node('express-static.mjs') },
    { id: 'fastify', label: '@fastify/static', launch: node('fastify-static.ts') },
    { id: 'nginx', label: 'nginx', launch: { kind: 'nginx', mode: { kind: 'static' } } },
    { id: 'twisted', label: 'Twisted File', launch: { kind: 'twisted', mode: 'static' } },
  ],
  cases: [
    { id: 'static-1k', title: 'GET /1k.bin → 1 KiB', path: '/1k.bin', check: { status: 200, body: '1k' }, reference: 'sirv',
      targets: [{ server: 'loom', metric: 'rps', atLeast: 2 }] },
    { id: 'static-1m', title: 'GET /1m.bin → 1 MiB', path: '/1m.bin', check: { status: 200, body: '1m' }, reference: 'sirv',
      targets: [{ server: 'loom', metric: 'rps', atLeast: 1.5 }] },
    { id: 'static-404', title: 'GET /missing.bin → 404', path: '/missing.bin', check: { status: 404 }, reference: 'sirv',
      targets: [{ server: 'loom', metric: 'rps', atLeast: 0.9 }] },
  ],
};

const gzip: Scenario = {
  id: 'gzip',
  title: 'gzip of a 20 KiB page',
  note: 'Brotli (quality 4, Loom\'s default) is shown beside gzip; the Node peers answer it with their own Brotli defaults, Twisted has none.',
  servers: [
    { id: 'loom', label: 'Loom EncodingResourceWrapper', launch: node('loom-gzip.ts'), loom: true, cases: ['gzip'] },
    { id: 'loom-br', label: 'Loom BrotliEncoderFactory', launch: node('loom-gzip.ts', { BENCH_ENCODER: 'br' }), loom: true, cases: ['brotli'] },
    { id: 'fastify', label: '@fastify/compress', launch: node('fastify-gzip.ts') },
    { id: 'express', label: 'express + compression', launch: node('express-gzip.mjs') },
    { id: 'twisted', label: 'Twisted GzipEncoderFactory', launch: { kind: 'twisted', mode: 'gzip' }, cases: ['gzip'] },
  ],
  cases: [{
    id: 'gzip', title: 'GET / with Accept-Encoding: gzip → 20 KiB page, gzipped', path: '/',
    headers: { 'accept-encoding': 'gzip' }, check: { status: 200, body: 'page', gzip: true }, reference: 'fastify',
    targets: [{ server: 'loom', metric: 'rps', atLeast: 1.3 }, { server: 'loom', metric: 'rps', atLeast: 1.3, vs: 'twisted' }],
  }, {
    id: 'brotli', title: 'GET / with Accept-Encoding: br → 20 KiB page, Brotli quality 4', path: '/',
    headers: { 'accept-encoding': 'br' }, check: { status: 200, body: 'page', br: true }, reference: 'loom-br', targets: [],
  }],
};

const gzipStatic: Scenario = {
  id: 'gzip-static',
  title: 'A 20 KiB static stylesheet, gzipped',
  note: "Loom compresses the cached file once and reuses the copy; nginx serves a site.css.gz made ahead of time (gzip_static on); Fastify compresses on every request.",
  servers: [
    { id: 'loom', label: 'Loom File + EncodingResourceWrapper (cached)', launch: node('loom-static.ts', { BENCH_COMPRESS: '1' }), loom: true },
    { id: 'fastify', label: '@fastify/static + @fastify/compress', launch: node('fastify-static.ts', { BENCH_COMPRESS: '1' }) },
    { id: 'nginx', label: 'nginx gzip_static on', launch: { kind: 'nginx', mode: { kind: 'gzip-static' } } },
  ],
  cases: [{
    id: 'gzip-css', title: 'GET /site.css with Accept-Encoding: gzip → 20 KiB, gzipped', path: '/site.css',
    headers: { 'accept-encoding': 'gzip' }, check: { status: 200, body: 'css', gzip: true }, reference: 'fastify',
    targets: [{ server: 'loom', metric: 'rps', atLeast: 3 }, { server: 'loom', metric: 'rps', atLeast: 0.5, vs: 'nginx' }],
  }],
};

const proxy: Scenario = {
  id: 'proxy',
  title: 'Reverse proxy to a node:http backend (13 bytes)',
  note: 'http-proxy without an agent, nginx without upstream keep-alive and Twisted open an upstream connection per request; the others keep theirs alive. The backend shares the server\'s core.',
  backend: true,
  servers: [
    { id: 'loom', label: 'Loom ReverseProxyResource', launch: node('loom-proxy.ts'), loom: true },
    { id: 'http-proxy', label: 'http-proxy, no agent', launch: node('http-proxy.mjs') },
    { id: 'http-proxy-ka', label: 'http-proxy, keep-alive agent', launch: node('http-proxy.mjs', { BENCH_KEEPALIVE: '1' }) },
    { id: 'fastify', label: '@fastify/http-proxy', launch: node('fastify-proxy.ts') },
    { id: 'nginx', label: 'nginx, no upstream keep-alive', launch: { kind: 'nginx', mode: { kind: 'proxy', upstreamKeepAlive: false } } },
    { id: 'nginx-ka', label: 'nginx, upstream keep-alive', launch: { kind: 'nginx', mode: { kind: 'proxy', upstreamKeepAlive: true } } },
    { id: 'twisted', label: 'Twisted ReverseProxyResource', launch: { kind: 'twisted', mode: 'proxy' } },
  ],
  cases: [{
    id: 'proxy', title: 'GET / through the proxy → 13 bytes', path: '/', check: HELLO_OK, reference: 'http-proxy-ka',
    targets: [
      { server: 'loom', metric: 'rps', atLeast: 1.2 },
      { server: 'loom', metric: 'rps', atLeast: 0.5, vs: 'nginx-ka' },
    ],
  }],
};

const gatewayApp = (app: string, threads: number): Launch =>
  ({ kind: 'node', script: 'loom-gateway.ts', env: { BENCH_APP: app, BENCH_THREADS: String(threads) }, tsx: true });
const gateway: Scenario = {
  id: 'gateway',
  title: 'Threaded gateway',
  // A gateway is five JavaScript engines (the main thread and four workers), each of which
  // compiles its hot code on its own: half a second of warm-up measures their compilers.
  // Every server of the scenario gets the same.
  minWarmup: 3,
  servers: [
    { id: 'resource', label: 'Loom Resource (same hello)', launch: node('loom-hello.ts'), loom: true, cases: ['gateway-hello'] },
    { id: 'gateway-4', label: 'Loom gateway, 4 threads', launch: gatewayApp('hello', 4), loom: true, cases: ['gateway-hello'] },
    // The floor: the Resource plus one bare round trip to a worker thread (no gateway code).
    { id: 'thread-hop', label: 'Resource + one bare thread round trip', launch: node('loom-thread-hop.ts'), loom: true, cases: ['gateway-hello'] },
    // Twisted's own pair: the same hello through WSGIResource on the reactor's pool, and as a Resource.
    { id: 'twisted-wsgi', label: 'Twisted WSGIResource', launch: { kind: 'twisted', mode: 'wsgi' }, cases: ['gateway-hello'] },
    { id: 'twisted-resource', label: 'Twisted Resource (same hello)', launch: { kind: 'twisted', mode: 'hello' }, cases: ['gateway-hello'] },
    { id: 'blocking-1', label: 'Loom gateway, 1 thread', launch: gatewayApp('blocking', 1), loom: true, cases: ['gateway-blocking'] },
    { id: 'blocking-4', label: 'Loom gateway, 4 threads', launch: gatewayApp('blocking', 4), loom: true, cases: ['gateway-blocking'] },
  ],
  cases: [
    { id: 'gateway-hello', title: 'hello app through the pool vs a Resource', path: '/', check: HELLO_OK, reference: 'resource',
      targets: [
        { server: 'gateway-4', metric: 'rps', atLeast: 0.5 },
        { server: 'thread-hop', metric: 'rps', atLeast: 0.6 },
        { server: 'gateway-4', metric: 'rps', atLeast: 0.8, vs: 'thread-hop' },
        { server: 'gateway-4', metric: 'rps', atLeast: 3, vs: 'twisted-wsgi' },
        { server: 'gateway-4', metric: 'idleRss', atMost: 150 },
      ] },
    { id: 'gateway-blocking', title: 'an app that blocks 10 ms: 4 threads vs 1', path: '/', check: HELLO_OK, reference: 'blocking-1',
      targets: [{ server: 'blocking-4', metric: 'rps', atLeast: 3.5 }] },
  ],
};

const sessions: Scenario = {
  id: 'sessions',
  title: 'Sessions: each request reads and writes its session',
  servers: [
    { id: 'hello', label: 'Loom hello, no session', launch: node('loom-hello.ts'), loom: true, cases: ['sessions'], check: HELLO_OK },
    { id: 'memory', label: 'Loom sessions, memory store', launch: node('loom-sessions.ts', { BENCH_STORE: 'memory' }), loom: true },
    { id: 'redis', label: 'Loom sessions, Redis store', launch: node('loom-sessions.ts', { BENCH_STORE: 'redis' }), loom: true, needsRedis: true, cases: ['sessions'] },
    { id: 'express-redis', label: 'express-session + connect-redis', launch: node('express-sessions.mjs'), needsRedis: true, cases: ['sessions'] },
  ],
  cases: [
    { id: 'sessions', title: 'GET / with the session cookie: count += 1', path: '/', check: { status: 200, counter: true }, reference: 'hello', session: true,
      targets: [{ server: 'memory', metric: 'rps', atLeast: 0.8 }, { server: 'redis', metric: 'rps', atLeast: 0.4 },
        { server: 'redis', metric: 'rps', atLeast: 1.5, vs: 'express-redis' }] },
    { id: 'sessions-100k', title: '100 000 new sessions kept in memory: RSS growth', path: '/', check: { status: 200, counter: true }, reference: null,
      growthRequests: 100_000, targets: [{ server: 'memory', metric: 'growth', atMost: 100 }] },
  ],
};

const scaled = (upstreams: number, app: 'hello' | 'sessions'): Launch =>
  node('loom-scaled.ts', { BENCH_UPSTREAMS: String(upstreams), BENCH_APP: app });
const scaleOut: Scenario = {
  id: 'scale-out',
  title: "Scaling out: lesson 31's nginx in front of one Loom process, or two",
  note: 'Each row is a whole deployment (nginx, its Loom processes, Redis for the sessions case) measured as one process tree. ' +
    'With pinning (the default) the deployment shares one core and the load generator has the other; with --no-pin they all share both.',
  servers: [
    { id: 'direct', label: 'one Loom process, no nginx', launch: node('loom-hello.ts'), loom: true, cases: ['scale-hello'] },
    { id: 'nginx-1', label: 'nginx → 1 Loom process', launch: scaled(1, 'hello'), loom: true, needsNginx: true, cases: ['scale-hello'] },
    { id: 'nginx-2', label: 'nginx → 2 Loom processes', launch: scaled(2, 'hello'), loom: true, needsNginx: true, cases: ['scale-hello'] },
    { id: 'redis-direct', label: 'one Loom process, Redis sessions, no nginx', launch: node('loom-sessions.ts', { BENCH_STORE: 'redis' }), loom: true,
      needsRedis: true, cases: ['scale-sessions'] },
    { id: 'redis-1', label: 'nginx → 1 Loom process, Redis sessions', launch: scaled(1, 'sessions'), loom: true, needsNginx: true, needsRedis: true, cases: ['scale-sessions'] },
    { id: 'redis-2', label: 'nginx → 2 Loom processes, Redis sessions', launch: scaled(2, 'sessions'), loom: true, needsNginx: true, needsRedis: true, cases: ['scale-sessions'] },
  ],
  cases: [
    { id: 'scale-hello', title: 'GET / → 13 bytes, through nginx', path: '/', check: HELLO_OK, reference: 'nginx-1',
      targets: [typical('nginx-2', 1), typical('direct', 1)] },
    { id: 'scale-sessions', title: 'GET / with the session cookie: count += 1, sessions in Redis', path: '/', check: { status: 200, counter: true },
      reference: 'redis-1', session: true, targets: [typical('redis-2', 1), typical('redis-direct', 1)] },
  ],
};

const tls: Scenario = {
  id: 'tls',
  title: 'Hello world over TLS: HTTP/1.1 and HTTP/2',
  note: 'Every server uses the same RSA 2048 certificate, made for the run. Loom\'s one ssl: endpoint offers h2 and http/1.1 by ALPN; ' +
    'each server answers each case in a process of its own, Loom\'s too. wrk loads the HTTP/1.1 case, h2load (one stream at a time per ' +
    'connection) the HTTP/2 one, whose reference is node:http2\'s core stream API, the one Loom uses; its compatibility API is shown beside.',
  servers: [
    { id: 'loom', label: 'Loom Site on ssl:', launch: node('loom-tls.ts'), loom: true, cases: ['tls-hello'] },
    { id: 'loom-h2', label: 'Loom Site on ssl:', launch: node('loom-tls.ts'), loom: true, cases: ['h2-hello'] },
    { id: 'https', label: 'node:https (bare)', launch: node('node-https-hello.ts'), cases: ['tls-hello'] },
    { id: 'http2', label: 'node:http2 (bare, core stream API)', launch: node('node-http2-stream-hello.ts'), cases: ['h2-hello'] },
    { id: 'http2-compat', label: 'node:http2 (bare, compatibility API)', launch: node('node-http2-hello.ts'), cases: ['h2-hello'] },
  ],
  cases: [
    { id: 'tls-hello', title: 'GET / over TLS, HTTP/1.1 → 13 bytes', path: '/', check: HELLO_OK, reference: 'https', transport: 'tls',
      targets: [{ server: 'loom', metric: 'rps', atLeast: 0.9 }] },
    { id: 'h2-hello', title: 'GET / over TLS, HTTP/2 → 13 bytes', path: '/', check: HELLO_OK, reference: 'http2', transport: 'h2',
      targets: [{ server: 'loom-h2', metric: 'rps', atLeast: 0.9 }] },
  ],
};

/** Every scenario, in the order a full run measures them. */
export const SCENARIOS: readonly Scenario[] = [hello, staticFiles, gzip, gzipStatic, proxy, gateway, sessions, scaleOut, tls];

/** Every id the command line accepts: scenario ids and case ids. */
export function knownIds(scenarios: readonly Scenario[] = SCENARIOS): string[] {
  return scenarios.flatMap((s) => [s.id, ...s.cases.map((c) => c.id).filter((id) => id !== s.id)]);
}

/** The scenarios to run for `only` (ids from the command line), each cut down to the cases asked for. */
export function selectScenarios(only: readonly string[], scenarios: readonly Scenario[] = SCENARIOS): Scenario[] {
  if (only.length === 0) return [...scenarios];
  const picked: Scenario[] = [];
  for (const scenario of scenarios) {
    const cases = only.includes(scenario.id) ? scenario.cases : scenario.cases.filter((c) => only.includes(c.id));
    if (cases.length > 0) picked.push({ ...scenario, cases });
  }
  return picked;
}

/** The servers of `scenario` that answer `caseId`. */
export function serversFor(scenario: Scenario, caseId: string): ServerSpec[] {
  return scenario.servers.filter((s) => s.cases === undefined || s.cases.includes(caseId));
}
