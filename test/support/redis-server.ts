/**
 * Starts a real redis-server on a free loopback port for the tests that need one, and
 * stops it. Whether the tests run at all is `redisServer` (see requires()): under CI a
 * missing redis-server is a failure, elsewhere the tests skip with the reason.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createConnection } from 'node:net';
import { requires } from './programs.ts';

/** Where the Redis tests find redis-server, and how they skip without it. */
export const redisServer = requires('redis-server');

/** A running redis-server. */
export interface RedisProcess {
  readonly port: number;
  /** Stop it (SIGTERM) and wait for it to exit. */
  stop(): Promise<void>;
}

/** Pick a free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/**
 * Start redis-server (on `port`, or a free one) and wait until it answers PING. With
 * `dir`, it keeps its data there in an append-only file, so a server started again on
 * the same folder has what the last one saved; without, it keeps nothing.
 */
export async function startRedis(port?: number, options: { dir?: string } = {}): Promise<RedisProcess> {
  const p = port ?? (await freePort());
  const keep = options.dir === undefined ? ['--appendonly', 'no'] : ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', options.dir];
  const child: ChildProcess = spawn('redis-server', ['--port', String(p), '--bind', '127.0.0.1', '--save', '', ...keep, '--daemonize', 'no', '--loglevel', 'warning'], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitForPong(p, exited);
  return {
    port: p,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Poll with PING until Redis answers PONG; fail if the process exits first. */
async function waitForPong(port: number, exited: Promise<void>): Promise<void> {
  let dead = false;
  void exited.then(() => (dead = true));
  for (let attempt = 0; attempt < 200; attempt++) {
    if (dead) throw new Error(`redis-server exited before answering on port ${port}`);
    if (await ping(port)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`redis-server did not answer on port ${port}`);
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(port, '127.0.0.1');
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      resolve(d.toString().startsWith('+PONG'));
      socket.destroy();
    });
    socket.on('error', () => resolve(false));
  });
}
