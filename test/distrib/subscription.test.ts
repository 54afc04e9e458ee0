/**
 * A front Site with a ResourceSubscription, and a personal server (a ResourcePublisher)
 * on a UNIX socket in a temporary home: the request crosses a real socket, as HTTP.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResourcePublisher } from '../../lib/distrib/publisher.ts';
import { ResourceSubscription } from '../../lib/distrib/subscription.ts';
import { Resource } from '../../lib/resource.ts';
import { Site } from '../../lib/site.ts';
import { FakeClock, memoryLogger } from '../../lib/testing.ts';
import { rawRequest } from '../support/raw-http.ts';
import { personalRoot, tempHome, type Seen } from './support.ts';

const home = tempHome();
const socket = join(home.path, '.loom-web.sock');
let personal: ResourcePublisher;
let front: Site;
let subscription: ResourceSubscription;
let base: string;
const clock = new FakeClock();

beforeAll(async () => {
  personal = new ResourcePublisher(personalRoot(), { logger: memoryLogger() });
  await personal.listen(`unix:${socket}`);
  const root = new Resource();
  subscription = new ResourceSubscription(socket, { timeout: 5 });
  root.putChild('~alice.loom', subscription);
  front = new Site(root, { logger: memoryLogger(), clock });
  base = (await front.listen('tcp:0:interface=127.0.0.1')).url;
});

afterAll(async () => {
  await front.close();
  await subscription.close();
  await personal.close();
  home.remove();
});

async function report(path: string, init: RequestInit = {}): Promise<{ status: number; seen: Seen; cookie: string | null }> {
  const response = await fetch(new URL(path, base), init);
  return { status: response.status, seen: (await response.json()) as Seen, cookie: response.headers.get('set-cookie') };
}

describe('ResourceSubscription: the request the personal server sees', () => {
  it('walks what the front left, with the front\'s prepath, as Twisted\'s ResourcePublisher does', async () => {
    const { status, seen } = await report('/~alice.loom/report/a%20b/?x=1');
    expect(status).toBe(200);
    expect(seen.prepath).toEqual(['~alice.loom', 'report']);
    expect(seen.postpath).toEqual(['a b', '']);
    expect(seen.sitepath).toEqual(['~alice.loom']);
    expect(seen.uri).toBe('/~alice.loom/report/a%20b/?x=1');
  });

  it('sees the client\'s address, the original Host and the front\'s URL', async () => {
    const port = new URL(base).port;
    // Not fetch: it sends the URL's Host, whatever it is given.
    const seen = JSON.parse((await rawRequest(Number(port), '/~alice.loom/report', { headers: { host: `public.example:${port}` } })).text) as Seen;
    expect(seen.client.type).toBe('IPv4');
    expect(seen.client.host).toBe('127.0.0.1');
    expect(seen.client.port).toBeGreaterThan(0);
    expect(seen.hostHeader).toBe(`public.example:${port}`);
    expect(seen.secure).toBe(false);
    expect(seen.prePathURL).toBe(`http://public.example:${port}/~alice.loom/report`);
  });

  it('keeps the personal site\'s own session, under the cookie TWISTED_SESSION_~alice.loom', async () => {
    const first = await report('/~alice.loom/report');
    expect(first.cookie).toMatch(/^TWISTED_SESSION_~alice\.loom=[0-9a-f]{64}; Path=\/; HttpOnly; SameSite=lax$/);
    const cookie = first.cookie!.split(';')[0]!;
    const second = await report('/~alice.loom/report', { headers: { cookie } });
    expect(second.seen.session).toBe(first.seen.session);
    expect(second.seen.visits).toBe(2);
    expect(second.cookie).toBeNull();
  });

  it('passes the body of a POST', async () => {
    const { seen } = await report('/~alice.loom/report', { method: 'POST', body: 'note=hello' });
    expect(seen.body).toBe('note=hello');
  });

  it('drops X-Loom-* headers a client sends, so it cannot pose as another address (security)', async () => {
    const answer = await rawRequest(Number(new URL(base).port), '/~alice.loom/report', {
      headers: { 'X-Loom-Client': 'IPv4 6.6.6.6 1', 'X-Loom-Prepath': '', 'X-Forged': 'kept' },
    });
    const seen = JSON.parse(answer.text) as Seen;
    expect(seen.client.host).toBe('127.0.0.1');
    expect(seen.prepath).toEqual(['~alice.loom', 'report']);
    expect(seen.forged).toBe('kept');
  });
});

describe('ResourceSubscription: a personal server that is down or stuck', () => {
  it('answers 502 at once when nothing listens on the socket (Twisted hangs)', async () => {
    const root = new Resource();
    const down = new ResourceSubscription(join(home.path, 'nobody.sock'));
    root.putChild('bob', down);
    const site = new Site(root, { logger: memoryLogger() });
    const { url } = await site.listen('tcp:0:interface=127.0.0.1');
    try {
      const started = performance.now();
      const response = await fetch(`${url}bob/`);
      expect(response.status).toBe(502);
      expect(await response.text()).toContain('could not be reached');
      expect(performance.now() - started).toBeLessThan(1000);
      expect((site.logger as ReturnType<typeof memoryLogger>).messages.some((m) => m.message.includes(`unix:${join(home.path, 'nobody.sock')}`))).toBe(true);
    } finally {
      await site.close();
      await down.close();
    }
  });

  it('answers 504 when the personal server does not answer within the timeout', async () => {
    const response = fetch(new URL('/~alice.loom/stuck', base));
    // The front's clock is fake: once the request is waiting upstream, move it past the timeout.
    while (clock.getDelayedCalls().length === 0) await new Promise((resolve) => setImmediate(resolve));
    clock.advance(5);
    expect((await response).status).toBe(504);
  });
});
