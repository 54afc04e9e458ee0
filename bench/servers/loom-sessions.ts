/**
 * Loom's sessions: each request reads a counter from its session and writes it back
 * incremented, on the in-memory store (BENCH_STORE=memory) or on Redis
 * (BENCH_STORE=redis, at 127.0.0.1:BENCH_REDIS_PORT). Lessons 17–18 and 31.
 */
import { ComponentKey, RedisSessionStore, Resource, Site, type Request, type SiteOptions } from '../../lib/index.ts';
import { announce, benchEnv, benchPort } from './common.ts';

/** A plain object, so the Redis store can save it as JSON. */
const Counter = new ComponentKey('bench-counter', () => ({ count: 0 }));

class CounterPage extends Resource {
  override isLeaf = true;
  render_GET(request: Request): string {
    const session = request.getSession();
    const counter = session.getComponent(Counter)!;
    const next = { count: counter.count + 1 };
    session.setComponent(Counter, next); // A write the store must see, not only a mutation.
    return String(next.count);
  }
}

function storeOptions(): SiteOptions {
  if (benchEnv('BENCH_STORE') === 'memory') return {};
  return { sessionStore: new RedisSessionStore({ url: `redis://127.0.0.1:${benchEnv('BENCH_REDIS_PORT')}/0` }) };
}

const port = benchPort();
await new Site(new CounterPage(), storeOptions()).listen(`tcp:${port}:interface=127.0.0.1`);
announce(port);
