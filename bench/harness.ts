/**
 * Running one scenario: start each server in its own process, check its answers, put it
 * under load from another process, read its memory, stop it; several rounds, with the
 * order of servers rotated each round so no server always runs first (or last, on a
 * machine that has warmed up).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchOptions } from './args.ts';
import { bundlePath, SERVERS_DIR } from './build.ts';
import { burst, verify } from './check.ts';
import type { Fixtures } from './fixtures.ts';
import { loadCommand, parseAutocannon, parseH2load, parseWrk, type LoadGeneratorName, type LoadResult } from './load.ts';
import { nginxConfig } from './nginx.ts';
import { freePort, runToEnd, sampleRss, startServer, treeCpuSeconds, treeRssMB, type RunningProcess } from './process.ts';
import type { Programs } from './programs.ts';
import type { CaseResult, Row, RowStatus, Sample, ScenarioResult } from './report.ts';
import { serversFor, type CaseSpec, type Scenario, type ServerSpec } from './scenarios.ts';

/** Everything a scenario run needs from the command line and the machine. */
export interface RunPlan {
  readonly options: BenchOptions;
  readonly programs: Programs;
  readonly generator: LoadGeneratorName;
  readonly fixtures: Fixtures;
  /** Command prefixes that pin a process to its core(s), e.g. `taskset -c 0`; empty when not pinning. */
  readonly pinServer: readonly string[];
  readonly pinLoad: readonly string[];
  /** Where `--cpu-prof` profiles go, or null. */
  readonly profileDir: string | null;
  readonly log: (line: string) => void;
}

/** Seconds a server gets to print its ready line. */
const START_TIMEOUT_MS = 20_000;
/** Requests and connections per case in --quick (besides the reference's load), and for the growth case there. */
const QUICK_REQUESTS = 200;
const QUICK_CONNECTIONS = 10;
const QUICK_GROWTH_REQUESTS = 500;
/** Connections of the warm-up burst: enough to exercise the keep-alive paths. */
const WARMUP_CONNECTIONS = 10;
const GATEWAY_APPS = fileURLToPath(new URL('./servers/gateway-apps.mjs', import.meta.url));

