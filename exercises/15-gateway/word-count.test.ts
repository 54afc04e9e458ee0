/**
 * Grades exercise 15: your `application` runs on worker threads through a
 * GatewayResource, the way lesson 15 serves one, and each request goes through a Site
 * in memory. A failure shows the request sent and the response received.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayResource, ThreadPool, appRef, type Environ } from '../../lib/index.ts';
import { BlockingInput } from '../../lib/gateway/input.ts';
import { FakeClock, request } from '../../lib/testing.ts';
import { subject, subjectPath } from '../../tools/grading/subject.ts';
import { GradingError, expectResponse } from '../../tools/grading/wire.ts';

const FILE = 'word-count.ts';
const exported = await subject<typeof import('./word-count.ts')>(import.meta.url, FILE);

describe('word-count application', () => {
  // One pool for the whole file: starting worker threads is the slow part.
  const pool = new ThreadPool({ minThreads: 1, maxThreads: 1 });
  const resource = new GatewayResource(new FakeClock(), pool, appRef(subjectPath(import.meta.url, FILE), 'application'));
  beforeAll(() => pool.start());
  afterAll(() => pool.stop());

  const post = (body: string | Uint8Array) => request(resource, { method: 'POST', uri: '/', body, headers: { 'Content-Type': 'text/plain' } });

  it('exports a function named application', () => {
    expect(typeof exported.application).toBe('function');
  });

  it('counts the lines and words of a POST body', async () => {
    expectResponse(await post('the quick brown\nfox jumps\n'), {
      code: 200, message: 'OK', body: 'lines=2 words=5\n', headers: { 'content-type': 'text/plain; charset=utf-8' },
    }, 'The status line is the one given to startResponse: "200 OK".');
  });

  it('counts a last line that has no newline, and any run of spaces or tabs as one gap', async () => {
    expectResponse(await post('  one\t\ttwo  \nthree'), { code: 200, body: 'lines=2 words=3\n' });
  });

  it('answers lines=0 words=0 for an empty body', async () => {
    expectResponse(await post(''), { code: 200, body: 'lines=0 words=0\n' });
  });

  it('reads a large body to its end (20 000 lines)', async () => {
    expectResponse(await post('a b c d\n'.repeat(20_000)), { code: 200, body: 'lines=20000 words=80000\n' });
  });

  it('reads the body a line at a time, not in chunks or all at once with read()', () => {
    const input = new WatchedInput('a b\n'.repeat(1000));
    // Only the two keys the exercise reads; the rest of a real environ does not matter here.
    const environ = { REQUEST_METHOD: 'POST', 'gateway.input': input } as unknown as Environ;
    const body = [...exported.application(environ, () => () => undefined)].join('');
    expect(body).toBe('lines=1000 words=2000\n');
    if (input.wholeReads.length > 0) {
      throw new GradingError(`Given a body of 1000 lines, the application called ${input.wholeReads.join(', ')} on environ['gateway.input'].\n` +
        '✗ expected it read a line at a time, with readline() or for (const line of input): read() takes bytes, not lines, and readlines() takes them all at once.');
    }
  });

  it('answers a GET with 405 Method Not Allowed and Allow: POST', async () => {
    expectResponse(await request(resource, { uri: '/' }), {
      code: 405, message: 'Method Not Allowed', body: 'Send the text as a POST.\n', headers: { allow: 'POST' },
    }, 'The status line is the one given to startResponse: "405 Method Not Allowed".');
  });

  it('answers every method but POST with the same 405, not only GET', async () => {
    for (const method of ['PUT', 'DELETE']) {
      expectResponse(await request(resource, { method, uri: '/', body: 'a b\n' }), {
        code: 405, message: 'Method Not Allowed', body: 'Send the text as a POST.\n', headers: { allow: 'POST' },
      }, `This was a ${method}: any method but POST gets the 405.`);
    }
  });
});

/**
 * A body that notes each call which does not take it a line at a time: `read()`, of any
 * size (bytes, not lines; `readline()` does not go through it), and `readlines()`.
 */
class WatchedInput extends BlockingInput {
  readonly wholeReads: string[] = [];

  constructor(body: string) {
    let chunk: Buffer | null = Buffer.from(body);
    super(() => {
      const c = chunk;
      chunk = null;
      return c;
    });
  }

  override read(size?: number | null): Buffer {
    this.wholeReads.push(`read(${size ?? ''})`);
    return super.read(size);
  }

  override readlines(hint?: number | null): Buffer[] {
    this.wholeReads.push(`readlines(${hint ?? ''})`);
    return super.readlines(hint);
  }
}
