import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { isLoomError } from '../../lib/errors.ts';
import type { Site, SiteOptions } from '../../lib/site.ts';
import { memoryLogger } from '../../lib/testing.ts';
import type { Tracer } from '../../lib/trace.ts';
import type { LessonExample } from '../../lessons/lesson.ts';
import * as lesson from '../../lessons/13-logging-errors/example.ts';
import { WatchedClock } from './support/clocks.ts';
import { send } from './support/run-example.ts';

const example: LessonExample = lesson;
const { DELAY, createSite } = lesson;

let site: Site | null = null;

afterEach(async () => {
  await site?.close();
  site = null;
});

async function start(options: SiteOptions = {}) {
  const clock = new WatchedClock();
  const logger = memoryLogger();
  let lost!: () => void;
  const gone = new Promise<void>((resolve) => (lost = resolve));
  const tracer: Tracer = { started() {}, child() {}, arrived() {}, rendering() {}, finished() {}, lost: () => lost() };
  site = createSite({ clock, logger, tracer, ...options });
  const port = await site.listen('tcp:0:interface=127.0.0.1');
  return { clock, logger, gone, url: port.url };
}

describe('lesson 13: logging-errors', () => {
  it('says, for every request it suggests, what the answer contains (test/lessons.test.ts sends them)', () => {
    for (const t of example.tryThis) expect(t.expect?.bodyIncludes, t.path).toBeDefined();
  });

  it('logs an interrupted response to / as an error, with the connection-lost error, and cancels the render', async () => {
    const { clock, logger, gone, url } = await start();
    const req = httpRequest(url, { agent: false });
    req.on('error', () => {}); // we hang up ourselves
    req.end();
    await clock.pending(1);
    req.destroy();
    await gone;
    await new Promise((resolve) => setImmediate(resolve)); // let the rejection handler run
    expect(clock.getDelayedCalls()).toHaveLength(0);
    expect(logger.messages).toHaveLength(1);
    const [entry] = logger.messages;
    expect(entry!.level).toBe('error');
    expect(entry!.message).toBe('Delayed page demo: interrupted response to GET /');
    expect(isLoomError(entry!.error, 'LOOM_ERR_CONNECTION_LOST')).toBe(true);
  });

  it('logs nothing for a client that waits', async () => {
    const { clock, logger, url } = await start();
    const answer = send({ note: '', path: '/' }, url);
    await clock.pending(1);
    clock.advance(DELAY);
    expect((await answer).status).toBe(200);
    expect(logger.messages).toEqual([]);
  });

  it('logs a render that throws by itself, naming the resource, and keeps the stack out of the page', async () => {
    const { logger, url } = await start();
    const answer = await send({ note: '', path: '/oops' }, url);
    expect(answer.status).toBe(500);
    expect(answer.text).toContain('Processing Failed');
    expect(answer.text).not.toContain('No greeting configured');
    expect(logger.messages).toHaveLength(1);
    expect(logger.messages[0]!.message).toBe('Error in Oops for GET /oops');
    expect((logger.messages[0]!.error as Error).message).toContain('No greeting configured');
  });

  it('shows the error and its stack in the page when displayTracebacks is on', async () => {
    const { url } = await start({ displayTracebacks: true });
    const answer = await send({ note: '', path: '/oops' }, url);
    expect(answer.status).toBe(500);
    expect(answer.text).toContain('Loom Traceback');
    expect(answer.text).toContain('Error: No greeting configured: set &quot;greeting&quot; before serving this page.');
    expect(answer.text).toMatch(/at Oops\.render_GET/);
  });
});
