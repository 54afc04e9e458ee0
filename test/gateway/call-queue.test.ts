import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { ANSWERED, CallQueue, CallTaker, CANCELLED, FREE, QUEUE_SLOTS, QUEUED } from '../../lib/gateway/call-queue.ts';

const BOOT = new URL('../../lib/gateway/boot.mjs', import.meta.url);
const TAKER = new URL('./fixtures/taker.ts', import.meta.url).href;

/** Write `text` into a slot, as a call's bytes. */
const text = (value: string) => (slot: Buffer): number => slot.write(value);

describe('CallQueue and CallTaker', () => {
  it('hand calls over oldest first, record who took each, and carry the answer back', () => {
    const queue = new CallQueue();
    const taker = new CallTaker(queue.shared, 5);
    const first = queue.push(text('first'));
    const second = queue.push(text('second'));
    expect([queue.state(first), queue.takenBy(first)]).toEqual([QUEUED, 0]);
    expect(taker.take()).toBe(first);
    expect(taker.call(first).toString()).toBe('first');
    expect(queue.takenBy(first)).toBe(5);
    const length = taker.slot(first).write('answer one');
    taker.answered(first, length);
    expect([queue.state(first), queue.answer(first).toString()]).toEqual([ANSWERED, 'answer one']);
    expect(taker.take()).toBe(second);
    queue.release(first);
    expect(queue.state(first)).toBe(FREE);
    queue.close();
  });

  it('lets the main thread withdraw a call no worker has taken, and a worker then skips it', () => {
    const queue = new CallQueue();
    const taker = new CallTaker(queue.shared, 1);
    const withdrawn = queue.push(text('withdrawn'));
    const kept = queue.push(text('kept'));
    expect(queue.withdraw(withdrawn)).toBe(true);
    expect(queue.state(withdrawn)).toBe(CANCELLED);
    expect(taker.take()).toBe(kept);
    expect(queue.withdraw(kept)).toBe(false); // Taken: it is running, it cannot be withdrawn.
    queue.close();
  });

  it('has room for QUEUE_SLOTS calls, and room again once one is released', () => {
    const queue = new CallQueue();
    const slots: number[] = [];
    while (queue.hasRoom) slots.push(queue.push(text('x')));
    expect(slots).toHaveLength(QUEUE_SLOTS);
    expect(new Set(slots).size).toBe(QUEUE_SLOTS);
    const taker = new CallTaker(queue.shared, 1);
    const taken = taker.take();
    taker.answered(taken, 0);
    queue.release(taken);
    expect(queue.hasRoom).toBe(true);
    queue.close();
  });

  describe('with a worker thread sleeping on it', () => {
    const queue = new CallQueue();
    const worker = new Worker(BOOT, { workerData: { entry: TAKER, queue: queue.shared, worker: 1 } });
    afterAll(async () => {
      queue.close();
      await worker.terminate();
    });

    it('wakes the worker for calls pushed in one turn, and rings the main thread with each answer', async () => {
      const answers = new Map<number, string>();
      let heard!: () => void;
      const allHeard = new Promise<void>((resolve) => (heard = resolve));
      const slots = ['abc', 'hello', 'xyz'].map((call) => queue.push(text(call)));
      queue.onAnswers(() => {
        for (const slot of slots) if (queue.state(slot) === ANSWERED) answers.set(slot, queue.answer(slot).toString());
        if (answers.size === slots.length) heard();
      });
      await allHeard;
      expect(slots.map((slot) => answers.get(slot))).toEqual(['cba', 'olleh', 'zyx']);
    });
  });
});
