/**
 * Load held and memory kept: 1000 concurrent keep-alive connections for 60 s with zero
 * errors, and RSS soaks over static files, sessions under a flood of new clients, the
 * reverse proxy and the gateway. A soak runs the load in rounds, has the target collect
 * its garbage after each, and fits a line to RSS against requests served: the slope per
 * 100 000 requests is what a leak would show (the first round, the warm-up, is left out).
 */
import { spawnSync } from 'node:child_process';
import { loadCommand, parseAutocannon, parseWrk, type LoadGeneratorName, type LoadResult } from '../bench/load.ts';
import { runToEnd, treeRssMB } from '../bench/process.ts';
import { fail, pass, type Context, type StressCase } from './case.ts';
import { statsOf } from './probe.ts';
import type { Target } from './servers.ts';

/** MB per 100k requests above which a soak fails; RSS after a collection still moves a few MB between rounds. */
export const SLOPE_LIMIT_MB = 5;

const generator: LoadGeneratorName = spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error === undefined ? 'wrk' : 'autocannon';

async function load(port: number, path: string, connections: number, seconds: number): Promise<LoadResult> {
  const request = { url: `http://127.0.0.1:${port}${path}`, connections, duration: seconds, headers: {}, expectStatus: 200 };
  const stdout = await runToEnd(loadCommand(generator, request), (seconds + 60) * 1000);
  return generator === 'wrk' ? parseWrk(stdout, 200) : parseAutocannon(stdout, 200);
}

const thousand: StressCase = {
  name: 'thousand-connections', group: 'load', limitSeconds: 240, attacks: '1000 concurrent keep-alive connections',
  async run(ctx) {
    const seconds = ctx.quick ? 15 : 60;
    const target = await ctx.startTarget();
    const result = await load(target.port, '/files/hello.txt', 1000, seconds);
    const figures = { connections: 1000, seconds, requests: result.requests, errors: result.unexpected, p99Ms: Math.round(result.p99Ms), generator };
    const line = `1000 connections for ${seconds} s (${generator}): ${result.requests} requests, ${result.unexpected} errors, p99 ${result.p99Ms.toFixed(0)} ms`;
    return result.unexpected === 0 && result.requests > 0 ? pass(line, figures) : fail(line, figures);
  },
};

/** Least-squares slope of y over x (0 for fewer than two distinct x). */
export function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

async function rssAfterGC(target: Target): Promise<number> {
  await statsOf(target); // its SIGUSR2 handler collects first
  return treeRssMB(target.pid) ?? 0;
}

function soak(name: string, what: string, path: string, env: Record<string, string> = {}): StressCase {
  return {
    name, group: 'soak', limitSeconds: 400, attacks: `an RSS soak over ${what}`,
    async run(ctx: Context) {
      const rounds = ctx.quick ? 4 : 6;
      const seconds = ctx.quick ? 5 : 15;
      const target = await ctx.startTarget(env);
      let requests = 0;
      let errors = 0;
      const points: [number, number][] = [];
      for (let round = 0; round < rounds; round++) {
        const result = await load(target.port, path, 50, seconds);
        requests += result.requests;
        errors += result.unexpected;
        const rss = await rssAfterGC(target);
        ctx.say(`round ${round + 1}/${rounds}: ${requests} requests, RSS ${rss.toFixed(1)} MB`);
        if (round > 0) points.push([requests, rss]);
      }
      const perHundredK = slope(points) * 100_000;
      const figures = { requests, errors, rssMB: Math.round(points.at(-1)?.[1] ?? 0), slopeMBPer100k: Number(perHundredK.toFixed(2)) };
      const line = `${requests} requests, ${errors} errors, RSS slope ${perHundredK.toFixed(2)} MB per 100k requests`;
      return errors === 0 && perHundredK <= SLOPE_LIMIT_MB ? pass(line, figures) : fail(line, figures);
    },
  };
}

export const LOAD_CASES: readonly StressCase[] = [
  thousand,
  soak('soak-static', 'static files', '/files/hello.txt'),
  // A cap of 20 000 (not the default 100 000) so the store fills within the first round
  // and the rounds after it measure a full store, which is what must stay flat.
  soak('soak-sessions', 'sessions under a flood of new clients', '/session', { STRESS_MAX_SESSIONS: '20000' }),
  soak('soak-proxy', 'the reverse proxy', '/proxy/'),
  soak('soak-gateway', 'the gateway', '/gateway/hello'),
];
