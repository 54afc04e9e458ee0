/**
 * Starting and stopping the programs of lesson 31's deployment: redis-server, several
 * `loom web` processes, and nginx, each a child process of the example, each stopped by
 * its pid when the example stops. What each is started with is the lesson's point; how
 * the example waits for it is plain plumbing, kept here.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nginxConfig } from './nginx.ts';

const LOOM = fileURLToPath(new URL('../../bin/loom.mjs', import.meta.url));

/** The programs the lesson needs, and how to install them (Debian and Ubuntu). */
export const NEEDS = [
  { program: 'nginx', install: 'sudo apt-get install nginx-light (or nginx); on macOS: brew install nginx' },
  { program: 'redis-server', install: 'sudo apt-get install redis-server; on macOS: brew install redis' },
] as const;

/** A child process the deployment started. */
export interface Running {
  readonly pid: number | undefined;
  /** What it printed, for error messages. */
  output(): string;
  /** Stop it (SIGTERM) and wait until it has exited. */
  stop(): Promise<void>;
}

/** Where `program` is: on the PATH, or in /usr/sbin where Debian puts nginx. Null when missing. */
export function findProgram(program: string): string | null {
  const found = spawnSync('sh', ['-c', 'command -v "$0"', program], { encoding: 'utf8' });
  if (found.status === 0 && found.stdout.trim() !== '') return found.stdout.trim();
  return existsSync(`/usr/sbin/${program}`) ? `/usr/sbin/${program}` : null;
}

/** Each program of {@link NEEDS} that is missing, with how to install it. */
export function missingPrograms(): string[] {
  return NEEDS.filter((need) => findProgram(need.program) === null).map((need) => `${need.program} (${need.install})`);
}

/** A loopback port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

// #region deployment-redis
/** redis-server on `port`, in memory only (the lesson keeps nothing). */
export async function startRedis(port: number): Promise<Running & { readonly port: number }> {
  const child = spawn(required('redis-server'), ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return { ...(await started(child, 'redis-server', () => accepts(port))), port };
}
// #endregion deployment-redis

// #region deployment-loom
/**
 * One Loom "machine": `loom web` serving the lesson's app with its sessions in Redis,
 * logging the address nginx passes on, on a free loopback port. Resolves with its port
 * once it prints its Listening line.
 */
export async function startLoom(redisPort: number, onLine: (line: string) => void): Promise<Running & { readonly port: number }> {
  const args = ['web', '--class', fileURLToPath(new URL('./app.ts', import.meta.url)),
    '--sessions', `redis://127.0.0.1:${redisPort}/0`, '--log-format', 'proxied', '--listen', 'tcp:0:interface=127.0.0.1'];
  const child = spawn(process.execPath, [LOOM, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let port = 0;
  const running = await started(child, 'loom web', (output) => {
    const match = /Listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(output);
    if (match !== null) port = Number(match[1]);
    return Promise.resolve(match !== null);
  }, (line) => onLine(`[loom ${child.pid}] ${line}`));
  return { ...running, port };
}
// #endregion deployment-loom

// #region deployment-nginx
/** nginx on `port`, in front of the Loom processes on `upstreams`, with its files in a temporary folder. */
export async function startNginx(port: number, upstreams: readonly number[]): Promise<Running> {
  const prefix = mkdtempSync(join(tmpdir(), 'loom-lesson31-nginx-'));
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(conf, nginxConfig({ port, upstreams, prefix }));
  const child = spawn(required('nginx'), ['-p', prefix, '-c', conf, '-e', join(prefix, 'error.log')], { stdio: ['ignore', 'pipe', 'pipe'] });
  const running = await started(child, 'nginx', () => accepts(port));
  return { ...running, stop: async () => {
    await running.stop();
    rmSync(prefix, { recursive: true, force: true });
  } };
}
// #endregion deployment-nginx

function required(program: string): string {
  const path = findProgram(program);
  if (path === null) throw new Error(`Lesson 31 runs ${program}, which is not installed: ${NEEDS.find((n) => n.program === program)?.install ?? program}.`);
  return path;
}

/** The most of a child's output kept for error messages. */
const KEPT_OUTPUT = 16 * 1024;

/**
 * Wait until `ready(output)` says the child is up (checking again every 50 ms); fail if
 * it exits first or takes 15 s. Each line it prints goes to `onLine`, if given.
 */
async function started(child: ChildProcess, name: string, ready: (output: string) => Promise<boolean>, onLine?: (line: string) => void): Promise<Running> {
  let output = '';
  const keep = (d: Buffer): void => {
    output = (output + d.toString()).slice(-KEPT_OUTPUT);
    if (onLine !== undefined) for (const line of d.toString().split('\n')) if (line !== '') onLine(line);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + 15_000;
  while (!(await ready(output))) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name} did not start within 15 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { pid: child.pid, output: () => output, stop };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
