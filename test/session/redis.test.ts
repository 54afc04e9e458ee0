/**
 * The Redis session store against a real redis-server started on a free port.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ComponentKey } from '../../lib/session/components.ts';
import { Resource } from '../../lib/resource.ts';
import type { Request } from '../../lib/request.ts';
import { RedisSessionStore } from '../../lib/session/redis.ts';
import { Site } from '../../lib/site.ts';
import { FakeClock, memoryLogger, request } from '../../lib/testing.ts';
import { redisServer, startRedis, type RedisProcess } from '../support/redis-server.ts';
import { sessionStoreContract } from '../support/session-store-contract.ts';
import { within } from '../support/within.ts';

let redis: RedisProcess;
const stores: RedisSessionStore[] = [];

function store(options: { commandTimeout?: number; maxSessions?: number } = {}): RedisSessionStore {
  const s = new RedisSessionStore({ url: `redis://127.0.0.1:${redis.port}`, prefix: `test:${stores.length}:`, ...options });
  stores.push(s);
  return s;
}

async function ready(s: RedisSessionStore): Promise<void> {
  if (s.client.status !== 'ready') await once(s.client, 'ready');
}

const Note = new ComponentKey<string>('note');
const Bad = new ComponentKey<unknown>('bad');

class Notes extends Resource {
  override isLeaf = true;
  render_GET(req: Request) {
    const note = req.args.get('note')?.[0];
    if (note !== undefined) req.getSession().setComponent(Note, note);
    if (req.args.has('bad')) req.getSession().setComponent(Bad, new Map());
    return `${req.getSession().uid} ${req.getSession(Note) ?? '(none)'}`;
  }
}

redisServer.describe('RedisSessionStore', () => {
  beforeAll(async () => {
    redis = await startRedis();
  });

  afterAll(async () => {
    for (const s of stores) await s.close();
    await redis?.stop();
  });

  sessionStoreContract('RedisSessionStore', async (options) => {
    const s = store(options);
    await ready(s);
    return s;
  });

  it('keeps a session as JSON with a TTL of its timeout, renewed by each request that uses it', async () => {
    const s = store();
    await ready(s);
    const site = new Site(new Notes(), { sessionStore: s, clock: new FakeClock(), logger: memoryLogger() });
    const first = await request(site, { uri: '/?note=hello' });
    const uid = first.text.split(' ')[0]!;
    const key = `${s.prefix}${uid}`;
    expect(JSON.parse((await s.client.get(key))!)).toMatchObject({ components: { note: 'hello' } });
    expect(await s.client.ttl(key)).toBeGreaterThan(890);
    await s.client.expire(key, 5);
    await request(site, { headers: { cookie: `TWISTED_SESSION=${uid}` } });
    expect(await s.client.ttl(key)).toBeGreaterThan(890);
  });

  it('does not write back a session whose components did not change, but renews its TTL and its rank', async () => {
    const s = store();
    await ready(s);
    const clock = new FakeClock(1_700_000_000);
    const site = new Site(new Notes(), { sessionStore: s, clock, logger: memoryLogger() });
    const uid = (await request(site, { uri: '/?note=hello' })).text.split(' ')[0]!;
    const key = `${s.prefix}${uid}`;
    const written = await s.client.get(key);
    await s.client.expire(key, 5);
    clock.advance(60);
    expect((await request(site, { headers: { cookie: `TWISTED_SESSION=${uid}` } })).text).toBe(`${uid} hello`);
    expect(await s.client.get(key)).toBe(written); // not rewritten
    expect(await s.client.ttl(key)).toBeGreaterThan(890);
    expect(Number(await s.client.zscore(`${s.prefix}lru`, key))).toBe(1_700_000_060);
    await request(site, { uri: '/?note=changed', headers: { cookie: `TWISTED_SESSION=${uid}` } });
    expect(JSON.parse((await s.client.get(key))!)).toMatchObject({ components: { note: 'changed' } });
  });

  it('touches an unchanged session with one command, after one to load it', async () => {
    const s = store();
    await ready(s);
    const site = new Site(new Notes(), { sessionStore: s, clock: new FakeClock(), logger: memoryLogger() });
    const uid = (await request(site, { uri: '/?note=hello' })).text.split(' ')[0]!;
    // Once, so each script has gone to this connection whole; from then on it goes by its SHA.
    await request(site, { headers: { cookie: `TWISTED_SESSION=${uid}` } });
    // monitor() opens a connection of its own: close the duplicate it came from too, or it
    // outlives the file and complains on stderr once this redis-server is gone.
    const watcher = s.client.duplicate();
    const monitor = await watcher.monitor();
    const seen: string[][] = [];
    const sentinel = `sentinel-${uid.slice(0, 8)}`;
    const done = new Promise<void>((resolve) => {
      // Commands a script runs show as from "lua"; only what the client sent counts.
      monitor.on('monitor', (_time: string, args: string[], source: string) => {
        if (args[0]?.toLowerCase() === 'echo' && args[1] === sentinel) resolve();
        else if (source !== 'lua') seen.push(args);
      });
    });
    try {
      await request(site, { headers: { cookie: `TWISTED_SESSION=${uid}` } });
      await s.client.echo(sentinel);
      await within(done, 5000, 'the sentinel in MONITOR', () => JSON.stringify(seen));
      expect(seen.map((args) => args[0]!.toLowerCase())).toEqual(['evalsha', 'evalsha']);
    } finally {
      monitor.disconnect();
      watcher.disconnect();
    }
  });

  it('refuses a component that is not plain data, with a clear error, and the request gets a 500', async () => {
    const s = store();
    await ready(s);
    const logger = memoryLogger();
    const site = new Site(new Notes(), { sessionStore: s, logger });
    const response = await request(site, { uri: '/?bad=1' });
    expect(response.code).toBe(500);
    expect((logger.messages[0]?.error as Error).message).toMatch(/Session component "bad" holds a Map object; a session store outside this process can only keep plain JSON data/);
  });

  it('finishes the writes under way before it closes', async () => {
    const s = store();
    await ready(s);
    const logger = memoryLogger();
    const site = new Site(new Notes(), { sessionStore: s, logger });
    const uid = (await request(site, { uri: '/?note=last-words' })).text.split(' ')[0]!;
    const key = `${s.prefix}${uid}`;
    const reader = new RedisSessionStore({ url: `redis://127.0.0.1:${redis.port}` });
    await site.close(); // in the same tick as the request's save
    expect(logger.messages.filter((m) => m.level === 'error')).toEqual([]);
    expect(JSON.parse((await reader.client.get(key))!)).toMatchObject({ components: { note: 'last-words' } });
    await reader.close();
  });

  it('ends the response only once Redis has acknowledged the session write, so the next request anywhere finds it', async () => {
    const s = store();
    await ready(s);
    const site = new Site(new Notes(), { sessionStore: s, logger: memoryLogger() });
    const other = new RedisSessionStore({ url: `redis://127.0.0.1:${redis.port}` });
    await ready(other);
    await other.client.call('CLIENT', 'PAUSE', '60000', 'WRITE'); // writes wait; reads (CLIENT LIST) do not
    try {
      let ended = false;
      const pending = request(site, { uri: '/?note=held' }).then((response) => ((ended = true), response));
      // Wait until the save (a script: EVALSHA, or EVAL the first time) is at Redis, held by the pause.
      while (!/cmd=eval(sha)?\b/.test(String(await other.client.call('CLIENT', 'LIST')))) await new Promise((resolve) => setImmediate(resolve));
      expect(ended).toBe(false);
      await other.client.call('CLIENT', 'UNPAUSE');
      const uid = (await pending).text.split(' ')[0]!;
      expect(JSON.parse((await other.client.get(`${s.prefix}${uid}`))!)).toMatchObject({ components: { note: 'held' } });
    } finally {
      await other.client.call('CLIENT', 'UNPAUSE');
      await other.close();
    }
  });

  it('loads the session for a multipart POST too', async () => {
    const s = store();
    await ready(s);
    class Form extends Resource {
      override isLeaf = true;
      render_GET(req: Request) {
        req.getSession().setComponent(Note, 'made on GET');
        return req.getSession().uid;
      }
      render_POST(req: Request) {
        return `${req.getSession().uid} ${req.getSession(Note) ?? '(none)'} ${req.args.get('field')?.[0] ?? ''}`;
      }
    }
    const site = new Site(new Form(), { sessionStore: s, logger: memoryLogger() });
    const uid = (await request(site)).text;
    const body = '--b\r\nContent-Disposition: form-data; name="field"\r\n\r\nvalue\r\n--b--\r\n';
    const posted = await request(site, { method: 'POST', body, headers: { cookie: `TWISTED_SESSION=${uid}`, 'content-type': 'multipart/form-data; boundary=b' } });
    expect(posted.text).toBe(`${uid} made on GET value`);
  });

  it('deletes the key when a session expires', async () => {
    const s = store();
    await ready(s);
    const site = new Site(new Notes(), { sessionStore: s, logger: memoryLogger() });
    const uid = (await request(site, { uri: '/?note=x' })).text.split(' ')[0]!;
    const session = await s.find(uid);
    expect(session?.getComponent(Note)).toBe('x');
    session!.expire();
    await s.client.ping(); // commands on one connection run in order: the DEL is done
    expect(await s.client.exists(`${s.prefix}${uid}`)).toBe(0);
  });

  it('shares sessions between two Sites in two processes', async () => {
    const s = store();
    await ready(s);
    // Both processes use the default key prefix, as two copies of one app would.
    const here = new Site(new Notes(), { sessionStore: new RedisSessionStore({ client: s.client }), logger: memoryLogger() });
    const made = await request(here, { uri: '/?note=from-the-parent' });
    const uid = made.text.split(' ')[0]!;

    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/redis-session-site.ts'], {
      env: { ...process.env, REDIS_PORT: String(redis.port) }, stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
      });
      const port = Number(/^PORT (\d+)$/.exec(line)?.[1]);
      const text = await (await fetch(`http://127.0.0.1:${port}/`, { headers: { cookie: `TWISTED_SESSION=${uid}` } })).text();
      const [pid, seenUid, note] = text.split(' ');
      expect(Number(pid)).toBe(child.pid);
      expect(Number(pid)).not.toBe(process.pid);
      expect(seenUid).toBe(uid);
      expect(note).toBe('from-the-parent');
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
      await s.client.del(`loom:session:${uid}`);
    }
  });

  it('answers 503 with a clear message while Redis is down, and recovers when it is back', async () => {
    const s = store({ commandTimeout: 300 });
    await ready(s);
    const logger = memoryLogger();
    const site = new Site(new Notes(), { sessionStore: s, logger });
    const uid = (await request(site, { uri: '/?note=kept' })).text.split(' ')[0]!;
    const cookie = `TWISTED_SESSION=${uid}`;

    const port = redis.port;
    await redis.stop();
    const down = await request(site, { headers: { cookie } });
    expect(down.code).toBe(503);
    expect(down.text).toContain('The session store is not reachable right now');
    expect(logger.messages.some((m) => m.level === 'error' && m.message.includes('Session store unavailable'))).toBe(true);

    redis = await startRedis(port);
    await ready(s);
    // The data went with the old server (no persistence), so the client gets a fresh
    // session: what matters is that the Site answers again.
    const back = await request(site, { headers: { cookie } });
    expect(back.code).toBe(200);
  });
});
