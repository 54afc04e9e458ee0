/**
 * The behaviour every session store must have, run against each store (memory, Redis)
 * so they stay interchangeable: the same resource code works on either. Time is the
 * Site's FakeClock, so expiry is tested by moving it, never by waiting.
 */
import { describe, expect, it } from 'vitest';
import { ComponentKey } from '../../lib/session/components.ts';
import { NOT_DONE_YET, Resource } from '../../lib/resource.ts';
import type { Request } from '../../lib/request.ts';
import { DEFAULT_SESSION_TIMEOUT, type SessionStore } from '../../lib/session/session.ts';
import { Site } from '../../lib/site.ts';
import { FakeClock, makeRequest, memoryLogger, request, type MemoryLogger } from '../../lib/testing.ts';

const Visits = new ComponentKey('visits', () => ({ count: 0, pages: [] as string[] }));
const Profile = new ComponentKey<unknown>('profile');
/** Plain data of every JSON kind, nested, as a remote store must keep it. */
const PROFILE = { name: 'Ada', tags: ['a', 'b'], score: 1.5, admin: false, nothing: null, nested: { deep: [1, { x: 'y' }] } };

class Counter extends Resource {
  override isLeaf = true;
  render_GET(req: Request) {
    const visits = req.getSession(Visits)!;
    visits.count += 1;
    visits.pages.push(req.uri);
    return `${req.getSession().uid} ${visits.count} ${visits.pages.join(',')}`;
  }
}

class Remember extends Resource {
  override isLeaf = true;
  render_GET(req: Request) {
    if (req.args.has('set')) req.getSession().setComponent(Profile, PROFILE);
    return JSON.stringify(req.getSession(Profile) ?? null);
  }
}

class Logout extends Resource {
  override isLeaf = true;
  render_GET(req: Request) {
    req.getSession().expire();
    return 'bye';
  }
}

/** Starts a session, then waits: its response is finished (or abandoned) by the test. */
class Pending extends Resource {
  override isLeaf = true;
  render_GET(req: Request) {
    req.getSession();
    return NOT_DONE_YET;
  }
}

/** What a store must be able to count: sessions it evicted to stay under its cap. */
interface EvictingStore extends SessionStore {
  readonly evictions: number;
}

/** How the contract makes a store: with a cap on live sessions when one is given. */
export type MakeStore = (options: { maxSessions?: number }) => EvictingStore | Promise<EvictingStore>;

