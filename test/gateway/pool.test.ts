import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoomError } from '../../lib/errors.ts';
import { appRef } from '../../lib/gateway/loader.ts';
import { ThreadPool } from '../../lib/gateway/pool.ts';
import { cgi, Drip, fixture, RecordingSink } from './support.ts';

describe('ThreadPool', () => {
  // One pool for the file: starting worker threads is the slow part.
  const pool = new ThreadPool({ minThreads: 1, maxThreads: 2 });
  beforeAll(() => pool.start());
  afterAll(() => pool.stop());

  it('runs an application in a worker and hands its response to the sink', async () => {
    const sink = new RecordingSink();
    pool.dispatch({ app: fixture('hello'), environ: cgi(), body: null, sink });
    await sink.done();
    expect(sink.status).toEqual({ code: 200, reason: 'OK', headers: [['Content-Type', 'text/plain']] });
    expect(sink.text).toBe('Hello, world!');
    expect(sink.ended).toBe(true);
  });

  it('says when its threads have loaded their code and can take calls at once (ready)', async () => {
    const fresh = new ThreadPool({ minThreads: 2, maxThreads: 2 });
    await fresh.ready(); // No threads yet: nothing to wait for.
    fresh.start();
    expect(fresh.threads).toBe(2);
    expect(fresh.readyThreads).toBe(0); // A thread takes a while to boot.
    await fresh.ready();
    expect(fresh.readyThreads).toBe(2);
    await fresh.stop();
  });

  it('runs a JavaScript application that imports TypeScript, loading tsx in a worker that had not needed it', async () => {
    const fresh = new ThreadPool({ minThreads: 1, maxThreads: 1 });
    fresh.start();
    const sink = new RecordingSink();
    fresh.dispatch({ app: appRef(new URL('./fixtures/reexport.mjs', import.meta.url), 'hello'), environ: cgi(), body: null, sink });
    await sink.done();
    expect(sink.failure).toBeNull();
    expect(sink.text).toBe('Hello, world!');
    await fresh.stop();
  });

  it('refuses bad arguments with a message', () => {
    expect(() => new ThreadPool({ minThreads: 3, maxThreads: 2 })).toThrow(/maxThreads \(2\) is smaller than minThreads \(3\)/);
    expect(() => new ThreadPool({ maxThreads: 0 })).toThrow(/at least 1/);
  });

  it('fails a call given to a pool that was never started', async () => {
    const sink = new RecordingSink();
    new ThreadPool().dispatch({ app: fixture('hello'), environ: cgi(), body: null, sink });
    expect(isLoomError(sink.failure?.error, 'LOOM_ERR_POOL_STOPPED')).toBe(true);
  });

  it('queues calls beyond maxThreads and runs them in order as threads come free', async () => {
    const bodies = [new Drip(), new Drip()];
    const blocked = bodies.map((body) => {
      const sink = new RecordingSink();
      pool.dispatch({ app: fixture('waitForBody'), environ: cgi({ REQUEST_METHOD: 'POST' }), body, sink });
      return sink;
    });
    await Promise.all(blocked.map((sink) => sink.until(() => sink.logged.includes('waiting'))));
    expect(pool.threads).toBe(2);
    const queued = new RecordingSink();
    pool.dispatch({ app: fixture('hello'), environ: cgi(), body: null, sink: queued });
    expect(pool.queued).toBe(1);
    bodies[0]!.push('abc');
    bodies[0]!.end();
    await queued.done();
    expect(queued.text).toBe('Hello, world!');
    bodies[1]!.end();
    await Promise.all(blocked.map((sink) => sink.done()));
    expect(blocked.map((s) => s.text)).toEqual(['finally 3', 'finally 0']);
  });

  it('forgets a queued call that is cancelled before it starts', async () => {
    const bodies = [new Drip(), new Drip()];
    const sinks = [new RecordingSink(), new RecordingSink()];
    sinks.forEach((sink, i) => pool.dispatch({ app: fixture('waitForBody'), environ: cgi(), body: bodies[i]!, sink }));
    await Promise.all(sinks.map((s) => s.until(() => s.logged.includes('waiting'))));
    const sink = new RecordingSink();
    const call = pool.dispatch({ app: fixture('hello'), environ: cgi(), body: null, sink });
    expect(pool.queued).toBe(1);
    call.cancel();
    expect(pool.queued).toBe(0);
    for (const body of bodies) body.end();
    await Promise.all(sinks.map((s) => s.done()));
    expect(sink.settled).toBe(false);
  });

  it('replaces a worker that dies, failing its call with LOOM_ERR_WORKER_CRASHED', async () => {
    const sink = new RecordingSink();
    pool.dispatch({ app: fixture('crash'), environ: cgi(), body: null, sink });
    await sink.done();
    expect(isLoomError(sink.failure?.error, 'LOOM_ERR_WORKER_CRASHED')).toBe(true);
    expect(sink.failure?.error.message).toContain('exited with code 3');
    const next = new RecordingSink();
    pool.dispatch({ app: fixture('hello'), environ: cgi(), body: null, sink: next });
    await next.done();
    expect(next.text).toBe('Hello, world!');
    expect(pool.threads).toBeGreaterThanOrEqual(1);
  });

  it('on stop, fails queued calls, lets running ones finish, and ends its threads', async () => {
    const small = new ThreadPool({ minThreads: 1, maxThreads: 1 });
    small.start();
    const body = new Drip();
    const running = new RecordingSink();
    small.dispatch({ app: fixture('waitForBody'), environ: cgi(), body, sink: running });
    await running.until(() => running.logged.includes('waiting'));
    const queued = new RecordingSink();
    small.dispatch({ app: fixture('hello'), environ: cgi(), body: null, sink: queued });
    const stopped = small.stop();
    expect(isLoomError(queued.failure?.error, 'LOOM_ERR_POOL_STOPPED')).toBe(true);
    body.end();
    await stopped;
    expect(running.text).toBe('finally 0');
    expect(small.threads).toBe(0);
  });
});
