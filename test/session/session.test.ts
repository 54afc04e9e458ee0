import { describe, expect, it } from 'vitest';
import { ComponentKey } from '../../lib/session/components.ts';
import { Resource } from '../../lib/resource.ts';
import type { Request } from '../../lib/request.ts';
import { MemorySessionStore, Session, assertPlainData, isSessionUid, newSessionUid, sessionCookieName } from '../../lib/session/session.ts';
import { Site } from '../../lib/site.ts';
import { FakeClock, makeRequest, memoryLogger, request } from '../../lib/testing.ts';

class WhoAmI extends Resource {
  override isLeaf = true;
  render_GET(req: Request) {
    return req.getSession().uid;
  }
}

function setup(options: { maxSessions?: number } = {}) {
  const clock = new FakeClock(1000);
  const store = new MemorySessionStore(options);
  // A logger of its own, so the eviction warnings land where the cap tests read them, not on stderr.
  const logger = memoryLogger();
  const site = new Site(new WhoAmI(), { clock, sessionStore: store, logger });
  return { clock, store, site, logger };
}

function cookieOf(setCookie: string | undefined): string {
  return setCookie!.split(';')[0]!;
}

describe('session uids and cookie names', () => {
  it('makes uids of 256 random bits as 64 lower-case hex digits, all different', () => {
    const uids = new Set(Array.from({ length: 100 }, newSessionUid));
    expect(uids.size).toBe(100);
    for (const uid of uids) expect(uid).toMatch(/^[0-9a-f]{64}$/);
  });

  it('recognises only well-formed uids', () => {
    expect(isSessionUid(newSessionUid())).toBe(true);
    for (const bad of ['', 'abc', 'G'.repeat(64), 'A'.repeat(64), `${'a'.repeat(64)}x`, '../'.repeat(30)]) expect(isSessionUid(bad)).toBe(false);
  });

  it('names the cookie after Twisted, with the secure variant and the sitepath suffix', () => {
    expect(sessionCookieName(false, [])).toBe('TWISTED_SESSION');
    expect(sessionCookieName(true, [])).toBe('TWISTED_SECURE_SESSION');
    expect(sessionCookieName(false, ['u', 'alice'])).toBe('TWISTED_SESSION_u_alice');
  });
});

describe('Request.getSession', () => {
  it('makes a session and sets an HttpOnly, SameSite=Lax cookie for it', async () => {
    const { site, store } = setup();
    const response = await request(site);
    expect(response.text).toMatch(/^[0-9a-f]{64}$/);
    expect(response.headers.getLast('set-cookie')).toBe(`TWISTED_SESSION=${response.text}; Path=/; HttpOnly; SameSite=lax`);
    expect(store.size).toBe(1);
  });

  it('finds the session again from the cookie and sets no new cookie', async () => {
    const { site } = setup();
    const first = await request(site);
    const second = await request(site, { headers: { cookie: cookieOf(first.headers.getLast('set-cookie')) } });
    expect(second.text).toBe(first.text);
    expect(second.headers.hasHeader('set-cookie')).toBe(false);
  });

  it('returns the same object for two calls in one request', () => {
    const { site } = setup();
    const req = makeRequest({}, site);
    expect(req.getSession()).toBe(req.getSession());
    expect(req.session).toBe(req.getSession());
    expect(req.cookies).toHaveLength(1);
  });

  it('makes a new session for an unknown, forged, garbage or oversized cookie', async () => {
    const { site, store } = setup();
    for (const value of [newSessionUid(), 'forged', '%00<script>', 'x'.repeat(10_000)]) {
      const response = await request(site, { headers: { cookie: `TWISTED_SESSION=${value}` } });
      expect(response.text).not.toBe(value);
      expect(response.headers.getLast('set-cookie')).toMatch(/^TWISTED_SESSION=[0-9a-f]{64};/);
    }
    expect(store.size).toBe(4);
  });

  it('uses a separate, Secure cookie on TLS', async () => {
    const { site } = setup();
    const plain = await request(site);
    const secure = await request(site, { secure: true, headers: { cookie: cookieOf(plain.headers.getLast('set-cookie')) } });
    expect(secure.text).not.toBe(plain.text);
    expect(secure.headers.getLast('set-cookie')).toBe(`TWISTED_SECURE_SESSION=${secure.text}; Path=/; Secure; HttpOnly; SameSite=lax`);
  });

  it('refuses to start a session after the headers went out, saying what to do', () => {
    const { site } = setup();
    const req = makeRequest({}, site);
    req.write('x');
    expect(() => req.getSession()).toThrow(expect.objectContaining({ code: 'LOOM_ERR_HEADERS_SENT', message: expect.stringContaining('start a session') }));
  });

  it('still finds an existing session after the headers went out', async () => {
    const { site } = setup();
    const first = await request(site);
    const req = makeRequest({ headers: { cookie: cookieOf(first.headers.getLast('set-cookie')) } }, site);
    req.write('x');
    expect(req.getSession().uid).toBe(first.text);
  });

  it('returns a component when given a key', () => {
    const { site } = setup();
    const Counter = new ComponentKey('counter', () => ({ value: 0 }));
    const req = makeRequest({}, site);
    req.getSession(Counter)!.value += 2;
    expect(req.getSession().getComponent(Counter)).toEqual({ value: 2 });
  });

  it('needs a Site, and says so', () => {
    expect(() => makeRequest().getSession()).toThrow(/needs a Site/);
  });
});

