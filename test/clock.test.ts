import { describe, expect, it, vi } from 'vitest';
import { realClock } from '../lib/clock.ts';

describe('realClock', () => {
  it('reads the time in seconds', () => {
    expect(Math.abs(realClock.seconds() - Date.now() / 1000)).toBeLessThan(1);
  });

  it('runs a call after its delay and reports it inactive afterwards', async () => {
    let call!: ReturnType<typeof realClock.callLater>;
    await new Promise<void>((resolve) => {
      call = realClock.callLater(0, resolve);
      expect(call.active()).toBe(true);
    });
    expect(call.active()).toBe(false);
  });

  it('never runs a cancelled call', async () => {
    let ran = false;
    const call = realClock.callLater(0, () => (ran = true));
    call.cancel();
    await new Promise<void>((resolve) => realClock.callLater(0.01, resolve));
    expect(ran).toBe(false);
    expect(call.active()).toBe(false);
  });

  it('moves a call with reset', async () => {
    const order: string[] = [];
    const late = realClock.callLater(0, () => order.push('moved'));
    late.reset(0.02);
    await new Promise<void>((resolve) => realClock.callLater(0.005, () => { order.push('first'); resolve(); }));
    await new Promise<void>((resolve) => realClock.callLater(0.03, resolve));
    expect(order).toEqual(['first', 'moved']);
  });

  it('logs an exception thrown by a delayed call instead of ending the process', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await new Promise<void>((resolve) => {
        realClock.callLater(0, () => {
          throw new Error('timer bug');
        });
        realClock.callLater(0.005, resolve);
      });
      expect(write.mock.calls.map((c) => String(c[0])).join('')).toMatch(/Unhandled error in a delayed call[\s\S]*timer bug/);
    } finally {
      write.mockRestore();
    }
  });
});
