/**
 * Graded tests for exercise 02. Each test sends a request to your ClockPage (in memory,
 * through the same traversal and rendering a live server runs) and, when the answer is
 * wrong, shows the request, the response and what was expected.
 */
import { describe, it } from 'vitest';
import { FakeClock, request, type TestResponse } from '../../lib/testing.ts';
import { subject } from '../../tools/grading/subject.ts';
import { GradingError, expectResponse, transcript, walkAsTraced } from '../../tools/grading/wire.ts';

const { ClockPage } = await subject<typeof import('./clock-page.ts')>(import.meta.url, 'clock-page.ts');

/** 1234567890 seconds after 1970 is 2009-02-13T23:31:30Z. */
const START = 1_234_567_890;

describe('ClockPage', () => {
  it('answers GET / with the time on its clock', async () => {
    const page = new ClockPage(new FakeClock(START));
    const response = await request(page, { uri: '/' });
    expectResponse(response, { code: 200, body: '<html><body>The time is 2009-02-13T23:31:30.000Z</body></html>' });
  });

  it('makes the page for each request, so it follows the clock', async () => {
    const clock = new FakeClock(START);
    const page = new ClockPage(clock);
    await request(page, { uri: '/' });
    clock.advance(3600 + 61);
    const response = await request(page, { uri: '/' });
    expectResponse(response, { code: 200, body: '<html><body>The time is 2009-02-14T00:32:31.000Z</body></html>' },
      'The clock was moved on by 1 hour and 61 seconds after the first request.');
  });

  it('answers every path below it, because it is a leaf', async () => {
    const page = new ClockPage(new FakeClock(START));
    const response = await request(page, { uri: '/any/path/below' });
    expectResponse(response, { code: 200, body: '<html><body>The time is 2009-02-13T23:31:30.000Z</body></html>' });
  });

  it('is a leaf that answers through render_GET, as its TODOs say', async () => {
    const page = new ClockPage(new FakeClock(START));
    const response = await request(page, { uri: '/any/path/below' });
    expectResponse(response, { code: 200 });
    expectLeafRenderingGet(response);
  });

  it('renders GET only, so a POST gets 405 Method Not Allowed', async () => {
    const page = new ClockPage(new FakeClock(START));
    const response = await request(page, { method: 'POST', uri: '/' });
    expectResponse(response, { code: 405, headers: { allow: 'GET, HEAD' } });
  });
});

/**
 * Fail unless the walk stopped at ClockPage because it is a leaf (not because a `getChild`
 * override handed back the page itself) and the page answered through `render_GET` (not an
 * overridden `render` that looks at the method by hand): the two things the TODOs ask for.
 */
function expectLeafRenderingGet(response: TestResponse): void {
  const trace = response.trace ?? [];
  const problems: string[] = [];
  const steps = trace.filter((e) => e.kind === 'child');
  if (steps.length > 0 || !trace.some((e) => e.kind === 'leaf')) {
    problems.push(`expected ClockPage.isLeaf to stop the walk, but the walk went on through ${steps.length} getChild step(s): ` +
      'set `override isLeaf = true;` (TODO 1) instead of answering every segment from getChild');
  }
  const render = trace.find((e) => e.kind === 'render');
  if (render?.kind === 'render' && render.method !== 'render_GET') {
    problems.push(`expected the page to answer through render_GET, but ${render.resource}.${render.method}() ran: ` +
      'add render_GET (TODO 2) and leave render to Resource, which picks render_GET by the method');
  }
  if (problems.length === 0) return;
  throw new GradingError(transcript(response, [...problems, walkAsTraced(trace, '02')]));
}
