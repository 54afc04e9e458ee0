/**
 * The server under stress: one Loom Site with every feature the cases attack mounted
 * under its own path, run as its own process (`node --expose-gc --import tsx
 * stress/target.ts`) so the RSS, file descriptors, threads and children the suite counts
 * are the server's alone, not the load generator's.
 *
 * Configured by environment (set by stress/servers.ts): STRESS_ROOT (the fixture tree),
 * PORT, STRESS_UPSTREAM_PORT / STRESS_DYING_PORT / STRESS_SILENT_PORT (proxy upstreams),
 * STRESS_REDIS_PORT (sessions on Redis instead of memory), STRESS_ACCESS_LOG (a path,
 * e.g. /dev/full), STRESS_MAX_SESSIONS. It prints `Listening on http://127.0.0.1:PORT/`
 * when ready (bench/process.ts waits for it) and answers SIGUSR2 with a full collection
 * and one `STATS {json}` line: the timers, sockets and other handles alive in it.
 */
import { join } from 'node:path';
import {
  BasicCredentialFactory, CGIDirectory, ComponentKey, DigestCredentialFactory, File, HTTPAuthSessionWrapper, InMemoryPasswordChecker,
  MemorySessionStore, NameVirtualHost, Portal, ProxyClientFactory, RedisSessionStore, Resource, ResourceScriptDirectory,
  ReverseProxyResource, Site, VHostMonsterResource, realClock, redirectTo,
  type AvatarId, type IResource, type Request, type SessionStore,
} from '../lib/index.ts';
import { appRef, GatewayResource, ThreadPool } from '../lib/gateway/index.ts';

const env = (name: string): string | undefined => (process.env[name] === '' ? undefined : process.env[name]);
const ROOT = env('STRESS_ROOT') ?? '.';
const PORT = Number(env('PORT') ?? 0);

/** Reflects query arguments into headers, redirects and cookies: the CRLF-injection targets. */
class Reflector extends Resource {
  override isLeaf = true;
  render_GET(request: Request): string {
    const value = request.args.get('v')?.[0] ?? '';
    const kind = request.postpath[0] ?? '';
    if (kind === 'header') request.setHeader('x-echo', value);
    else if (kind === 'cookie') request.addCookie('echo', value);
    else if (kind === 'redirect') return redirectTo(value, request);
    return 'reflected\n';
  }
}

/** A page that counts in its session, as lesson 18's does. */
const Counter = new ComponentKey('stress-counter', () => ({ count: 0 }));
class CounterPage extends Resource {
  override isLeaf = true;
  render_GET(request: Request): string {
    const session = request.getSession();
    const next = { count: session.getComponent(Counter)!.count + 1 };
    session.setComponent(Counter, next);
    return String(next.count);
  }
}

/** Reads the whole body, for the slow-body and oversized-body cases. */
class Sink extends Resource {
  override isLeaf = true;
  render_GET(): string {
    return 'sink\n';
  }
  render_POST(request: Request): string {
    return `got ${request.args.size} fields\n`;
  }
}

/** A leaf that answers `text` whatever the path below it: vhost and avatar pages. */
class Text extends Resource {
  override isLeaf = true;
  readonly #text: string;
  constructor(text: string) {
    super();
    this.#text = text;
  }
  render_GET(request: Request): string {
    request.setHeader('content-type', 'text/plain');
    return this.#text;
  }
}

function sessionStore(): SessionStore {
  const maxSessions = Number(env('STRESS_MAX_SESSIONS') ?? 100_000);
  const redis = env('STRESS_REDIS_PORT');
  // Redis: the store's own defaults (a 1 s command timeout, one retry) are what is under
  // test, so a Redis that went away costs each request a quick 503, never a hang.
  if (redis !== undefined) return new RedisSessionStore({ url: `redis://127.0.0.1:${redis}/0`, maxSessions });
  return new MemorySessionStore({ maxSessions });
}

function guarded(): IResource {
  const realm = { requestAvatar: (id: AvatarId) => ({ avatar: new Text(`hello ${String(id)}\n`), logout: () => undefined }) };
  const portal = new Portal(realm, [new InMemoryPasswordChecker({ alice: 'wonderland' })]);
  return new HTTPAuthSessionWrapper(portal, [new BasicCredentialFactory('stress'), new DigestCredentialFactory('SHA-256', 'stress', { clock: realClock })]);
}

function vhosts(): IResource {
  const vhost = new NameVirtualHost();
  vhost.addHost('a.example', new Text('site a\n'));
  vhost.addHost('b.example', new Text('site b\n'));
  vhost.default = new Text('default site\n');
  return vhost;
}

function proxies(root: Resource): void {
  const factory = new ProxyClientFactory({ timeout: Number(env('STRESS_PROXY_TIMEOUT') ?? 3) });
  for (const [name, variable] of [['proxy', 'STRESS_UPSTREAM_PORT'], ['proxy-dies', 'STRESS_DYING_PORT'], ['proxy-silent', 'STRESS_SILENT_PORT']] as const) {
    const port = env(variable);
    if (port !== undefined) root.putChild(name, new ReverseProxyResource('127.0.0.1', Number(port), '', factory));
  }
}

async function gateway(root: Resource): Promise<ThreadPool> {
  // A fixed size: a pool growing to its bound under a burst is a bounded cost, and with
  // min = max the abort and fault cases' thread counts show only what is left behind.
  const pool = new ThreadPool({ minThreads: 4, maxThreads: 4 });
  pool.start();
  await pool.ready();
  const apps = join(ROOT, 'gateway-apps.mjs');
  const folder = new Resource();
  for (const name of ['hello', 'throws', 'exits', 'loops']) folder.putChild(name, new GatewayResource(realClock, pool, appRef(apps, name), { timeout: 2 }));
  root.putChild('gateway', folder);
  return pool;
}

const root = new Resource();
root.putChild('', new Text('stress target\n'));
root.putChild('files', new File(join(ROOT, 'served')));
root.putChild('cgi', new CGIDirectory(join(ROOT, 'served', 'cgi-bin')));
root.putChild('rsx', new ResourceScriptDirectory(join(ROOT, 'served', 'scripts')));
root.putChild('reflect', new Reflector());
root.putChild('session', new CounterPage());
root.putChild('sink', new Sink());
root.putChild('auth', guarded());
root.putChild('vhost', vhosts());
root.putChild('vm', new VHostMonsterResource());
root.putChild('vm-site', new Text('behind the monster\n'));
proxies(root);
const pool = await gateway(root);

const site = new Site(root, { sessionStore: sessionStore(), accessLog: env('STRESS_ACCESS_LOG') ?? null });
await site.listen(`tcp:${PORT}:interface=127.0.0.1`);

process.on('SIGUSR2', () => {
  (globalThis as { gc?: () => void }).gc?.();
  const resources: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) resources[kind] = (resources[kind] ?? 0) + 1;
  console.log(`STATS ${JSON.stringify({ resources, sessions: (site.sessions as { size?: number }).size ?? null })}`);
});
const stop = (): void => void Promise.all([site.close(), pool.stop()]).finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
console.log(`Listening on http://127.0.0.1:${PORT}/`);
