import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Request } from '../../lib/request.ts';
import type { Site } from '../../lib/site.ts';
import { memoryLogger, type MemoryLogger } from '../../lib/testing.ts';
import type { Tracer } from '../../lib/trace.ts';
import type { LessonExample } from '../../lessons/lesson.ts';
import * as lesson from '../../lessons/12-interrupted/example.ts';
import { WatchedClock } from './support/clocks.ts';
import { send } from './support/run-example.ts';

const example: LessonExample = lesson;
const { DELAY, createSite } = lesson;

/** A tracer that only reports, as a Promise, the next request whose client went away. */
class LostWatcher implements Tracer {
  #waiters: ((request: Request) => void)[] = [];
  started(): void {}
  child(): void {}
  arrived(): void {}
  rendering(): void {}
  finished(): void {}
  lost(request: Request): void {
    for (const wake of this.#waiters.splice(0)) wake(request);
  }
  next(): Promise<Request> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}

let site: Site | null = null;

afterEach(async () => {
  await site?.close();
  site = null;
});

async function start() {
  const clock = new WatchedClock();
  const logger: MemoryLogger = memoryLogger();
  const tracer = new LostWatcher();
  site = createSite({ clock, logger, tracer });
  const port = await site.listen('tcp:0:interface=127.0.0.1');
  return { clock, logger, tracer, url: port.url };
}

/**
 * GET `path` over a real socket and hang up once the server has scheduled its render;
 * resolves after the server has noticed (the `lost` trace event) and the handlers that
 * react to it have run.
 */
async function leaveEarly(env: Awaited<ReturnType<typeof start>>, path: string): Promise<void> {
  const gone = env.tracer.next();
  const req = httpRequest(new URL(path, env.url), { agent: false });
  req.on('error', () => {}); // "socket hang up": we are the ones hanging up
  req.end();
  await env.clock.pending(env.clock.getDelayedCalls().length + 1);
  req.destroy();
  await gone;
  // The server's own close handlers run after the tracer's: let their Promise callbacks run.
  await new Promise((resolve) => setImmediate(resolve));
}

describe('lesson 12: interrupted', () => {
  it('says, for every request it suggests, what the answer contains (test/lessons.test.ts sends them)', () => {
    for (const t of example.tryThis) expect(t.expect?.bodyIncludes, t.path).toBeDefined();
  });

  it('cancels the delayed render of / when the client hangs up, through notifyFinish', async () => {
    const env = await start();
    await leaveEarly(env, '/');
    expect(env.clock.getDelayedCalls()).toHaveLength(0);
    env.clock.advance(DELAY);
    expect((await send({ note: '', path: '/stats' }, env.url)).text).toBe('rendered: 0, cancelled: 1\n');
    expect(env.logger.messages).toEqual([]);
  });

  it('cancels the delayed render of /signal when the client hangs up, through request.signal', async () => {
    const env = await start();
    await leaveEarly(env, '/signal');
    expect(env.clock.getDelayedCalls()).toHaveLength(0);
    expect((await send({ note: '', path: '/stats' }, env.url)).text).toBe('rendered: 0, cancelled: 1\n');
  });

  it('lets /careless render for nobody, and only logs a warning when it finishes too late', async () => {
    const env = await start();
    await leaveEarly(env, '/careless');
    expect(env.clock.getDelayedCalls()).toHaveLength(1); // nobody cancelled it
    env.clock.advance(DELAY);
    expect(env.logger.messages).toEqual([{
      level: 'warn',
      message: 'request.finish() was called for GET /careless after the client went away. ' +
        'Use request.notifyFinish() or request.signal to stop work for clients that leave.',
    }]);
    // The server is none the worse for it.
    expect((await send({ note: '', path: '/stats' }, env.url)).text).toBe('rendered: 1, cancelled: 0\n');
  });

  it('resolves notifyFinish, and cancels nothing, for a client that waits', async () => {
    const env = await start();
    const answer = send({ note: '', path: '/' }, env.url);
    await env.clock.pending(1);
    env.clock.advance(DELAY);
    expect((await answer).text).toContain('Here is your page.');
    expect((await send({ note: '', path: '/stats' }, env.url)).text).toBe('rendered: 1, cancelled: 0\n');
  });
});
