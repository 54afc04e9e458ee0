import { brotliDecompressSync, constants, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { FakeClock, makeRequest, memoryLogger, request, type MemoryChannel } from '../../lib/testing.ts';
import type { LessonExample } from '../../lessons/lesson.ts';
import * as lesson from '../../lessons/21-request-encoders/example.ts';
import { ended } from '../encoding/support.ts';
import { within } from '../support/within.ts';

const example: LessonExample = lesson;
const { createSite, longPage } = lesson;

describe('lesson 21: request-encoders', () => {
  it('says, for every request it suggests, what the answer contains (test/lessons.test.ts sends them)', () => {
    for (const t of example.tryThis) expect(t.expect?.bodyIncludes, t.path).toBeDefined();
  });

  it('sends the long page in Brotli to a client that takes br and gzip, a fraction of its size', async () => {
    const response = await request(createSite({ logger: memoryLogger() }), { headers: { 'accept-encoding': 'br, gzip' } });
    expect(response.headers.getLast('content-encoding')).toBe('br');
    expect(response.headers.getLast('vary')).toBe('Accept-Encoding');
    expect(brotliDecompressSync(response.body).toString()).toBe(longPage());
    expect(response.body.length).toBeLessThan(longPage().length / 4);
  });

  it('sends gzip to a client that takes only gzip, and the identity to one that takes neither', async () => {
    const site = createSite({ logger: memoryLogger() });
    const gz = await request(site, { headers: { 'accept-encoding': 'gzip' } });
    expect(gunzipSync(gz.body).toString()).toBe(longPage());
    const plain = await request(site, {});
    expect(plain.headers.getLast('content-encoding')).toBeUndefined();
    expect(plain.text).toBe(longPage());
  });

  it('leaves /plain alone: it says Cache-Control: no-transform', async () => {
    const response = await request(createSite({ logger: memoryLogger() }), { uri: '/plain', headers: { 'accept-encoding': 'gzip' } });
    expect(response.headers.getLast('content-encoding')).toBeUndefined();
    expect(response.text).toBe(longPage());
  });

  it('delivers each paragraph of /slow, compressed, before the next is written', async () => {
    const clock = new FakeClock();
    const site = createSite({ clock, logger: memoryLogger() });
    const req = makeRequest({ uri: '/slow', headers: { 'accept-encoding': 'gzip' } }, site);
    const channel = req.channel as MemoryChannel;
    site.dispatch(req);
    const sofar = () => (channel.body.length === 0 ? '' : gunzipSync(channel.body, { finishFlush: constants.Z_SYNC_FLUSH }).toString());
    const arrives = (text: string) => within(new Promise<void>((resolve) => {
      const check = () => (sofar() === text ? resolve() : setImmediate(check));
      check();
    }), 5000, text, sofar);
    await arrives('<p>One…</p>');
    clock.advance(1);
    await arrives('<p>One…</p><p>two…</p>');
    clock.advance(1);
    await ended(channel);
    expect(gunzipSync(channel.body).toString()).toBe('<p>One…</p><p>two…</p><p>three.</p>');
  });
});
