import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoomError } from '../../lib/errors.ts';
import { ThreadPool } from '../../lib/gateway/pool.ts';
import { cgi, Drip, fixture, RecordingSink } from './support.ts';

// A GatewayCall is made by a pool's dispatch: these tests drive calls through a real pool
// and watch what reaches the sink.
describe('GatewayCall', () => {
  // One pool for the file: starting worker threads is the slow part.
  const pool = new ThreadPool({ minThreads: 1, maxThreads: 2 });
  beforeAll(() => pool.start());
  afterAll(() => pool.stop());

  it('gives the application a body it reads while the body is still arriving (a slow drip)', async () => {
    const body = new Drip();
    const sink = new RecordingSink();
    pool.dispatch({ app: fixture('lineEcho'), environ: cgi({ REQUEST_METHOD: 'POST' }), body, sink });
    // Each line is answered before the next piece is sent: the worker blocked in
    // readline() until it came, and streamed its answer back at once.
    body.push('one\n');
    await sink.until(() => sink.text === 'got one\n');
    body.push('tw');
    body.push('o\nthr');
    await sink.until(() => sink.text === 'got one\ngot two\n');
    body.push('ee\n');
    await sink.until(() => sink.text.endsWith('got three\n'));
    expect(sink.settled).toBe(false);
    body.end();
    await sink.done();
    expect(sink.text).toBe('got one\ngot two\ngot three\nend\n');
  });

  it('hands over a large body in slices, read whole by many small read(n) calls', async () => {
    const body = new Uint8Array(5 * 1024 * 1024 + 7);
    let sum = 0;
    for (let i = 0; i < body.length; i++) {
      body[i] = (i * 7) % 256;
      sum = (sum + body[i]!) % 65521;
    }
    const sink = new RecordingSink();
    pool.dispatch({ app: fixture('sumBody'), environ: cgi({ REQUEST_METHOD: 'POST' }), body, sink });
    await sink.done();
    expect(sink.text).toBe(`length=${body.length} sum=${sum}`);
  });

  it('streams a large generator with backpressure: the worker waits while the client is slow', async () => {
    const sink = new RecordingSink();
    sink.room = false; // The client's buffer is full from the first chunk on.
    pool.dispatch({ app: fixture('stream'), environ: cgi({ QUERY_STRING: 'count=100&size=16384' }), body: null, sink });
    // With nothing drained, the worker stops once 256 KiB are in flight.
    await sink.until(() => sink.chunks.length >= 16);
    const before = sink.chunks.length;
    expect(before).toBeLessThan(100);
    sink.drain();
    await sink.done();
    const bytes = Buffer.concat(sink.chunks);
    expect(bytes.length).toBe(100 * 16384);
    expect(bytes.every((b, i) => b === i % 251)).toBe(true);
  });

  it('stops the iteration and calls close() when the call is cancelled', async () => {
    const sink = new RecordingSink();
    const call = pool.dispatch({ app: fixture('endless'), environ: cgi(), body: null, sink });
    await sink.until(() => sink.logged.includes('chunk 3'));
    call.cancel();
    await sink.until(() => sink.logged.some((l) => l.startsWith('closed after')));
    expect(sink.ended).toBe(false);
  });

  it('fails a call whose application cannot be found, naming what the module does export', async () => {
    const sink = new RecordingSink();
    pool.dispatch({ app: fixture('nope'), environ: cgi(), body: null, sink });
    await sink.done();
    expect(isLoomError(sink.failure?.error, 'LOOM_ERR_GATEWAY_APP')).toBe(true);
    expect(sink.failure?.error.message).toContain('exports no function named "nope"');
  });

  it('fails the call (not the server) when its sink throws, and goes on serving', async () => {
    const sink = new RecordingSink();
    sink.head = () => {
      throw new Error('refused by the client side');
    };
    pool.dispatch({ app: fixture('hello'), environ: cgi(), body: null, sink });
    await sink.done();
    expect(sink.failure?.error.message).toBe('refused by the client side');
    const next = new RecordingSink();
    pool.dispatch({ app: fixture('hello'), environ: cgi(), body: null, sink: next });
    await next.done();
    expect(next.text).toBe('Hello, world!');
  });
});
