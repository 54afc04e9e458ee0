/**
 * Grades exercise 12: a `Report` stops its work when the client goes away. Run with
 * `npm run grade 12`. Time is a FakeClock; clients leave in memory
 * (`MemoryChannel.loseConnection()`) and, once, over a real socket.
 */
import { request as httpRequest } from 'node:http';
import { describe, it } from 'vitest';
import { Resource, type Request } from '../../lib/index.ts';
import { FakeClock, makeRequest, responseOf, testSite, type MemoryChannel } from '../../lib/testing.ts';
import type { Tracer } from '../../lib/trace.ts';
import { GradingError, expectResponse } from '../../tools/grading/wire.ts';
import { subject } from '../../tools/grading/subject.ts';

const { Report } = await subject<typeof import('./report.ts')>(import.meta.url, 'report.ts');

/** A Report at /report on a test Site, with a `work` that records each step it runs. */
function setUp(steps = 5) {
  const clock = new FakeClock();
  const worked: number[] = [];
  const root = new Resource();
  root.putChild('report', new Report(clock, steps, (step: number, of: number) => {
    worked.push(step);
    return `step ${step} of ${of}\n`;
  }));
  const site = testSite(root, { clock });
  const send = () => {
    const req = makeRequest({ uri: '/report' }, site);
    site.dispatch(req);
    return req;
  };
  return { clock, site, worked, send };
}

/** Let Promise callbacks run (a rejection handler is never called synchronously). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function leave(req: Request): void {
  (req.channel as MemoryChannel).loseConnection();
}

/** Fail with the steps that ran and what is still scheduled, when either is wrong. */
function expectStopped(env: ReturnType<typeof setUp>, stepsRun: number[], when: string): void {
  const pending = env.clock.getDelayedCalls().length;
  env.clock.advance(60);
  const problems: string[] = [];
  if (pending > 0) problems.push(`${pending} call(s) were still scheduled on the clock after the client left: cancel the pending one in stop().`);
  if (env.worked.join() !== stepsRun.join()) {
    problems.push(`Steps run: [${env.worked.join(', ')}]; expected only [${stepsRun.join(', ')}]: work went on for a client that had left.`);
  }
  const warnings = env.site.logger.messages.filter((m) => m.level === 'warn');
  if (warnings.length > 0) problems.push(`The Site warned: ${warnings.map((m) => m.message).join(' / ')}`);
  if (problems.length > 0) throw new GradingError(`${when}\n${problems.map((p) => `✗ ${p}`).join('\n')}`);
}

describe('Report', () => {
  it('writes every step, then "Report complete.", for a client that waits', () => {
    const env = setUp(3);
    const req = env.send();
    env.clock.advance(3);
    if (!req.finished) throw new GradingError('After 3 seconds, the 3-step report is not finished. Did a change stop the job for clients that stay?');
    expectResponse(responseOf(req), { code: 200, body: 'step 1 of 3\nstep 2 of 3\nstep 3 of 3\nReport complete.\n' });
  });

  it('stops after step 2 when the client leaves during step 3', async () => {
    const env = setUp(5);
    const req = env.send();
    env.clock.advance(2.5);
    leave(req);
    await settle();
    expectStopped(env, [1, 2], 'The client left 2.5 seconds in, after step 2.');
  });

  it('runs no step at all when the client leaves before the first', async () => {
    const env = setUp(5);
    const req = env.send();
    leave(req);
    await settle();
    expectStopped(env, [], 'The client left as soon as the request was rendered.');
  });

  it('stops each request on its own: a client that leaves does not stop another that stays', async () => {
    const env = setUp(3);
    const leaving = env.send();
    const staying = env.send();
    env.clock.advance(1);
    leave(leaving);
    await settle();
    env.clock.advance(2);
    if (!staying.finished) throw new GradingError('The client that stayed did not get its whole report: stopping one job stopped another.');
    expectResponse(responseOf(staying), { code: 200, body: 'step 1 of 3\nstep 2 of 3\nstep 3 of 3\nReport complete.\n' });
    // Each job ran step 1; only the one that stayed ran steps 2 and 3.
    if (env.worked.join() !== '1,1,2,3') throw new GradingError(`Steps run: [${env.worked.join(', ')}]; expected [1, 1, 2, 3].`);
  });

  it('stops when a real client hangs up its socket', async () => {
    const clock = new FakeClock();
    const worked: number[] = [];
    const root = new Resource();
    root.putChild('report', new Report(clock, 5, (step: number) => (worked.push(step), `step ${step}\n`)));
    let rendering!: () => void;
    let lost!: () => void;
    const rendered = new Promise<void>((resolve) => (rendering = resolve));
    const gone = new Promise<void>((resolve) => (lost = resolve));
    const tracer: Tracer = { started() {}, child() {}, arrived() {}, rendering: () => rendering(), finished() {}, lost: () => lost() };
    const site = testSite(root, { clock, tracer });
    const port = await site.listen('tcp:0:interface=127.0.0.1');
    try {
      const req = httpRequest(new URL('/report', port.url), { agent: false });
      req.on('error', () => {}); // we hang up ourselves
      const response = new Promise<import('node:http').IncomingMessage>((resolve) => req.on('response', resolve));
      req.end();
      // Step 1 is written one (fake) second after the request is rendered. Wait for the
      // render, run step 1, and read its line: then the report is under way.
      await rendered;
      clock.advance(1);
      const res = await response;
      await new Promise((resolve) => res.once('data', resolve));
      req.destroy();
      await gone; // the server has seen the connection close
      await settle();
      const pending = clock.getDelayedCalls().length;
      clock.advance(60);
      if (pending > 0 || worked.join() !== '1') {
        throw new GradingError(`The client hung up after step 1, but ${pending} call(s) were still scheduled and the steps run were [${worked.join(', ')}].`);
      }
    } finally {
      await site.close();
    }
  });
});
