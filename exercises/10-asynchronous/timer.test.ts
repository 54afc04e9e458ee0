/**
 * Grades exercise 10: `Timer` answers later, on the clock it was given.
 * Run with `npm run grade 10`. Time here is a FakeClock: nothing waits for real.
 */
import { describe, it } from 'vitest';
import { NOT_DONE_YET, Resource } from '../../lib/index.ts';
import { FakeClock, makeRequest, responseOf, testSite, type TestResponse } from '../../lib/testing.ts';
import { GradingError, describeReturned, expectResponse } from '../../tools/grading/wire.ts';
import { subject } from '../../tools/grading/subject.ts';

const { Timer } = await subject<typeof import('./timer.ts')>(import.meta.url, 'timer.ts');

const TEXT = 'text/plain; charset=utf-8';

/** A site with a Timer at /timer, and the fake clock it runs on. */
function setUp() {
  const clock = new FakeClock();
  const root = new Resource();
  root.putChild('timer', new Timer(clock));
  const site = testSite(root, { clock });
  /** Send GET `uri` and return the request at once, answered or not. */
  const send = (uri: string) => {
    const req = makeRequest({ uri }, site);
    site.dispatch(req);
    return req;
  };
  return { clock, site, send };
}

/** The response of `req`, which must be finished by now; `why` says what the learner should check. */
function finished(req: ReturnType<typeof makeRequest>, why: string): TestResponse {
  const response = responseOf(req);
  if (!req.finished) {
    throw new GradingError(`GET ${req.uri} is not finished yet. ${why}\n` +
      `(So far: ${response.channel.head === null ? 'nothing was sent' : `status ${response.code} and ${response.body.length} body bytes were sent`}.)`);
  }
  return response;
}

describe('Timer', () => {
  it('answers GET /timer/3 once the clock has moved 3 seconds, with "Waited 3s."', () => {
    const { clock, send } = setUp();
    const req = send('/timer/3');
    clock.advance(3);
    const response = finished(req, 'Schedule the answer with this.clock.callLater(seconds, …) (not setTimeout) and call request.finish() in the callback.');
    expectResponse(response, { code: 200, body: 'Waited 3s.', headers: { 'content-type': TEXT } });
  });

  it('returns NOT_DONE_YET from render_GET when it will answer later, as TODO 3 says', () => {
    const clock = new FakeClock();
    const timer = new Timer(clock);
    const results: unknown[] = [];
    const ownRender = timer.render_GET.bind(timer);
    timer.render_GET = (request) => { const result = ownRender(request); results.push(result); return result; };
    const root = new Resource();
    root.putChild('timer', timer);
    testSite(root, { clock }).dispatch(makeRequest({ uri: '/timer/3' }));
    const result = results[0];
    if (result !== NOT_DONE_YET) {
      throw new GradingError(`For GET /timer/3, render_GET returned ${describeReturned(result)}. It should return NOT_DONE_YET, which tells the Site ` +
        'that you will write the body and call request.finish() yourself, from the clock\'s callback; returning a Promise is lesson 11\'s way.');
    }
  });

  it('sends nothing at all before the time is up', () => {
    const { clock, send } = setUp();
    const req = send('/timer/3');
    clock.advance(2.9);
    if (req.startedWriting) {
      throw new GradingError(`After only 2.9 of 3 seconds, GET /timer/3 had already sent its headers${req.finished ? ' and finished' : ''}.\n` +
        'Write nothing in render_GET itself: return NOT_DONE_YET and write when the clock calls you back.');
    }
    clock.advance(0.1);
    expectResponse(finished(req, 'It should be answered exactly 3 seconds after it arrived.'), { code: 200, body: 'Waited 3s.' });
  });

  it('answers a number it cannot wait for at once, with 400 and nothing scheduled', () => {
    for (const bad of ['abc', '0', '11', '2.5', '']) {
      const { clock, send } = setUp();
      const req = send(`/timer/${bad}`);
      const response = finished(req, 'A bad number is answered right away: set the status to 400 and return the body from render_GET.');
      expectResponse(response, { code: 400, body: 'Give a whole number of seconds from 1 to 10.', headers: { 'content-type': TEXT } },
        `For /timer/${bad}:`);
      if (clock.getDelayedCalls().length > 0) {
        throw new GradingError(`GET /timer/${bad} was answered, but left a call scheduled on the clock. Only schedule a call when there is something to wait for.`);
      }
    }
  });

  it('keeps overlapping requests apart: /timer/1 is answered first, /timer/2 a second later', () => {
    const { clock, send } = setUp();
    const slow = send('/timer/2');
    const quick = send('/timer/1');
    clock.advance(1);
    expectResponse(finished(quick, 'Each request must be answered on its own schedule.'), { code: 200, body: 'Waited 1s.' });
    if (slow.finished) throw new GradingError('GET /timer/2 was finished after only 1 second.');
    clock.advance(1);
    expectResponse(finished(slow, 'It should be answered 2 seconds after it arrived.'), { code: 200, body: 'Waited 2s.' });
  });

  it('finishes each response exactly once (the Site warns about a second finish)', () => {
    const { clock, site, send } = setUp();
    const waited = send('/timer/1');
    const refused = send('/timer/nope');
    clock.advance(1);
    expectResponse(finished(waited, 'It should be answered 1 second after it arrived.'), { code: 200, body: 'Waited 1s.' });
    expectResponse(finished(refused, 'A bad number is answered right away.'), { code: 400 });
    const warnings = site.logger.messages.filter((m) => m.level !== 'info');
    if (warnings.length > 0) {
      throw new GradingError(`The Site logged:\n${warnings.map((m) => `  [${m.level}] ${m.message}`).join('\n')}\n` +
        'A request is finished either by returning a body from render_GET, or by calling finish() once after NOT_DONE_YET: never both.');
    }
  });
});
