/**
 * Lesson 31's deployment as one benchmark server: nginx on PORT (with the lesson's own
 * configuration, lessons/31-scaling-out/nginx.ts) in front of BENCH_UPSTREAMS Loom
 * processes, each a bundled `loom-hello` (BENCH_APP=hello) or `loom-sessions` with its
 * sessions in the Redis at BENCH_REDIS_PORT (BENCH_APP=sessions). The harness measures
 * the whole process tree: this launcher, nginx and every Loom process.
 *
 * It prints the ready line once nginx accepts connections, and on SIGTERM stops nginx,
 * then the Loom processes, then exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nginxConfig } from '../../lessons/31-scaling-out/nginx.ts';
import { benchEnv, benchPort } from './common.ts';

const BUNDLES = dirname(fileURLToPath(import.meta.url));
const port = benchPort();
const upstreams = Number(benchEnv('BENCH_UPSTREAMS'));
const app = benchEnv('BENCH_APP');
const children: ChildProcess[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as { port: number };
      probe.close(() => resolve(free));
    });
  });
}

/** One Loom process on a free port; resolves once it prints its ready line. */
async function startLoom(): Promise<number> {
  const loomPort = await freePort();
  const script = join(BUNDLES, app === 'sessions' ? 'loom-sessions.mjs' : 'loom-hello.mjs');
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, PORT: String(loomPort), BENCH_STORE: 'redis' }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('Listening on') && resolve());
    child.once('exit', (code) => reject(new Error(`a Loom process exited with ${code}`)));
  });
  return loomPort;
}

function accepts(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

const ports = await Promise.all(Array.from({ length: upstreams }, startLoom));
const prefix = mkdtempSync(join(tmpdir(), 'loom-bench-scaled-'));
writeFileSync(join(prefix, 'nginx.conf'), nginxConfig({ port, upstreams: ports, prefix }));
const nginx = spawn(benchEnv('BENCH_NGINX'), ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', join(prefix, 'error.log')], { stdio: 'inherit' });
children.unshift(nginx);
while (!(await accepts())) {
  if (nginx.exitCode !== null) throw new Error(`nginx exited with ${nginx.exitCode}`);
  await new Promise((resolve) => setTimeout(resolve, 20));
}

process.on('SIGTERM', () => {
  void (async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    }
    rmSync(prefix, { recursive: true, force: true });
    process.exit(0);
  })();
});
console.log(`Listening on http://127.0.0.1:${port}/`);
