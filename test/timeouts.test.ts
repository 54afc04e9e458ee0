/**
 * The limits Loom keeps on its own clock: a body's minimum rate, and the time a resource
 * has to start its answer. Time is a FakeClock, moved by the test; the loopback cases
 * send real bytes and wait for events (100 Continue, the connection closing), never
 * for a timer.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { NOT_DONE_YET, Resource } from '../lib/resource.ts';
import type { Request } from '../lib/request.ts';
import { Site } from '../lib/site.ts';
import { FakeClock, makeRequest, memoryLogger, responseOf } from '../lib/testing.ts';
import { BodyWatch, DEFAULT_TIMEOUTS, timeoutsFrom } from '../lib/timeouts.ts';
import { connect } from './support/raw-http.ts';

/** A socket whose byte count the test sets. */
class CountingSocket {
  bytesRead = 1000; // bytes of earlier requests on the connection do not count
}

const limits = timeoutsFrom({ bodyTimeout: 20, bodyMinRate: 500 }, 60);

describe('timeoutsFrom', () => {
  it('gives every limit a default that a real client never comes near', () => {
    expect(timeoutsFrom({}, 60)).toEqual({ ...DEFAULT_TIMEOUTS, idleTimeout: 60 });
    expect(DEFAULT_TIMEOUTS.headersTimeout).toBeGreaterThanOrEqual(20);
    expect(DEFAULT_TIMEOUTS.bodyMinRate).toBeLessThanOrEqual(1000);
  });

  it('refuses a limit that is not a number in range, naming it', () => {
    for (const bad of [{ headersTimeout: 0 }, { bodyTimeout: -1 }, { bodyMinRate: Number.NaN }, { responseTimeout: Infinity }]) {
      expect(() => timeoutsFrom(bad, 60), JSON.stringify(bad)).toThrow(expect.objectContaining({
        code: 'LOOM_ERR_INVALID_ARGUMENT', message: expect.stringContaining(Object.keys(bad)[0]!),
      }));
    }
  });

  it('lets a body rate of 0 and a response timeout of 0 through (a plain deadline; no limit)', () => {
    expect(timeoutsFrom({ bodyMinRate: 0, responseTimeout: 0 }, 60)).toMatchObject({ bodyMinRate: 0, responseTimeout: 0 });
  });
});

describe('BodyWatch', () => {
  it('security: aborts with 408 a body that sends nothing after its allowance', () => {
    const clock = new FakeClock(0);
    const watch = new BodyWatch(new CountingSocket(), clock, limits);
    clock.advance(19.9);
    expect(watch.signal.aborted).toBe(false);
    clock.advance(0.2);
    expect(watch.signal.aborted).toBe(true);
    expect(watch.signal.reason).toMatchObject({ code: 'LOOM_ERR_REQUEST_TIMEOUT', status: 408 });
  });

  it('security: aborts a body dripping a byte every 5 s, within seconds of the allowance', () => {
    const clock = new FakeClock(0);
    const socket = new CountingSocket();
    const watch = new BodyWatch(socket, clock, limits);
    let t = 0;
    while (!watch.signal.aborted && t < 240) {
      clock.advance(5);
      t += 5;
      socket.bytesRead += 1;
    }
    expect(watch.signal.aborted).toBe(true);
    expect(t).toBeLessThanOrEqual(25);
  });

  it('gives a body one more second for every bodyMinRate bytes, so a slow honest upload finishes', () => {
    const clock = new FakeClock(0);
    const socket = new CountingSocket();
    const watch = new BodyWatch(socket, clock, limits);
    for (let second = 0; second < 600; second++) {
      socket.bytesRead += 2_000; // 2 kB/s: four times the minimum, ten minutes long
      clock.advance(1);
    }
    expect(watch.signal.aborted).toBe(false);
    watch.stop();
    expect(clock.getDelayedCalls()).toEqual([]);
  });

  it('makes bodyTimeout a deadline for the whole body when bodyMinRate is 0', () => {
    const clock = new FakeClock(0);
    const socket = new CountingSocket();
    const watch = new BodyWatch(socket, clock, timeoutsFrom({ bodyTimeout: 10, bodyMinRate: 0 }, 60));
    socket.bytesRead += 10_000_000;
    clock.advance(10);
    expect(watch.signal.aborted).toBe(true);
  });
});

