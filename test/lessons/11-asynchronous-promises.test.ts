import { afterEach, describe, expect, it } from 'vitest';
import type { Site } from '../../lib/site.ts';
import { FakeClock, memoryLogger, type MemoryLogger } from '../../lib/testing.ts';
import type { LessonExample } from '../../lessons/lesson.ts';
import * as lesson from '../../lessons/11-asynchronous-promises/example.ts';
import { WatchedClock } from './support/clocks.ts';
import { send, type Answer } from './support/run-example.ts';

const example: LessonExample = lesson;
const { DELAY, createSite, deferLater } = lesson;

let site: Site | null = null;

afterEach(async () => {
  await site?.close();
  site = null;
});

/** Start the example on a free port with `clock` and a recording logger. */
async function start(clock: FakeClock): Promise<{ url: string; logger: MemoryLogger }> {
  const logger = memoryLogger();
  site = createSite({ clock, logger });
  const port = await site.listen('tcp:0:interface=127.0.0.1');
  return { url: port.url, logger };
}

/** GET `path`, moving `clock` on by `seconds` once the server has scheduled its wait. */
async function getAfter(clock: WatchedClock, url: string, path: string, seconds: number): Promise<Answer> {
  const answer = send({ note: '', path }, url);
  await clock.pending(1);
  clock.advance(seconds);
  return answer;
}

describe('lesson 11: asynchronous-promises', () => {
  it('says, for every request it suggests, what the answer contains (test/lessons.test.ts sends them)', () => {
    for (const t of example.tryThis) expect(t.expect?.bodyIncludes, t.path).toBeDefined();
  });

  it(`sends / when the Promise resolves after ${DELAY} seconds, whole, with a Content-Length`, async () => {
    const clock = new WatchedClock();
    const { url } = await start(clock);
    const answer = send({ note: '', path: '/' }, url);
    await clock.pending(1);
    clock.advance(DELAY - 0.5);
    expect(clock.getDelayedCalls()).toHaveLength(1); // not yet
    clock.advance(0.5);
    const { status, headers, text } = await answer;
    expect(status).toBe(200);
    expect(text).toBe(`<html><body>Promised ${DELAY} seconds ago, delivered now.</body></html>`);
    expect(headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
    expect(headers.get('transfer-encoding')).toBeNull();
  });

  it('answers a rejected Promise with the 500 page and logs the error with the resource that failed', async () => {
    const clock = new WatchedClock();
    const { url, logger } = await start(clock);
    const { status, text } = await getAfter(clock, url, '/broken', 1);
    expect(status).toBe(500);
    expect(text).toContain('Processing Failed');
    expect(text).not.toContain('weather service'); // no details leak without displayTracebacks
    const errors = logger.messages.filter((m) => m.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toBe('Error in BrokenPage for GET /broken');
    expect((errors[0]!.error as Error).message).toBe('The weather service did not answer.');
  });

  it('shows the stack of the rejection in the page when displayTracebacks is on', async () => {
    const clock = new WatchedClock();
    const logger = memoryLogger();
    site = createSite({ clock, logger, displayTracebacks: true });
    const port = await site.listen('tcp:0:interface=127.0.0.1');
    const { status, text } = await getAfter(clock, port.url, '/broken', 1);
    expect(status).toBe(500);
    expect(text).toContain('Error: The weather service did not answer.');
  });

  it(`starts both waits of /both at once, so it answers after ${DELAY} seconds, not 1 + ${DELAY}`, async () => {
    const clock = new WatchedClock();
    const { url } = await start(clock);
    const answer = send({ note: '', path: '/both' }, url);
    await clock.pending(2); // both scheduled before either has fired
    clock.advance(DELAY);
    const { status, text } = await answer;
    expect(status).toBe(200);
    expect(text).toBe(`<html><body>Waited one second and ${DELAY} seconds at once: ${DELAY} seconds in all.</body></html>`);
  });

  it('sends /by-hand in chunks, without a Content-Length, as lesson 10 did', async () => {
    const clock = new WatchedClock();
    const { url } = await start(clock);
    const { status, headers, text } = await getAfter(clock, url, '/by-hand', DELAY);
    expect(status).toBe(200);
    expect(text).toContain('Written by hand');
    expect(headers.get('content-length')).toBeNull();
    expect(headers.get('transfer-encoding')).toBe('chunked');
  });
});

describe('deferLater', () => {
  it('resolves with what fn returns, only once the clock has moved', async () => {
    const clock = new FakeClock();
    let settled = false;
    const promise = deferLater(clock, 2, () => 'done').then((v) => ((settled = true), v));
    clock.advance(1.5);
    await Promise.resolve();
    expect(settled).toBe(false);
    clock.advance(0.5);
    expect(await promise).toBe('done');
  });

  it('rejects with what fn throws', async () => {
    const clock = new FakeClock();
    const promise = deferLater(clock, 1, () => {
      throw new Error('nope');
    });
    clock.advance(1);
    await expect(promise).rejects.toThrow('nope');
  });
});
