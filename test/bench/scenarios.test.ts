import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVERS_DIR } from '../../bench/build.ts';
import { knownIds, SCENARIOS, selectScenarios, serversFor } from '../../bench/scenarios.ts';

describe('SCENARIOS', () => {
  it('has the scenarios of the benchmark plan, in order: the six with the static gzip row after gzip, then scaling out (lesson 31), then TLS and h2 (issue 16)', () => {
    expect(SCENARIOS.map((s) => s.id)).toEqual(['hello', 'static', 'gzip', 'gzip-static', 'proxy', 'gateway', 'sessions', 'scale-out', 'tls']);
  });

  it('runs the scaled deployments with nginx, and Redis for the sessions case', () => {
    const scale = SCENARIOS.find((s) => s.id === 'scale-out')!;
    for (const server of scale.servers.filter((s) => s.launch.kind === 'node' && s.launch.script === 'loom-scaled.ts')) {
      expect(server.needsNginx, server.id).toBe(true);
      expect(server.needsRedis === true, server.id).toBe(server.id.startsWith('redis'));
    }
  });

  it('names only server scripts that exist in bench/servers', () => {
    const scripts = SCENARIOS.flatMap((s) => s.servers.flatMap((server) => (server.launch.kind === 'node' ? [server.launch.script] : [])));
    expect(scripts.filter((script) => !existsSync(SERVERS_DIR + script))).toEqual([]);
  });

  it('gives every case a reference and targets among the servers that answer it', () => {
    for (const scenario of SCENARIOS) {
      for (const c of scenario.cases) {
        const ids = serversFor(scenario, c.id).map((s) => s.id);
        if (c.reference !== null) expect(ids, `${c.id} reference`).toContain(c.reference);
        for (const t of c.targets) {
          expect(ids, `${c.id} target server`).toContain(t.server);
          if (t.vs !== undefined) expect(ids, `${c.id} target vs`).toContain(t.vs);
        }
      }
    }
  });

  it('gives servers ids unique within their scenario, and cases ids unique overall', () => {
    for (const scenario of SCENARIOS) expect(new Set(scenario.servers.map((s) => s.id)).size).toBe(scenario.servers.length);
    const ids = knownIds();
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('holds every target of the plan', () => {
    const loomTargets = SCENARIOS.flatMap((s) => s.cases.flatMap((c) => c.targets.filter((t) => t.typical !== true).map((t) => `${c.id}:${t.server}:${t.atLeast ?? t.atMost}`)));
    expect(loomTargets).toEqual([
      'hello:loom:0.95', 'hello:loom:60', 'static-1k:loom:2', 'static-1m:loom:1.5', 'static-404:loom:0.9', 'gzip:loom:1.3', 'gzip:loom:1.3', 'gzip-css:loom:3', 'gzip-css:loom:0.5',
      'proxy:loom:1.2', 'proxy:loom:0.5',
      'gateway-hello:gateway-4:0.5', 'gateway-hello:thread-hop:0.6', 'gateway-hello:gateway-4:0.8', 'gateway-hello:gateway-4:3', 'gateway-hello:gateway-4:150',
      'gateway-blocking:blocking-4:3.5',
      'sessions:memory:0.8', 'sessions:redis:0.4', 'sessions:redis:1.5', 'sessions-100k:memory:100',
      'tls-hello:loom:0.9', 'h2-hello:loom-h2:0.9',
    ]);
  });

  it('compares Loom over TLS with bare node:https, and over h2 with bare node:http2, each case on its own transport', () => {
    const tls = SCENARIOS.find((s) => s.id === 'tls')!;
    expect(tls.cases.map((c) => [c.id, c.transport, c.reference])).toEqual([['tls-hello', 'tls', 'https'], ['h2-hello', 'h2', 'http2']]);
    expect(serversFor(tls, 'h2-hello').map((s) => s.id)).toEqual(['loom-h2', 'http2', 'http2-compat']);
  });
});

describe('selectScenarios', () => {
  it('runs everything when nothing is named', () => {
    expect(selectScenarios([])).toHaveLength(SCENARIOS.length);
  });

  it('keeps whole scenarios named by id and cuts others down to the cases named', () => {
    const picked = selectScenarios(['hello', 'static-404']);
    expect(picked.map((s) => s.id)).toEqual(['hello', 'static']);
    expect(picked[1]!.cases.map((c) => c.id)).toEqual(['static-404']);
  });
});