/** A resource that never answers until told, and remembers what it heard. */
class Stalled extends Resource {
  override isLeaf = true;
  last: Request | null = null;
  outcome: unknown = 'pending';
  render_GET(request: Request) {
    this.last = request;
    request.notifyFinish().then(() => (this.outcome = 'finished'), (error: unknown) => (this.outcome = error));
    return NOT_DONE_YET;
  }
}

describe('Site responseTimeout', () => {
  let site: Site | null = null;
  afterEach(async () => {
    await site?.close();
    site = null;
  });

  it('answers 503 and closes the connection when a resource has not started its response in time', async () => {
    const clock = new FakeClock(0);
    const stalled = new Stalled();
    const logger = memoryLogger();
    site = new Site(stalled, { clock, logger, responseTimeout: 30 });
    const request = makeRequest({ uri: '/slow' }, site);
    site.dispatch(request);
    clock.advance(29);
    expect(request.finished).toBe(false);
    clock.advance(1);
    const response = responseOf(request);
    expect(response.code).toBe(503);
    expect(response.text).toContain('did not start its answer within 30 seconds');
    expect(response.channel.closing).toBe(true);
    expect(logger.messages.map((m) => m.message)).toEqual([expect.stringContaining('GET /slow did not start its response within 30 s')]);
  });

  it('tells the resource, as when the client goes away, and drops what it writes afterwards', async () => {
    const clock = new FakeClock(0);
    const stalled = new Stalled();
    site = new Site(stalled, { clock, logger: memoryLogger(), responseTimeout: 5 });
    const request = makeRequest({ uri: '/' }, site);
    site.dispatch(request);
    clock.advance(5);
    await Promise.resolve();
    expect(stalled.outcome).toMatchObject({ code: 'LOOM_ERR_RESPONSE_TIMEOUT' });
    const sent = responseOf(request).body.length;
    expect(() => {
      stalled.last!.write('too late');
      stalled.last!.finish();
    }).not.toThrow();
    expect(responseOf(request).body.length).toBe(sent);
  });

  it('leaves alone a response that started in time, however long it runs, and one that finished', async () => {
    const clock = new FakeClock(0);
    const stalled = new Stalled();
    site = new Site(stalled, { clock, logger: memoryLogger(), responseTimeout: 5 });
    const streaming = makeRequest({ uri: '/a' }, site);
    site.dispatch(streaming);
    stalled.last!.write('started');
    const done = makeRequest({ uri: '/b' }, site);
    site.dispatch(done);
    stalled.last!.finish();
    clock.advance(60);
    expect(responseOf(streaming).code).toBe(200);
    expect(streaming.finished).toBe(false);
    expect(responseOf(done).code).toBe(200);
  });

  it('waits for ever with responseTimeout 0, scheduling nothing', () => {
    const clock = new FakeClock(0);
    site = new Site(new Stalled(), { clock, logger: memoryLogger(), responseTimeout: 0 });
    site.dispatch(makeRequest({ uri: '/' }, site));
    expect(clock.getDelayedCalls()).toEqual([]);
  });
});

describe('a slow request body over a real socket', () => {
  let site: Site | null = null;
  afterEach(async () => {
    await site?.close();
    site = null;
  });

  it('security: answers 408 with Connection: close to a body that stops arriving, and closes', async () => {
    class Echo extends Resource {
      override isLeaf = true;
      render_POST(request: Request) {
        return `${request.content.length}`;
      }
    }
    const clock = new FakeClock(0);
    site = new Site(new Echo(), { clock, logger: memoryLogger(), bodyTimeout: 20, bodyMinRate: 500 });
    const { address } = await site.listen('tcp:0:interface=127.0.0.1');
    const client = await connect(address.port);
    // 100 Continue is written just before the Site starts reading the body, and so its watch.
    client.socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n');
    await client.readUntil('100 Continue\r\n\r\n');
    client.socket.write('a few bytes');
    clock.advance(21);
    const text = await client.readUntil('</html>');
    await client.closed;
    expect(text).toMatch(/HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(text).toContain('Connection: close\r\n');
    expect(text).toContain('The request body arrived too slowly');
  });
});