describe('session expiry', () => {
  it('expires a session unused for its timeout (900 s by default), running notifyOnExpire callbacks in order', () => {
    const { site, clock, store } = setup();
    const session = site.makeSession();
    const ran: string[] = [];
    session.notifyOnExpire(() => ran.push('a'));
    session.notifyOnExpire(() => ran.push('b'));
    clock.advance(899);
    expect(session.expired).toBe(false);
    clock.advance(1);
    expect(session.expired).toBe(true);
    expect(ran).toEqual(['a', 'b']);
    expect(store.find(session.uid)).toBeUndefined();
  });

  it('counts the timeout from the last request that used the session (Twisted counts from creation)', async () => {
    const { site, clock } = setup();
    const first = await request(site);
    const cookie = cookieOf(first.headers.getLast('set-cookie'));
    clock.advance(600);
    expect((await request(site, { headers: { cookie } })).text).toBe(first.text);
    clock.advance(600);
    expect((await request(site, { headers: { cookie } })).text).toBe(first.text);
    clock.advance(901);
    expect((await request(site, { headers: { cookie } })).text).not.toBe(first.text);
  });

  it('postpones expiry with touch()', () => {
    const { site, clock } = setup();
    const session = site.makeSession();
    clock.advance(800);
    session.touch();
    clock.advance(800);
    expect(session.expired).toBe(false);
    clock.advance(100);
    expect(session.expired).toBe(true);
  });

  it('expire() works while the timer is pending, removes the session and runs callbacks once', () => {
    const { site, clock, store } = setup();
    const session = site.makeSession();
    let calls = 0;
    session.notifyOnExpire(() => calls++);
    session.expire();
    session.expire();
    clock.advance(10_000);
    expect(calls).toBe(1);
    expect(store.size).toBe(0);
    expect(clock.getDelayedCalls()).toEqual([]);
  });

  it('gives a new session after the old one expired', async () => {
    const { site, clock } = setup();
    const first = await request(site);
    clock.advance(901);
    const again = await request(site, { headers: { cookie: cookieOf(first.headers.getLast('set-cookie')) } });
    expect(again.text).not.toBe(first.text);
  });

  it('uses the sessionTimeout of a Session subclass from the sessionFactory', () => {
    class Short extends Session {
      override sessionTimeout = 60;
    }
    const clock = new FakeClock();
    const site = new Site(new WhoAmI(), { clock, sessionFactory: (uid, store, c, saved) => new Short(uid, store, c, saved) });
    const session = site.makeSession();
    expect(session).toBeInstanceOf(Short);
    clock.advance(60);
    expect(session.expired).toBe(true);
  });
});

