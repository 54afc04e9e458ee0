import { once } from 'node:events';
import { get, type IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { ListeningPort, Site } from '../../lib/site.ts';
import { memoryLogger, type FakeClock } from '../../lib/testing.ts';
import type { LessonExample } from '../../lessons/lesson.ts';
import * as lesson from '../../lessons/10-asynchronous/example.ts';
import { WatchedClock } from './support/clocks.ts';

const example: LessonExample = lesson;
const { DELAY, createSite } = lesson;

let site: Site | null = null;

async function start(clock: FakeClock): Promise<ListeningPort> {
  site = createSite({ clock, logger: memoryLogger() });
  return site.listen('tcp:0:interface=127.0.0.1');
}

afterEach(async () => {
  await site?.close();
  site = null;
});

function fetchFrom(url: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => get(url, { agent: false }, resolve).on('error', reject));
}

async function text(response: IncomingMessage): Promise<string> {
  let body = '';
  response.setEncoding('utf8');
  for await (const chunk of response) body += chunk;
  return body;
}

describe('lesson 10: asynchronous', () => {
  it('says, for every request it suggests, what the answer contains (test/lessons.test.ts sends them)', () => {
    for (const t of example.tryThis) expect(t.expect?.bodyIncludes, t.path).toBeDefined();
  });

  it(`answers / only when the clock reaches ${DELAY} seconds, without a Content-Length`, async () => {
    const clock = new WatchedClock();
    const port = await start(clock);
    const answer = fetchFrom(port.url);
    await clock.pending(1);
    clock.advance(DELAY - 0.5);
    expect(clock.getDelayedCalls()).toHaveLength(1); // still waiting: nothing was written
    clock.advance(0.5);
    const response = await answer;
    expect(await text(response)).toBe(`<html><body>Thank you for waiting ${DELAY} seconds.</body></html>`);
    // Written piece by piece, so the length was not known up front: HTTP/1.1 chunks it.
    expect(response.headers['transfer-encoding']).toBe('chunked');
    expect(response.headers['content-length']).toBeUndefined();
  });

  it('keeps two waiting clients apart: both are answered after one delay, not two', async () => {
    const clock = new WatchedClock();
    const port = await start(clock);
    const first = fetchFrom(port.url);
    const second = fetchFrom(port.url);
    await clock.pending(2);
    clock.advance(DELAY);
    const bodies = await Promise.all([first.then(text), second.then(text)]);
    expect(bodies.every((b) => b.includes('Thank you for waiting'))).toBe(true);
  });

  it('streams /countdown a line at a time as the clock ticks', async () => {
    const clock = new WatchedClock();
    const port = await start(clock);
    const response = await fetchFrom(new URL('/countdown', port.url).href);
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
    response.setEncoding('utf8');
    const seen: string[] = [];
    for (const expected of ['3…\n', '2…\n', '1…\n']) {
      const [chunk] = (await once(response, 'data')) as [string];
      seen.push(chunk);
      expect(seen.join('')).toContain(expected);
      clock.advance(1);
    }
    expect(await text(response)).toBe('Liftoff!\n');
  });
});
