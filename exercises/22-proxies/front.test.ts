/**
 * Graded tests for exercise 22. The backend is a real Site listening on a loopback port:
 * its `/store/…` answers with a JSON account of what reached it, and records every
 * request. The front (your tree) gets in-memory requests, and its proxies talk to the
 * backend over real connections.
 */
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { ProxyClientFactory, Resource, Site, type Request } from '../../lib/index.ts';
import { memoryLogger, request, testSite } from '../../lib/testing.ts';
import { subject } from '../../tools/grading/subject.ts';
import { GradingError, expectResponse, type Expected } from '../../tools/grading/wire.ts';

const { createRoot, DEPRECATION } = await subject<typeof import('./front.ts')>(import.meta.url, 'front.ts');

/** What the backend saw of one request. */
interface Seen {
  method: string;
  uri: string;
  body: string;
  forwardedFor: string | null;
}

/** The backend's `/store/…`: answers with what it saw, and 404 for `/store/missing`. */
class Store extends Resource {
  override isLeaf = true;
  readonly seen: Seen[] = [];

  override render(request: Request): string {
    const seen = { method: request.method, uri: request.uri, body: request.content.text(), forwardedFor: request.getHeader('x-forwarded-for') ?? null };
    this.seen.push(seen);
    request.setHeader('content-type', 'application/json');
    request.setHeader('x-store', 'backend');
    if (request.uri.startsWith('/store/missing')) request.setResponseCode(404);
    return JSON.stringify(seen);
  }
}

const store = new Store();
const backendSite = new Site(storeRoot(), { logger: memoryLogger() });
/** xForwarded: false, so the backend can tell whether your proxies use this factory. */
const factory = new ProxyClientFactory({ xForwarded: false });
let front: ReturnType<typeof testSite>;

function storeRoot(): Resource {
  const root = new Resource();
  root.putChild('store', store);
  return root;
}

beforeAll(async () => {
  const port = await backendSite.listen('tcp:0:interface=127.0.0.1');
  if (port.address.type === 'UNIX') throw new Error('the backend should listen on TCP');
  front = testSite(createRoot({ host: '127.0.0.1', port: port.address.port }, factory));
});

afterEach(() => {
  store.seen.length = 0;
});

afterAll(async () => {
  await backendSite.close();
  await factory.close();
});

/** Send one in-memory request to the front; check the answer and what the backend saw. */
async function visit(uri: string, expected: Expected, upstream: Partial<Seen> | null, options: { method?: string; body?: string } = {}): Promise<void> {
  const response = await request(front, { uri, method: options.method ?? 'GET', body: options.body });
  const errors = front.logger.messages.filter((m) => m.level === 'error' || m.level === 'warn').map((m) => `The front server logged: ${m.message}`);
  const note = [`${options.method ?? 'GET'} ${uri} was sent to the front server.`, ...errors].join('\n');
  expectResponse(response, expected, note);
  const seen = store.seen;
  if (upstream === null) {
    if (seen.length > 0) throw new GradingError(`${note}\n✗ The backend got ${seen.map((s) => `${s.method} ${s.uri}`).join(', ')}; this page should be answered by the front alone.`);
    return;
  }
  if (seen.length !== 1) throw new GradingError(`${note}\n✗ The backend got ${seen.length} requests; expected exactly one.`);
  for (const [key, value] of Object.entries(upstream)) {
    const actual = seen[0]![key as keyof Seen];
    if (actual !== value) {
      if (key === 'forwardedFor') {
        throw new GradingError(`${note}\n✗ The backend got X-Forwarded-For: ${String(actual)}; expected none. The factory you are given adds none: was this proxy made without it, as ReverseProxyResource's fourth argument?`);
      }
      throw new GradingError(`${note}\n✗ The backend saw ${key} ${JSON.stringify(actual)}; expected ${JSON.stringify(value)}.`);
    }
  }
}

describe('createRoot: /shop is the backend\'s /store', () => {
  it('passes /shop/items/7?color=red on as /store/items/7?color=red, and the answer back', async () => {
    await visit('/shop/items/7?color=red', { code: 200, headers: { 'x-store': 'backend', 'content-type': 'application/json' }, bodyIncludes: '"uri":"/store/items/7?color=red"' },
      { method: 'GET', uri: '/store/items/7?color=red' });
  });

  it('maps /shop to /store exactly, and /shop/ to /store/', async () => {
    await visit('/shop', { code: 200 }, { uri: '/store' });
    store.seen.length = 0;
    await visit('/shop/', { code: 200 }, { uri: '/store/' });
  });

  it('passes a POST on with its body', async () => {
    await visit('/shop/cart', { code: 200, bodyIncludes: '"body":"apple"' }, { method: 'POST', uri: '/store/cart', body: 'apple' }, { method: 'POST', body: 'apple' });
  });

  it('passes the backend\'s 404 back as it is', async () => {
    await visit('/shop/missing', { code: 404, headers: { 'x-store': 'backend' } }, { uri: '/store/missing' });
  });

  it('does not mark /shop answers as deprecated', async () => {
    await visit('/shop/items/7', { code: 200, headers: { deprecation: undefined } }, { uri: '/store/items/7' });
  });

  it('uses the factory it is given (this one adds no X-Forwarded-For)', async () => {
    await visit('/shop/items', { code: 200 }, { forwardedFor: null });
  });
});

describe('createRoot: the local pages stay local', () => {
  it('answers /status without asking the backend', async () => {
    await visit('/status', { code: 200, body: 'front: ok\n' }, null);
  });
});

describe('createRoot and Deprecated: /v1 is /store too, marked deprecated', () => {
  it('passes /v1/items/7 on as /store/items/7, with a Deprecation header on the answer', async () => {
    await visit('/v1/items/7', { code: 200, headers: { deprecation: DEPRECATION, 'x-store': 'backend' }, bodyIncludes: '"uri":"/store/items/7"' },
      { uri: '/store/items/7' });
  });

  it('marks answers at any depth, and for /v1 itself', async () => {
    await visit('/v1/a/b/c?d=e', { code: 200, headers: { deprecation: DEPRECATION } }, { uri: '/store/a/b/c?d=e' });
    store.seen.length = 0;
    await visit('/v1', { code: 200, headers: { deprecation: DEPRECATION } }, { uri: '/store' });
  });

  it('marks the backend\'s errors too, and passes POSTs on', async () => {
    await visit('/v1/missing', { code: 404, headers: { deprecation: DEPRECATION } }, { uri: '/store/missing' });
    store.seen.length = 0;
    await visit('/v1/cart', { code: 200, headers: { deprecation: DEPRECATION } }, { method: 'POST', uri: '/store/cart', body: 'pear' }, { method: 'POST', body: 'pear' });
  });

  it('uses the factory it is given for /v1 too (this one adds no X-Forwarded-For)', async () => {
    await visit('/v1/items', { code: 200, headers: { deprecation: DEPRECATION } }, { uri: '/store/items', forwardedFor: null });
  });
});
