/**
 * The behaviour every session store must have, run against each store (memory, Redis)
 * so they stay interchangeable: the same resource code works on either. Time is the
 * Site's FakeClock, so expiry is tested by moving it, never by waiting.
 */
import { describe, expect, it } from 'vitest';
import { ComponentKey } from '../../lib/session/components.ts';
import { Resource } from '../../lib/resource.ts';
import type { Request } from '../../lib/request.ts';
import { DEFAULT_SESSION_TIMEOUT, type SessionStore } from '../../lib/session/session.ts';
import { Site } from '../../lib/site.ts';
import { FakeClock, request } from '../../lib/testing.ts';

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

export function sessionStoreContract(name: string, makeStore: () => SessionStore | Promise<SessionStore>): void {
  describe(`${name}: the session store contract`, () => {
    let clock: FakeClock;
    async function site(): Promise<Site> {
      const root = new Resource();
      root.putChild('count', new Counter());
      root.putChild('remember', new Remember());
      root.putChild('logout', new Logout());
      clock = new FakeClock(1_700_000_000);
      return new Site(root, { sessionStore: await makeStore(), clock });
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

    it('makes a new session for a cookie naming none', async () => {
      const s = await site();
      const response = await request(s, { uri: '/count', headers: { cookie: `TWISTED_SESSION=${'ab'.repeat(32)}` } });
      expect(response.text.split(' ')[0]).not.toBe('ab'.repeat(32));
      expect(response.text.split(' ')[1]).toBe('1');
      await s.close();
    });
  });
}
