/**
 * Grades exercise 11: `Dashboard` returns a Promise of its page, built from two slow
 * sources asked at the same time. Run with `npm run grade 11`. The sources run on a
 * FakeClock, so nothing waits for real.
 */
import { describe, it } from 'vitest';
import type { Clock } from '../../lib/index.ts';
import { FakeClock, makeRequest, responseOf, testSite, type TestResponse } from '../../lib/testing.ts';
import { GradingError, describeReturned, expectResponse } from '../../tools/grading/wire.ts';
import { subject } from '../../tools/grading/subject.ts';

const { Dashboard } = await subject<typeof import('./dashboard.ts')>(import.meta.url, 'dashboard.ts');

/** A Promise of `value` (or a rejection with `error`) `seconds` from now on `clock`. */
function later<T>(clock: Clock, seconds: number, value: T, error?: Error): Promise<T> {
  return new Promise((resolve, reject) => clock.callLater(seconds, () => (error === undefined ? resolve(value) : reject(error))));
}

/** Sources that take 2 s (weather) and 3 s (headline), counting how often they are asked. */
function sources(clock: Clock, weather = 'Sunny, 21 °C', headline = 'Loom lessons reach 11', failure?: Error) {
  const asked = { weather: 0, headline: 0 };
  return {
    asked,
    weather: () => (asked.weather++, later(clock, 2, weather)),
    headline: () => (asked.headline++, later(clock, 3, headline, failure)),
  };
}

/** Send GET / to a fresh Dashboard and return the request at once. */
function setUp(s?: (clock: Clock) => ReturnType<typeof sources>) {
  const clock = new FakeClock();
  const src = s === undefined ? sources(clock) : s(clock);
  const site = testSite(new Dashboard(src), { clock });
  const req = makeRequest({ uri: '/' }, site);
  site.dispatch(req);
  return { clock, site, req, src };
}

/** Let Promise callbacks run: a resolved Promise's `then` is never called synchronously. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function finished(req: ReturnType<typeof makeRequest>, why: string): TestResponse {
  if (!req.finished) throw new GradingError(`GET ${req.uri} is not finished yet. ${why}`);
  return responseOf(req);
}

const PAGE = '<html><body><p>Weather: Sunny, 21 °C</p><p>News: Loom lessons reach 11</p></body></html>';

describe('Dashboard', () => {
  it('sends the page once both sources have answered, 3 seconds in', async () => {
    const { clock, req } = setUp();
    clock.advance(3);
    await settle();
    const response = finished(req, 'render_GET should return a Promise that resolves to the page once both sources have answered.');
    expectResponse(response, { code: 200, body: PAGE });
  });

  it('asks both sources at once, as soon as the request arrives', async () => {
    const { req, src } = setUp();
    if (src.asked.weather !== 1 || src.asked.headline !== 1) {
      throw new GradingError(`When render_GET returned, weather() had been called ${src.asked.weather} time(s) and headline() ${src.asked.headline} time(s); ` +
        'both should have been called once. Start both before awaiting either (Promise.all).');
    }
    if (req.startedWriting) throw new GradingError('The response was already under way before any source had answered.');
  });

  it('sends nothing before the slower source has answered', async () => {
    const { clock, req } = setUp();
    clock.advance(2.9);
    await settle();
    if (req.startedWriting) throw new GradingError('After 2.9 seconds, before the headline arrived (at 3 s), the response had already started.');
    clock.advance(0.1);
    await settle();
    expectResponse(finished(req, 'It should be sent as soon as the headline arrives.'), { code: 200, body: PAGE });
  });

  it('returns a Promise from render_GET, not NOT_DONE_YET', () => {
    const result: unknown = new Dashboard(sources(new FakeClock())).render_GET(makeRequest({ uri: '/' }));
    if (!(result instanceof Promise)) {
      throw new GradingError(`render_GET returned ${describeReturned(result)}. It should return a Promise of the page (an async render_GET does), ` +
        'so that the Site sends what it resolves to and answers 500 when it rejects; writing the page yourself after NOT_DONE_YET is lesson 10\'s way.');
    }
  });

  it('returns a body through the Promise, so the answer has a Content-Length', async () => {
    const { clock, req } = setUp();
    clock.advance(3);
    await settle();
    const response = finished(req, 'render_GET should return a Promise of the page.');
    expectResponse(response, { headers: { 'content-length': String(Buffer.byteLength(PAGE)), 'transfer-encoding': undefined } },
      'A Content-Length shows the Site sent a body your Promise resolved to; writing it yourself after NOT_DONE_YET leaves it out.');
  });

  it('escapes what the sources say', async () => {
    const { clock, req } = setUp((c) => sources(c, 'Hot & <b>humid</b>', '"Quotes" <script>alert(1)</script>'));
    clock.advance(3);
    await settle();
    expectResponse(finished(req, 'It should be sent after 3 seconds.'), {
      code: 200,
      bodyIncludes: ['Weather: Hot &amp; &lt;b&gt;humid&lt;/b&gt;', '&lt;script&gt;alert(1)&lt;/script&gt;'],
      bodyExcludes: '<script>',
    });
  });

  it('lets a failing source reach the Site: a 500 page, and the error in the Site log', async () => {
    const failure = new Error('The news service is down.');
    const { clock, req, site } = setUp((c) => sources(c, undefined, undefined, failure));
    clock.advance(3);
    await settle();
    expectResponse(finished(req, 'A rejected Promise returned from render_GET is answered by the Site.'), { code: 500, bodyIncludes: 'Processing Failed' },
      'The headline source rejected after 3 seconds.');
    const logged = site.logger.messages.find((m) => m.level === 'error' && m.error === failure);
    if (logged === undefined) {
      throw new GradingError('The Site did not log the source\'s error. Let the rejection leave render_GET (no try/catch) so the Site logs it and answers 500.');
    }
  });
});