describe('MemorySessionStore expiry', () => {
  it('expires sessions with different timeouts each at its own time', () => {
    class Short extends Session {
      override sessionTimeout = 60;
    }
    const clock = new FakeClock();
    let short = true;
    const site = new Site(new WhoAmI(), { clock, sessionFactory: (uid, store, c, saved) => (short ? new Short(uid, store, c, saved) : new Session(uid, store, c, saved)) });
    const long = (short = false, site.makeSession());
    short = true;
    const brief = site.makeSession();
    clock.advance(60);
    expect([brief.expired, long.expired]).toEqual([true, false]);
    clock.advance(840);
    expect(long.expired).toBe(true);
    expect(clock.getDelayedCalls()).toEqual([]);
  });

  it('keeps one sweep when an expiry callback makes a new session', () => {
    const { site, clock, store } = setup();
    const first = site.makeSession();
    let second: Session | null = null;
    first.notifyOnExpire(() => (second = site.makeSession()));
    clock.advance(900);
    expect(first.expired).toBe(true);
    expect(store.size).toBe(1);
    expect(clock.getDelayedCalls()).toHaveLength(1);
    clock.advance(900);
    expect(second!.expired).toBe(true);
    expect(clock.getDelayedCalls()).toEqual([]);
  });

  it('uses one timer for many sessions, not one each', () => {
    const { site, clock } = setup();
    for (let i = 0; i < 100; i++) site.makeSession();
    expect(clock.getDelayedCalls()).toHaveLength(1);
  });
});

describe('MemorySessionStore cap', () => {
  it('evicts the least recently used session when full, and runs its expiry callbacks', () => {
    const { site, store } = setup({ maxSessions: 3 });
    const [a, b, c] = [site.makeSession(), site.makeSession(), site.makeSession()];
    let aExpired = false;
    let bExpired = false;
    a.notifyOnExpire(() => (aExpired = true));
    b.notifyOnExpire(() => (bExpired = true));
    a.touch(); // now b is the least recently used
    const d = site.makeSession();
    expect(store.size).toBe(3);
    expect(b.expired).toBe(true);
    expect([a, c, d].map((s) => s.expired)).toEqual([false, false, false]);
    expect(aExpired).toBe(false);
    expect(bExpired).toBe(true);
  });

  it('bounds a flood of new clients', async () => {
    const { site, store, logger } = setup({ maxSessions: 50 });
    for (let i = 0; i < 200; i++) await request(site);
    expect(store.size).toBe(50);
    expect(logger.messages.filter((m) => m.level === 'warn' && m.message.startsWith('Session store full (50 sessions)'))).toHaveLength(1);
  });

  it('refuses a cap that is not a whole number of at least 1', () => {
    expect(() => new MemorySessionStore({ maxSessions: 0 })).toThrow(/maxSessions/);
  });
});

describe('session components', () => {
  it('stores, replaces and removes components by key, making them on demand', () => {
    const { site } = setup();
    const session = site.makeSession();
    const Name = new ComponentKey<string>('name');
    const Cart = new ComponentKey('cart', () => [] as string[]);
    expect(session.getComponent(Name)).toBeUndefined();
    session.setComponent(Name, 'ada');
    expect(session.getComponent(Name)).toBe('ada');
    session.getComponent(Cart)!.push('tea');
    expect(session.getComponent(Cart)).toEqual(['tea']);
    session.removeComponent(Name);
    expect(session.getComponent(Name)).toBeUndefined();
  });

  it('keeps anything in memory, class instances included', () => {
    const { site } = setup();
    const session = site.makeSession();
    const Key = new ComponentKey<Map<string, number>>('map');
    session.setComponent(Key, new Map([['a', 1]]));
    expect(session.getComponent(Key)?.get('a')).toBe(1);
  });
});

describe('assertPlainData', () => {
  it('accepts plain JSON data', () => {
    expect(() => assertPlainData({ a: [1, 'x', null, true, { b: 2 }], c: Object.create(null) }, 'k')).not.toThrow();
  });

  it('names the component and the place of what cannot be kept', () => {
    expect(() => assertPlainData({ items: [1, new Date()] }, 'cart')).toThrow(/Session component "cart" at items\[1\] holds a Date object/);
    expect(() => assertPlainData({ f: () => 1 }, 'x')).toThrow(/holds a function/);
    expect(() => assertPlainData(Number.NaN, 'x')).toThrow(/holds NaN/);
    expect(() => assertPlainData(undefined, 'x')).toThrow(/holds undefined/);
  });
});
