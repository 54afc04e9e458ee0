/**
 * Grades exercise 13: failures are logged through the Site's logger, with the error.
 * Run with `npm run grade 13`. The Site's logger here records messages instead of
 * printing them; time is a FakeClock; clients leave in memory.
 */
import { describe, it } from 'vitest';
import { isLoomError, Resource } from '../../lib/index.ts';
import { FakeClock, makeRequest, request, responseOf, testSite, type MemoryChannel, type MemoryLogger } from '../../lib/testing.ts';
import { GradingError, expectResponse } from '../../tools/grading/wire.ts';
import { subject } from '../../tools/grading/subject.ts';

const { SlowPage, StatusPage } = await subject<typeof import('./careful-pages.ts')>(import.meta.url, 'careful-pages.ts');

/** Let Promise callbacks run (a rejection handler is never called synchronously). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function showLog(logger: MemoryLogger): string {
  if (logger.messages.length === 0) return 'The log is empty.';
  return `The log holds:\n${logger.messages.map((m) => `  [${m.level}] ${m.message}${m.error === undefined ? '' : `  (error: ${String(m.error)})`}`).join('\n')}`;
}

/** The single entry the log must hold: `message` at level error, with an error matching `isExpected`. */
function expectLogged(logger: MemoryLogger, message: string, isExpected: (error: unknown) => boolean, what: string): void {
  const problems: string[] = [];
  if (logger.messages.length !== 1) problems.push(`expected exactly 1 log entry, found ${logger.messages.length}`);
  const entry = logger.messages.find((m) => m.message === message);
  if (entry === undefined) problems.push(`expected an entry with the message "${message}"`);
  else {
    if (entry.level !== 'error') problems.push(`expected it at level error (logger.error), found ${entry.level}`);
    if (!isExpected(entry.error)) problems.push(`expected its second argument to be ${what}, found ${entry.error === undefined ? 'nothing' : String(entry.error)}`);
  }
  if (problems.length > 0) throw new GradingError(`${showLog(logger)}\n${problems.map((p) => `✗ ${p}`).join('\n')}`);
}

describe('SlowPage', () => {
  function setUp() {
    const clock = new FakeClock();
    const root = new Resource();
    root.putChild('slow', new SlowPage(clock, 3));
    const site = testSite(root, { clock });
    const send = (uri = '/slow', method = 'GET') => {
      const req = makeRequest({ uri, method }, site);
      site.dispatch(req);
      return req;
    };
    return { clock, site, send };
  }

  it('logs a client that leaves, with the connection-lost error', async () => {
    const { clock, site, send } = setUp();
    const req = send();
    clock.advance(1);
    (req.channel as MemoryChannel).loseConnection();
    await settle();
    expectLogged(site.logger, 'SlowPage: client left before GET /slow was answered',
      (e) => isLoomError(e, 'LOOM_ERR_CONNECTION_LOST'), 'the error notifyFinish() rejected with (code LOOM_ERR_CONNECTION_LOST)');
    if (clock.getDelayedCalls().length > 0) throw new GradingError('The delayed answer is still scheduled: keep the call.cancel() from lesson 12.');
  });

  it('names the request that was abandoned, with its own method and uri', async () => {
    const { site, send } = setUp();
    const req = send('/slow/deeper?page=2');
    (req.channel as MemoryChannel).loseConnection();
    await settle();
    expectLogged(site.logger, 'SlowPage: client left before GET /slow/deeper?page=2 was answered',
      (e) => isLoomError(e, 'LOOM_ERR_CONNECTION_LOST'), 'the connection-lost error');
  });

  it('names the method of the request too, not always GET', async () => {
    const { site, send } = setUp();
    // HEAD is answered by render_GET, so the same page serves it; the log says which it was.
    const req = send('/slow', 'HEAD');
    (req.channel as MemoryChannel).loseConnection();
    await settle();
    expectLogged(site.logger, 'SlowPage: client left before HEAD /slow was answered',
      (e) => isLoomError(e, 'LOOM_ERR_CONNECTION_LOST'), 'the connection-lost error');
  });

  it('logs nothing for a client that waits', async () => {
    const { clock, site, send } = setUp();
    const req = send();
    clock.advance(3);
    await settle();
    expectResponse(responseOf(req), { code: 200, body: 'Answered after 3 seconds.' });
    if (site.logger.messages.length > 0) throw new GradingError(`Nothing went wrong, yet: ${showLog(site.logger)}`);
  });
});

describe('StatusPage', () => {
  it('shows the status when the source answers', async () => {
    const site = testSite(new StatusPage(() => Promise.resolve('all systems go')));
    const response = await request(site, { uri: '/status' });
    expectResponse(response, { code: 200, body: 'Status: all systems go', headers: { 'content-type': 'text/plain; charset=utf-8' } });
    if (site.logger.messages.length > 0) throw new GradingError(`Nothing went wrong, yet: ${showLog(site.logger)}`);
  });

  it('answers 503 with Retry-After when the source fails, instead of the 500 page', async () => {
    const site = testSite(new StatusPage(() => Promise.reject(new Error('status database unreachable'))));
    const response = await request(site, { uri: '/status' });
    expectResponse(response, {
      code: 503,
      body: 'The status is unavailable right now. Try again in a minute.',
      headers: { 'retry-after': '60', 'content-type': 'text/plain; charset=utf-8' },
    }, 'The status source rejected with Error("status database unreachable").');
  });

  it('logs the failed source once, with the error it rejected with', async () => {
    const failure = new Error('status database unreachable');
    const site = testSite(new StatusPage(() => Promise.reject(failure)));
    await request(site, { uri: '/status' });
    expectLogged(site.logger, 'StatusPage: the status source failed for GET /status', (e) => e === failure,
      'the very Error the source rejected with');
  });

  it('names the request that met the failure, with its own method and uri', async () => {
    const site = testSite(new StatusPage(() => Promise.reject(new Error('status database unreachable'))));
    await request(site, { uri: '/health/status?format=text' });
    expectLogged(site.logger, 'StatusPage: the status source failed for GET /health/status?format=text',
      (e) => e instanceof Error, 'the Error the source rejected with');
  });
});
