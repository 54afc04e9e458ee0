/**
 * The behaviour every session store must have, run against each store (memory, Redis)
 * so they stay interchangeable: the same resource code works on either.
 */
import { describe, expect, it } from 'vitest';
import { ComponentKey } from '../../lib/session/components.ts';
import { Resource } from '../../lib/resource.ts';
import type { Request } from '../../lib/request.ts';
import type { SessionStore } from '../../lib/session/session.ts';
import { Site } from '../../lib/site.ts';
import { FakeClock, request } from '../../lib/testing.ts';

const Visits = new ComponentKey('visits', () => ({ count: 0, pages: [] as string[] }));

class Counter extends Resource {
  override isLeaf = true;
  render_GET(req: Request) {
    const visits = req.getSession(Visits)!;
    visits.count += 1;
    visits.pages.push(req.uri);
    return `${req.getSession().uid} ${visits.count} ${visits.pages.join(',')}`;
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
    async function site(): Promise<Site> {
      const root = new Resource();
      root.putChild('count', new Counter());
      root.putChild('logout', new Logout());
      return new Site(root, { sessionStore: await makeStore(), clock: new FakeClock(1_700_000_000) });
    }

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

    it('makes a new session for a cookie naming none', async () => {
      const s = await site();
      const response = await request(s, { uri: '/count', headers: { cookie: `TWISTED_SESSION=${'ab'.repeat(32)}` } });
      expect(response.text.split(' ')[0]).not.toBe('ab'.repeat(32));
      expect(response.text.split(' ')[1]).toBe('1');
      await s.close();
    });
  });
}
