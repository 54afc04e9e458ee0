/**
 * The programs a run can use besides Node: nginx, Twisted (Debian's python3-twisted),
 * redis-server, wrk and taskset. Each is looked for once; a missing peer makes its rows
 * say "not installed", never an error.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';

export interface Programs {
  readonly nginx: string | null;
  /** A python3 that can import twisted.web. */
  readonly python: string | null;
  readonly redis: string | null;
  readonly wrk: string | null;
  /** nghttp2-client's HTTP/2 load generator, for the h2 case. */
  readonly h2load: string | null;
  readonly taskset: string | null;
  readonly cores: number;
  readonly cpu: string;
}

/** PATH, plus the sbin directories where Debian puts nginx. */
function searchPath(): string[] {
  const dirs = (process.env['PATH'] ?? '').split(':').filter((d) => d !== '');
  for (const extra of ['/usr/sbin', '/sbin', '/usr/local/sbin']) if (!dirs.includes(extra)) dirs.push(extra);
  return dirs;
}

/** The full path of an executable, or null. */
export function which(name: string): string | null {
  for (const dir of searchPath()) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // Not here; keep looking.
    }
  }
  return null;
}

/** Debian's python3 first: its python3-twisted is not visible to a pyenv or venv python. */
function pythonWithTwisted(): string | null {
  for (const candidate of ['/usr/bin/python3', which('python3')]) {
    if (candidate === null) continue;
    try {
      execFileSync(candidate, ['-c', 'import twisted.web.server'], { stdio: 'ignore', timeout: 10_000 });
      return candidate;
    } catch {
      // No Twisted for this one.
    }
  }
  return null;
}

export function findPrograms(): Programs {
  return {
    nginx: which('nginx'),
    python: pythonWithTwisted(),
    redis: which('redis-server'),
    wrk: which('wrk'),
    h2load: which('h2load'),
    taskset: which('taskset'),
    cores: availableParallelism(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
  };
}

/** Versions of the peers, for the results header. Missing ones are left out. */
export function peerVersions(programs: Programs): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const pkg of ['fastify', 'hono', 'express', 'sirv', '@fastify/static', '@fastify/compress', 'compression', 'http-proxy', '@fastify/http-proxy', 'express-session', 'connect-redis', 'autocannon']) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(`../node_modules/${pkg}/package.json`, import.meta.url), 'utf8')) as { version: string };
      versions[pkg] = manifest.version;
    } catch {
      // Not installed; its rows will say so.
    }
  }
  const ask = (label: string, command: string | null, args: string[], pattern: RegExp): void => {
    if (command === null) return;
    // nginx -v answers on stderr and wrk -v exits 1: read both streams, ignore the status.
    const out = spawnSync(command, args, { encoding: 'utf8', timeout: 10_000 });
    const match = pattern.exec(`${out.stdout ?? ''}${out.stderr ?? ''}`);
    if (match !== null) versions[label] = match[1]!;
  };
  ask('nginx', programs.nginx, ['-v'], /nginx\/(\S+)/);
  ask('Twisted', programs.python, ['-c', 'import twisted; print(twisted.__version__)'], /^(\S+)/);
  ask('redis', programs.redis, ['--version'], /v=(\S+)/);
  ask('wrk', programs.wrk, ['-v'], /wrk (\S+)/);
  ask('h2load', programs.h2load, ['--version'], /nghttp2\/(\S+)/);
  return versions;
}
