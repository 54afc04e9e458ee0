/**
 * Lesson 31's setup, for real: nginx (with the lesson's configuration) in front of two
 * `loom web` processes that keep their sessions in one redis-server and log the address
 * nginx passes in X-Forwarded-For. A session started on one process continues on the
 * other; Redis stopped is a 503 from both, and Redis started again (on the same data)
 * brings every saved session back without a restart of Loom.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { startNginx, type Running } from '../../lessons/31-scaling-out/deployment.ts';
import { requires } from '../support/programs.ts';
import { freePort, redisServer, startRedis, type RedisProcess } from '../support/redis-server.ts';
import { ROOT, startLoom, type LoomProgram } from '../support/loom-program.ts';

const APP = join(ROOT, 'lessons', '31-scaling-out', 'app.ts');
const nginx = requires('nginx', { install: 'apt-get install nginx-light' });
const both = requires('nginx and redis-server', {
  find: () => (nginx.path !== null && redisServer.path !== null ? nginx.path : null), install: 'apt-get install nginx-light redis-server',
});

/** One answer of the lesson's app, read. */
interface Visit {
  readonly status: number;
  readonly pid: number;
  readonly visits: number;
  readonly cookie: string | null;
}

both.describe('two loom web processes behind nginx, sharing sessions in Redis', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loom-scale-'));
  let redis: RedisProcess;
  let looms: LoomProgram[];
  let front: Running;
  let base: string;

  beforeAll(async () => {
    redis = await startRedis(undefined, { dir });
    const args = (name: string) => ['web', '--class', APP, '--sessions', `redis://127.0.0.1:${redis.port}/0`, '--log-format', 'proxied',
      '--logfile', join(dir, `${name}.log`), '--listen', 'tcp:0:interface=127.0.0.1'];
    looms = await Promise.all([startLoom(args('a')), startLoom(args('b'))]);
    const port = await freePort();
    front = await startNginx(port, looms.map((loom) => Number(new URL(loom.urls[0]!).port)));
    base = `http://127.0.0.1:${port}/`;
  }, 60_000);

  afterAll(async () => {
    await front?.stop();
    await Promise.all((looms ?? []).map((loom) => loom.stop()));
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function visit(cookie: string | null, headers: Record<string, string> = {}): Promise<Visit> {
    const response = await fetch(base, { headers: { ...headers, ...(cookie === null ? {} : { cookie }) } });
    const text = await response.text();
    return {
      status: response.status,
      pid: Number(/served by process (\d+)/.exec(text)?.[1]),
      visits: Number(/visits in this session: (\d+)/.exec(text)?.[1]),
      cookie: response.headers.get('set-cookie')?.split(';')[0] ?? null,
    };
  }

  both.it('continues a session started on one process on the other, nginx taking turns', async () => {
    const first = await visit(null);
    expect(first.status).toBe(200);
    expect(first.cookie).toMatch(/^TWISTED_SESSION=[0-9a-f]{64}$/);
    const seen = [first];
    for (let i = 0; i < 3; i++) seen.push(await visit(first.cookie));
    expect(seen.map((v) => v.visits)).toEqual([1, 2, 3, 4]);
    const pids = looms.map((loom) => loom.child.pid);
    expect(new Set(seen.map((v) => v.pid))).toEqual(new Set(pids));
  });

  both.it('logs the client address nginx passed on, not nginx\'s, nor one the client forged', async () => {
    await visit(null, { 'x-forwarded-for': '6.6.6.6', 'user-agent': 'scale-out-test' });
    await visit(null, { 'x-forwarded-for': '6.6.6.6', 'user-agent': 'scale-out-test' });
    // Written when each response finished, which was before fetch resolved; the file may lag a write.
    let lines: string[] = [];
    for (let i = 0; i < 100 && lines.length < 2; i++) {
      lines = ['a', 'b'].flatMap((name) => readFileSync(join(dir, `${name}.log`), 'utf8').split('\n')).filter((l) => l.includes('scale-out-test'));
      if (lines.length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/^"127\.0\.0\.1" - - /);
  });

  both.it('answers 503 while Redis is down, and keeps every saved session when it is back', async () => {
    const started = await visit(null);
    const again = await visit(started.cookie);
    expect(again.visits).toBe(2);

    const port = redis.port;
    await redis.stop();
    const down = await Promise.all([visit(started.cookie), visit(started.cookie)]);
    expect(down.map((v) => v.status)).toEqual([503, 503]);

    redis = await startRedis(port, { dir });
    // Each process reconnects by itself (ioredis retries at most 2 s apart): ask until both answer.
    const answered = new Map<number, Visit>();
    for (let i = 0; i < 100 && answered.size < 2; i++) {
      const v = await visit(started.cookie);
      if (v.status === 200) answered.set(v.pid, v);
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(answered.size).toBe(2);
    // Nothing saved was lost: the count carried on from 2, on both processes.
    expect([...answered.values()].map((v) => v.visits).sort()).toEqual([3, 4]);
  }, 60_000);
});