export function sessionStoreContract(name: string, makeStore: MakeStore): void {
  describe(`${name}: the session store contract`, () => {
    let clock: FakeClock;
    let logger: MemoryLogger;
    async function site(options: { maxSessions?: number } = {}): Promise<Site> {
      const root = new Resource();
      root.putChild('count', new Counter());
      root.putChild('remember', new Remember());
      root.putChild('logout', new Logout());
      root.putChild('pending', new Pending());
      clock = new FakeClock(1_700_000_000);
      logger = memoryLogger();
      return new Site(root, { sessionStore: await makeStore(options), clock, logger });
    }
    const cookieOf = (response: { headers: { getLast(name: string): string | undefined } }): string =>
      response.headers.getLast('set-cookie')!.split(';')[0]!;
    const countAndUid = (text: string): [string, string] => [text.split(' ')[1]!, text.split(' ')[0]!];

    it('finds the session a previous request made, with its components', async () => {
      const s = await site();
      const first = await request(s, { uri: '/count' });
      const cookie = first.headers.getLast('set-cookie')!.split(';')[0]!;
      const second = await request(s, { uri: '/count?again', headers: { cookie } });
      const [uid1] = first.text.split(' ');
      expect(second.text).toBe(`${uid1} 2 /count,/count?again`);
      await s.close();
    });

    it('forgets an expired session', async () => {
      const s = await site();
      const first = await request(s, { uri: '/count' });
      const cookie = first.headers.getLast('set-cookie')!.split(';')[0]!;
      expect((await request(s, { uri: '/logout', headers: { cookie } })).text).toBe('bye');
      const after = await request(s, { uri: '/count', headers: { cookie } });
      expect(after.text.split(' ')[1]).toBe('1');
      expect(after.text.split(' ')[0]).not.toBe(first.text.split(' ')[0]);
      await s.close();
    });

    it('expires a session left unused for its timeout, by the Site\'s clock', async () => {
      const s = await site();
      const first = await request(s, { uri: '/count' });
      const cookie = cookieOf(first);
      clock.advance(DEFAULT_SESSION_TIMEOUT + 1);
      const after = await request(s, { uri: '/count', headers: { cookie } });
      expect(countAndUid(after.text)[0]).toBe('1');
      expect(countAndUid(after.text)[1]).not.toBe(countAndUid(first.text)[1]);
      await s.close();
    });

    it('touches a session on each use, so its timeout counts from the last request', async () => {
      const s = await site();
      const first = await request(s, { uri: '/count' });
      const cookie = cookieOf(first);
      for (const expected of ['2', '3', '4']) {
        clock.advance(DEFAULT_SESSION_TIMEOUT * 0.6); // two of these add up to more than the timeout
        const again = await request(s, { uri: '/count', headers: { cookie } });
        expect(countAndUid(again.text)).toEqual([expected, countAndUid(first.text)[1]]);
      }
      await s.close();
    });

    it('keeps a session that is only read alive by use alone, though nothing in it changed', async () => {
      const s = await site();
      const cookie = cookieOf(await request(s, { uri: '/remember?set=1' }));
      for (let i = 0; i < 3; i += 1) {
        clock.advance(DEFAULT_SESSION_TIMEOUT * 0.6); // two of these add up to more than the timeout
        const back = await request(s, { uri: '/remember', headers: { cookie } });
        expect(JSON.parse(back.text)).toEqual(PROFILE);
      }
      await s.close();
    });

    it('gives back a component of plain data as it was stored, nested kinds and all', async () => {
      const s = await site();
      const set = await request(s, { uri: '/remember?set=1' });
      const back = await request(s, { uri: '/remember', headers: { cookie: cookieOf(set) } });
      expect(JSON.parse(back.text)).toEqual(PROFILE);
      await s.close();
    });

    it('leaves nothing scheduled on the Site\'s clock once closed', async () => {
      const s = await site();
      await request(s, { uri: '/count' });
      await s.close();
      expect(clock.getDelayedCalls()).toEqual([]);
    });

    it('security: evicts the least recently used session when full, counts each, and logs once per burst', async () => {
      const s = await site({ maxSessions: 2 });
      const store = s.sessions as EvictingStore;
      const make = async (): Promise<string> => {
        clock.advance(1); // distinct times, so "least recently used" is never a tie
        return cookieOf(await request(s, { uri: '/count' }));
      };
      const visit = async (cookie: string): Promise<string> => {
        clock.advance(1);
        return countAndUid((await request(s, { uri: '/count', headers: { cookie } })).text)[0];
      };
      const [a, b] = [await make(), await make()];
      expect(await visit(a)).toBe('2'); // a is now more recent than b
      const c = await make(); // full: b goes
      expect(await visit(a)).toBe('3');
      expect(store.evictions).toBe(1); // (a remote store learns it with the reply, before the next request's)
      expect(await visit(c)).toBe('2');
      expect(await visit(b)).toBe('1'); // b was forgotten: a new session, which evicts a
      expect(await visit(c)).toBe('3');
      expect(store.evictions).toBe(2);
      const full = logger.messages.filter((m) => m.message.includes('evicting'));
      expect(full).toHaveLength(1);
      expect(full[0]!.level).toBe('warn');
      await s.close();
    });

    it('keeps a new session only once the response carrying its cookie is sent: a client that left costs nothing', async () => {
      const s = await site();
      const left = makeRequest({ uri: '/pending' }, s);
      s.dispatch(left);
      const uid = left.session!.uid;
      (left.channel as unknown as { loseConnection(): void }).loseConnection(); // the in-memory channel's way to hang up
      left.finish();
      expect(await s.sessions.find(uid)).toBeUndefined();

      const answered = makeRequest({ uri: '/pending' }, s);
      s.dispatch(answered);
      const kept = answered.session!.uid;
      expect(await s.sessions.find(kept)).toBeUndefined(); // not before its response is sent
      answered.finish();
      expect((await s.sessions.find(kept))?.uid).toBe(kept); // one connection: Redis answers in order
      await s.close();
    });

    it('makes a new session for a cookie naming none', async () => {
      const s = await site();
      const response = await request(s, { uri: '/count', headers: { cookie: `TWISTED_SESSION=${'ab'.repeat(32)}` } });
      expect(response.text.split(' ')[0]).not.toBe('ab'.repeat(32));
      expect(response.text.split(' ')[1]).toBe('1');
      await s.close();
    });
  });
}
