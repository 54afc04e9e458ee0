/**
 * Graded tests for exercise 31. Two "processes" are two copies of your module (imported
 * twice, so each has its own module-level state, as two processes would), each behind
 * its own Site. The Sites share one session store that, like Redis, keeps each session
 * as JSON text outside both of them.
 */
import { pathToFileURL } from 'node:url';
import { describe, it } from 'vitest';
import {
  Site, defaultSessionFactory, type Clock, type SavedSession, type Session, type SessionFactory, type SessionStore,
} from '../../lib/index.ts';
import { FakeClock, makeRequest, memoryLogger, request, type TestResponse } from '../../lib/testing.ts';
import { subject, subjectPath } from '../../tools/grading/subject.ts';
import { GradingError, expectResponse } from '../../tools/grading/wire.ts';

type CartModule = typeof import('./cart.ts');
const first = await subject<CartModule>(import.meta.url, 'cart.ts');
// The same file again, as a second process would load it: a separate copy of its module state.
const second = (await import(`${pathToFileURL(subjectPath(import.meta.url, 'cart.ts')).href}?second-process`)) as CartModule;

/** Sessions as JSON text in one Map, shared by every store made with it: Redis, in miniature. */
class SharedStore implements SessionStore {
  readonly remote = true;
  readonly evictions = 0; // this miniature never evicts
  readonly #data: Map<string, string>;
  #clock: Clock = new FakeClock();
  #factory: SessionFactory = defaultSessionFactory;

  constructor(data: Map<string, string>) {
    this.#data = data;
  }

  attach(clock: Clock, factory: SessionFactory): void {
    this.#clock = clock;
    this.#factory = factory;
  }

  async find(uid: string): Promise<Session | undefined> {
    const json = this.#data.get(uid);
    return json === undefined ? undefined : this.#factory(uid, this, this.#clock, JSON.parse(json) as SavedSession);
  }

  add(): void {}
  touched(): void {}
  remove(session: Session): void {
    this.#data.delete(session.uid);
  }

  save(session: Session): void {
    this.#data.set(session.uid, JSON.stringify(session.save()));
  }

  async close(): Promise<void> {}

  /** What is kept for `uid`, parsed. */
  saved(uid: string): SavedSession | undefined {
    const json = this.#data.get(uid);
    return json === undefined ? undefined : (JSON.parse(json) as SavedSession);
  }
}

function twoProcesses() {
  const data = new Map<string, string>();
  const storeA = new SharedStore(data);
  const a = new Site(new first.CartPage(), { sessionStore: storeA, logger: memoryLogger() });
  const b = new Site(new second.CartPage(), { sessionStore: new SharedStore(data), logger: memoryLogger() });
  return { a, b, storeA };
}

const add = (item: string, cookie?: string) => ({
  method: 'POST', uri: '/cart', body: `item=${item}`,
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie === undefined ? {} : { cookie }) },
});

function cookieOf(response: TestResponse): string {
  const set = response.request.cookies[0];
  if (set === undefined) throw new GradingError('The first request made no session: call request.getSession() to have one.');
  return set.split(';')[0]!;
}

describe('CartPage, on two processes sharing their sessions', () => {
  it('shows the cart on the other process: an item added on one is there on the next request to the other', async () => {
    const { a, b } = twoProcesses();
    const added = await request(a, add('tea'));
    expectResponse(added, { code: 200, bodyIncludes: ': tea\n' }, 'POST /cart with item=tea, to process A.');
    const shown = await request(b, { uri: '/cart', headers: { cookie: cookieOf(added) } });
    expectResponse(shown, { code: 200, bodyIncludes: ': tea\n' },
      'Then GET /cart with the session cookie, to process B. A Map in the module is not shared between processes; the session is.');
  });

  it('keeps adding whichever process answers', async () => {
    const { a, b } = twoProcesses();
    const cookie = cookieOf(await request(a, add('tea')));
    await request(b, add('scones', cookie));
    const last = await request(a, add('jam', cookie));
    expectResponse(last, { code: 200, bodyIncludes: ': tea, scones, jam\n' }, 'Three POSTs with one session cookie: A, then B, then A.');
  });

  it('keeps the cart as plain data under the CartItems key, so Redis could hold it', async () => {
    const { a, storeA } = twoProcesses();
    const added = await request(a, add('tea'));
    const uid = cookieOf(added).split('=')[1]!;
    const kept = storeA.saved(uid)?.components[first.CartItems.name];
    if (JSON.stringify(kept) !== '["tea"]') {
      throw new GradingError(`After POST /cart with item=tea, the session store keeps for "${first.CartItems.name}": ${JSON.stringify(kept)}.\n` +
        '✗ expected ["tea"]: set the component to a new array after adding.');
    }
  });

  it('shows an empty cart to a new visitor', async () => {
    const { b } = twoProcesses();
    expectResponse(await request(b, { uri: '/cart' }), { code: 200, bodyIncludes: ': (empty)\n' }, 'GET /cart with no cookie.');
  });
});

describe('clientAddress', () => {
  const proxies = new Set(['10.0.0.2']);
  const cases: [string, string, string | undefined, string][] = [
    ['a trusted proxy says who the client was', '10.0.0.2', '203.0.113.5', '203.0.113.5'],
    ['a trusted proxy appended to what the client claimed: the last entry is the proxy\'s', '10.0.0.2', '6.6.6.6, 203.0.113.5', '203.0.113.5'],
    ['a client that is not a proxy forges the header: it is ignored (security)', '198.51.100.7', '203.0.113.5', '198.51.100.7'],
    ['a trusted proxy that sent no header: its own address', '10.0.0.2', undefined, '10.0.0.2'],
  ];
  for (const [title, peer, forwarded, expected] of cases) {
    it(title, () => {
      const req = makeRequest({
        client: { type: 'IPv4', host: peer, port: 40000 },
        headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded },
      });
      const got = first.clientAddress(req, proxies);
      if (got !== expected) {
        throw new GradingError(`clientAddress for a connection from ${peer}${forwarded === undefined ? ' with no X-Forwarded-For' : ` with X-Forwarded-For: ${forwarded}`}, trusting ${[...proxies].join(', ')}\n✗ expected "${expected}", got "${got}".`);
      }
    });
  }

  it('is what the cart page says the client is', async () => {
    const response = await request(new first.CartPage(proxies), {
      uri: '/cart', client: { type: 'IPv4', host: '10.0.0.2', port: 1 }, headers: { 'x-forwarded-for': '203.0.113.5' },
    });
    expectResponse(response, { code: 200, bodyIncludes: 'Cart for 203.0.113.5: ' }, 'GET /cart from the trusted proxy 10.0.0.2, for the client 203.0.113.5.');
  });
});
