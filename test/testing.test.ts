import { describe, expect, it } from 'vitest';
import { FakeClock, MemoryChannel, makeRequest, memoryLogger, responseOf } from '../lib/testing.ts';

describe('FakeClock', () => {
  it('runs calls in time order as time advances, and not before', () => {
    const clock = new FakeClock(100);
    const ran: string[] = [];
    clock.callLater(5, () => ran.push('five'));
    clock.callLater(1, () => ran.push('one'));
    clock.callLater(1, () => ran.push('one again'));
    clock.advance(0.5);
    expect(ran).toEqual([]);
    clock.advance(4.5);
    expect(ran).toEqual(['one', 'one again', 'five']);
    expect(clock.seconds()).toBe(105);
  });

  it('shows the time a call is due while it runs', () => {
    const clock = new FakeClock();
    let seen = -1;
    clock.callLater(3, () => (seen = clock.seconds()));
    clock.advance(10);
    expect(seen).toBe(3);
  });

  it('cancels and resets calls', () => {
    const clock = new FakeClock();
    const ran: string[] = [];
    const a = clock.callLater(1, () => ran.push('a'));
    const b = clock.callLater(2, () => ran.push('b'));
    a.cancel();
    a.cancel();
    b.reset(5);
    clock.advance(3);
    expect(ran).toEqual([]);
    expect(a.active()).toBe(false);
    expect(b.getTime()).toBe(5);
    clock.pump([1, 1]);
    expect(ran).toEqual(['b']);
    expect(b.active()).toBe(false);
    expect(clock.getDelayedCalls()).toEqual([]);
  });

  it('runs calls scheduled by a call when they fall within the same advance', () => {
    const clock = new FakeClock();
    const ran: number[] = [];
    clock.callLater(1, () => clock.callLater(1, () => ran.push(clock.seconds())));
    clock.advance(5);
    expect(ran).toEqual([2]);
  });
});

describe('MemoryChannel', () => {
  it('records the head, the body and the end', () => {
    const req = makeRequest();
    req.setHeader('x', '1');
    req.write('ab');
    req.finish();
    const channel = req.channel as MemoryChannel;
    expect(channel.head?.code).toBe(200);
    expect(channel.head?.headers.getLast('x')).toBe('1');
    expect(channel.body.toString()).toBe('ab');
    expect(channel.ended).toBe(true);
    expect(responseOf(req).text).toBe('ab');
  });

  it('tells close listeners whether the client went away first', () => {
    const finished = new MemoryChannel();
    const lost = new MemoryChannel();
    const seen: boolean[] = [];
    finished.onClose((l) => seen.push(l));
    lost.onClose((l) => seen.push(l));
    finished.end();
    lost.loseConnection();
    lost.loseConnection();
    expect(seen).toEqual([false, true]);
    lost.onClose((l) => seen.push(l));
    expect(seen).toEqual([false, true, true]);
  });
});

describe('makeRequest', () => {
  it('adds a Content-Length for a body and keeps repeated headers', () => {
    const req = makeRequest({ method: 'POST', body: 'héllo', headers: [['a', '1'], ['a', '2']] });
    expect(req.getHeader('content-length')).toBe('6');
    expect(req.requestHeaders.getRawHeaders('a')).toEqual(['1', '2']);
  });
});

describe('memoryLogger', () => {
  it('keeps messages with their level and error', () => {
    const logger = memoryLogger();
    const error = new Error('x');
    logger.info('i');
    logger.warn('w');
    logger.error('e', error);
    expect(logger.messages).toEqual([{ level: 'info', message: 'i' }, { level: 'warn', message: 'w' }, { level: 'error', message: 'e', error }]);
  });
});