/** `list` rotated left by `by`: round r starts with the r-th server. */
export function rotate<T>(list: readonly T[], by: number): T[] {
  if (list.length === 0) return [];
  const k = by % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

/** The CPUs in a Linux CPU list such as `0-3,8`. */
export function parseCpuList(text: string): number[] {
  const cpus: number[] = [];
  for (const part of text.trim().split(',')) {
    if (!/^\d+(-\d+)?$/.test(part)) continue;
    const [from, to] = part.split('-').map(Number) as [number, number | undefined];
    for (let cpu = from; cpu <= (to ?? from); cpu++) cpus.push(cpu);
  }
  return cpus;
}

/** Run every round of `spec` and return its rows. */
export async function runScenario(spec: Scenario, plan: RunPlan): Promise<ScenarioResult> {
  const run = new ScenarioRun(spec, plan);
  return run.run();
}

interface Support {
  backendPort: number;
  redisPort: number;
  readonly processes: RunningProcess[];
}

class ScenarioRun {
  readonly #spec: Scenario;
  readonly #plan: RunPlan;
  readonly #cases: CaseResult[];

  constructor(spec: Scenario, plan: RunPlan) {
    this.#spec = spec;
    this.#plan = plan;
    this.#cases = spec.cases.map((c) => ({
      spec: c,
      rows: serversFor(spec, c.id).map((s): Row => ({ server: s.id, label: s.label, status: 'measured', samples: [] })),
    }));
  }

  async run(): Promise<ScenarioResult> {
    const servers = this.#spec.servers.filter((s) => this.#casesOf(s).length > 0);
    for (const server of servers) {
      const missing = this.#missingProgram(server);
      if (missing !== null) this.#mark(server, 'not-installed', missing);
    }
    const support: Support = { backendPort: 0, redisPort: 0, processes: [] };
    try {
      await this.#startSupport(servers, support);
      const rounds = this.#plan.options.quick ? 1 : this.#plan.options.rounds;
      for (let round = 0; round < rounds; round++) {
        for (const server of rotate(servers, round)) {
          if (this.#stillMeasuring(server)) await this.#runServer(server, round, support);
        }
      }
    } finally {
      await Promise.all(support.processes.map((p) => p.stop()));
    }
    return { spec: this.#spec, cases: this.#cases };
  }

  #casesOf(server: ServerSpec): CaseSpec[] {
    return this.#cases.filter((c) => c.rows.some((r) => r.server === server.id)).map((c) => c.spec);
  }

  #rowsOf(server: ServerSpec): Row[] {
    return this.#cases.flatMap((c) => c.rows.filter((r) => r.server === server.id));
  }

  #mark(server: ServerSpec, status: RowStatus, reason: string): void {
    for (const row of this.#rowsOf(server)) {
      if (row.status === 'measured') Object.assign(row, { status, reason });
    }
  }

  #stillMeasuring(server: ServerSpec): boolean {
    return this.#rowsOf(server).some((r) => r.status === 'measured');
  }

  #missingProgram(server: ServerSpec): string | null {
    const { programs } = this.#plan;
    if ((server.launch.kind === 'nginx' || server.needsNginx === true) && programs.nginx === null) return 'nginx';
    if (server.launch.kind === 'twisted' && programs.python === null) return 'python3-twisted';
    if (server.needsRedis === true && programs.redis === null) return 'redis-server';
    return null;
  }

  /** The proxy backend and redis-server, started once for the whole scenario. */
  async #startSupport(servers: ServerSpec[], support: Support): Promise<void> {
    const { programs, pinServer } = this.#plan;
    if (this.#spec.backend === true) {
      support.backendPort = await freePort();
      try {
        const started = await startServer({
          command: [...pinServer, process.execPath, bundlePath('backend.ts')], env: { PORT: String(support.backendPort) },
          readyBy: 'line', port: support.backendPort, timeoutMs: START_TIMEOUT_MS,
        });
        if (started.kind === 'ready') support.processes.push(started.server);
      } catch (error) {
        for (const s of servers) this.#mark(s, 'failed', `the backend did not start: ${(error as Error).message}`);
      }
    }
    const redisUsers = servers.filter((s) => s.needsRedis === true && this.#stillMeasuring(s));
    if (redisUsers.length > 0 && programs.redis !== null) {
      support.redisPort = await freePort();
      try {
        const started = await startServer({
          command: [...pinServer, programs.redis, '--port', String(support.redisPort), '--bind', '127.0.0.1', '--save', '',
            '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning'],
          env: {}, readyBy: 'connect', port: support.redisPort, timeoutMs: START_TIMEOUT_MS,
        });
        if (started.kind === 'ready') support.processes.push(started.server);
      } catch (error) {
        for (const s of redisUsers) this.#mark(s, 'failed', `redis-server did not start: ${(error as Error).message}`);
      }
    }
  }

  async #runServer(server: ServerSpec, round: number, support: Support): Promise<void> {
    const port = await freePort();
    this.#plan.log(`  ${this.#spec.id} round ${round + 1}: ${server.label}`);
    let proc: RunningProcess;
    try {
      const started = await startServer({ ...this.#launch(server, port, round, support), port, timeoutMs: START_TIMEOUT_MS });
      if (started.kind === 'not-built') {
        this.#mark(server, 'not-built', started.what);
        return;
      }
      proc = started.server;
    } catch (error) {
      this.#mark(server, 'failed', `did not start: ${(error as Error).message}`);
      return;
    }
    try {
      let idle: number | null | undefined;
      for (const c of this.#casesOf(server)) {
        const row = this.#cases.find((r) => r.spec === c)!.rows.find((r) => r.server === server.id)!;
        if (row.status !== 'measured') continue;
        // Memory growth is measured once: 100 000 requests a round would add minutes and little news.
        if (c.growthRequests !== undefined && row.samples.length > 0) continue;
        if (c.transport === 'h2' && this.#plan.programs.h2load === null) {
          Object.assign(row, { status: 'not-installed', reason: 'nghttp2-client (h2load)' });
          continue;
        }
        try {
          const base = `${c.transport === undefined ? 'http' : 'https'}://127.0.0.1:${port}`;
          const cookie = await this.#check(server, c, base, proc);
          idle ??= treeRssMB(proc.pid);
          row.samples.push(await this.#measure(server, c, base, proc, cookie, idle));
          await this.#check(server, c, base, proc); // Still answering correctly after the load?
        } catch (error) {
          Object.assign(row, { status: 'failed', reason: (error as Error).message });
        }
      }
    } finally {
      await proc.stop();
    }
  }

  /** Check the answer; returns the session cookie to send with the load, if any. */
  async #check(server: ServerSpec, c: CaseSpec, base: string, proc: RunningProcess): Promise<string | null> {
    const check = server.check ?? c.check;
    const verified = await verify(base + c.path, c.headers ?? {}, check, this.#plan.fixtures.bodies, c.transport === 'h2' ? 'h2' : 'h1');
    if (verified.problem !== null) throw new Error(`wrong answer to GET ${c.path}: ${verified.problem}`);
    if (proc.exited) throw new Error(`the server exited: ${proc.tail()}`);
    return c.session === true ? verified.cookie : null;
  }

  async #measure(server: ServerSpec, c: CaseSpec, base: string, proc: RunningProcess, cookie: string | null, idle: number | null): Promise<Sample> {
    const { options } = this.#plan;
    const headers = { ...c.headers, ...(cookie === null ? {} : { cookie }) };
    const status = (server.check ?? c.check).status;
    const url = base + c.path;
    if (c.growthRequests !== undefined) return this.#measureGrowth(c.growthRequests, url, headers, status, proc, idle);
    const warmup = Math.max(options.warmup, this.#spec.minWarmup ?? 0);
    if (!options.quick && warmup > 0 && c.transport === 'h2') {
      // The harness's own burst speaks HTTP/1.1 only, so h2load warms an h2 case, in a run
      // of its own (whole seconds) that ends before the CPU is read. Its --warm-up-time
      // would count the warm-up's CPU against the measured requests.
      const warm = await this.#load(url, headers, status, { seconds: Math.max(1, Math.ceil(warmup)) }, 'h2');
      if (warm.unexpected > 0) throw new Error(`${warm.unexpected} of ${warm.requests} answers during warm-up were wrong or failed`);
    } else if (!options.quick && warmup > 0) {
      const check = server.check ?? c.check;
      const warm = await burst(url, headers, check, this.#plan.fixtures.bodies, Infinity, WARMUP_CONNECTIONS, warmup);
      if (warm.unexpected > 0) throw new Error(`${warm.unexpected} of ${warm.requests} answers during warm-up were wrong or failed`);
    }
    const sampler = sampleRss(proc.pid);
    const cpuBefore = treeCpuSeconds(proc.pid);
    const result = options.quick ? await this.#quickLoad(server, c, url, headers) : await this.#load(url, headers, status, { seconds: options.duration }, c.transport);
    const cpuUsPerReq = cpuPerRequest(cpuBefore, treeCpuSeconds(proc.pid), result.requests);
    const peak = sampler.stop();
    if (proc.exited) throw new Error(`the server exited under load: ${proc.tail()}`);
    if (options.quick && result.unexpected > 0) throw new Error(`${result.unexpected} of ${result.requests} answers under load were wrong or failed`);
    return {
      requests: result.requests, rps: result.requests / result.seconds, p99Ms: result.p99Ms, cpuUsPerReq,
      peakRssMB: peak, idleRssMB: idle, unexpected: result.unexpected,
    };
  }

  /**
   * `--quick`: the reference gets one second of the real load generator, to prove that
   * path works; every other server gets a checked burst from the harness, which is
   * much faster to start than a load generator.
   */
  #quickLoad(server: ServerSpec, c: CaseSpec, url: string, headers: Record<string, string>): Promise<LoadResult> {
    const check = server.check ?? c.check;
    if (server.id === c.reference || c.transport === 'h2') return this.#load(url, headers, check.status, { seconds: 1 }, c.transport);
    return burst(url, headers, check, this.#plan.fixtures.bodies, QUICK_REQUESTS, QUICK_CONNECTIONS);
  }

  /** RSS after a full GC, before and after `requests` requests that each start a new session. */
  async #measureGrowth(requests: number, url: string, headers: Record<string, string>, status: number, proc: RunningProcess, idle: number | null): Promise<Sample> {
    const amount = this.#plan.options.quick ? QUICK_GROWTH_REQUESTS : requests;
    const before = await collectAndRead(proc);
    const sampler = sampleRss(proc.pid);
    const cpuBefore = treeCpuSeconds(proc.pid);
    const result = await this.#load(url, headers, status, { amount });
    const cpuUsPerReq = cpuPerRequest(cpuBefore, treeCpuSeconds(proc.pid), result.requests);
    const peak = sampler.stop();
    const after = await collectAndRead(proc);
    return {
      requests: result.requests, rps: result.requests / result.seconds, p99Ms: result.p99Ms, cpuUsPerReq,
      peakRssMB: peak, idleRssMB: idle, unexpected: result.unexpected, growthMB: after - before,
    };
  }

  async #load(url: string, headers: Record<string, string>, expectStatus: number, size: { seconds: number } | { amount: number }, transport?: CaseSpec['transport']): Promise<LoadResult> {
    const { options, programs, pinLoad } = this.#plan;
    const byAmount = 'amount' in size;
    // wrk cannot count requests, so fixed amounts always go to autocannon; only h2load speaks HTTP/2.
    const generator: LoadGeneratorName = transport === 'h2' ? 'h2load' : byAmount ? 'autocannon' : this.#plan.generator;
    const request = {
      url, headers, expectStatus,
      connections: options.quick ? QUICK_CONNECTIONS : options.connections,
      duration: byAmount ? 0 : size.seconds,
      ...(byAmount ? { amount: size.amount } : {}),
    };
    const timeoutMs = byAmount ? 300_000 : (size.seconds + 30) * 1000;
    const stdout = await runToEnd([...pinLoad, ...loadCommand(generator, request, programs.wrk ?? 'wrk')], timeoutMs);
    if (generator === 'h2load') return parseH2load(stdout, expectStatus);
    return generator === 'wrk' ? parseWrk(stdout, expectStatus) : parseAutocannon(stdout, expectStatus);
  }

  #launch(server: ServerSpec, port: number, round: number, support: Support): { command: string[]; env: Record<string, string>; readyBy: 'line' | 'connect' } {
    const { fixtures, programs, pinServer, profileDir } = this.#plan;
    const env: Record<string, string> = {
      PORT: String(port),
      NODE_ENV: 'production',
      BENCH_STATIC_DIR: fixtures.staticDir,
      BENCH_PAGE_FILE: fixtures.pageFile,
      BENCH_GATEWAY_APPS: GATEWAY_APPS,
      BENCH_BACKEND_PORT: String(support.backendPort),
      BENCH_REDIS_PORT: String(support.redisPort),
      BENCH_NGINX: programs.nginx ?? '',
      BENCH_TLS_KEY: fixtures.tlsKey,
      BENCH_TLS_CERT: fixtures.tlsCert,
    };
    const launch = server.launch;
    switch (launch.kind) {
      case 'node': {
        // One folder per server and round, in which Node names each thread's profile itself
        // (CPU.<date>.<time>.<pid>.<thread>.<n>.cpuprofile, thread 0 the main one): worker
        // threads inherit the flags, and a name given here would have them overwrite each other.
        const profile = profileDir !== null && server.loom === true
          ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, `${this.#spec.id}-${server.id}-round${round + 1}`)}`] : [];
        // --expose-gc only adds a gc() function, which the growth measurement calls via SIGUSR2.
        const entry = launch.tsx === true ? ['--import', 'tsx', join(SERVERS_DIR, launch.script)] : [bundlePath(launch.script)];
        return { command: [...pinServer, process.execPath, '--expose-gc', ...profile, ...entry], env: { ...env, ...launch.env }, readyBy: 'line' };
      }
      case 'twisted':
        return { command: [...pinServer, programs.python!, join(SERVERS_DIR, 'twisted_server.py'), launch.mode], env, readyBy: 'line' };
      case 'nginx': {
        const runDir = join(fixtures.dir, `nginx-${this.#spec.id}-${server.id}-${port}`);
        mkdirSync(runDir, { recursive: true });
        const conf = join(runDir, 'nginx.conf');
        writeFileSync(conf, nginxConfig(launch.mode, { port, runDir, staticDir: fixtures.staticDir, backendPort: support.backendPort }));
        return { command: [...pinServer, programs.nginx!, '-e', 'stderr', '-p', runDir, '-c', conf], env, readyBy: 'connect' };
      }
      default:
        return assertNever(launch);
    }
  }
}

/** Microseconds of server CPU per request, from two readings of its CPU seconds. */
export function cpuPerRequest(before: number | null, after: number | null, requests: number): number | null {
  if (before === null || after === null || requests <= 0) return null;
  return ((after - before) * 1e6) / requests;
}

/** Ask the server for a full GC (SIGUSR2 → `GC DONE`), then read its RSS. */
async function collectAndRead(proc: RunningProcess): Promise<number> {
  const done = proc.waitFor(['gc-done'], 10_000);
  proc.child.kill('SIGUSR2');
  await done;
  const rss = treeRssMB(proc.pid);
  if (rss === null) throw new Error('cannot read the server\'s RSS (no /proc?)');
  return rss;
}

function assertNever(value: never): never {
  throw new Error(`unexpected launch ${JSON.stringify(value)}`);
}
