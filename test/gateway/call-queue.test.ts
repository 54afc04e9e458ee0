import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { kGetUp, kLieDown, kWorkRings } from '../../lib/plumbing/symbols.ts';
import { within } from '../support/within.ts';
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

  // The steps of a worker's sleep, interleaved by hand with the main thread's pushes: the
  // orders in which a wake-up could be lost, each made to happen rather than hoped for.
  describe('rings the workers only when one sleeps, and never loses a wake-up', () => {
    /** Let the turn end: the queue rings (or not) in a setImmediate queued before this one. */
    const turn = () => new Promise((resolve) => setImmediate(resolve));

    it('does not ring for a call pushed while no worker sleeps; a worker lying down then sees it', async () => {
      const queue = new CallQueue();
      const taker = new CallTaker(queue.shared, 1);
      const slot = queue.push(text('early'));
      await turn();
      expect(queue[kWorkRings]).toBe(0);
      expect(taker[kLieDown]()).toBe(false); // Its last look finds the call: it does not sleep.
      taker[kGetUp]();
      expect(taker.take()).toBe(slot);
      queue.close();
    });

    it('rings once for a call pushed after a worker lay down, and not again until a sleeper gets up', async () => {
      const queue = new CallQueue();
      const [first, second] = [new CallTaker(queue.shared, 1), new CallTaker(queue.shared, 2)];
      const rung = queue[kWorkRings]; // What each sleeper read before it lay down.
      expect(first[kLieDown]()).toBe(true);
      expect(second[kLieDown]()).toBe(true);
      queue.push(text('a'));
      await turn();
      expect(queue[kWorkRings]).toBe(rung + 1); // A sleeper's wait on `rung` now returns at once.
      queue.push(text('b'));
      await turn();
      expect(queue[kWorkRings]).toBe(rung + 1); // One wake is on its way: no second worker woken.
      first[kGetUp]();
      first.take();
      queue.push(text('c'));
      await turn();
      expect(queue[kWorkRings]).toBe(rung + 2); // The second still sleeps, and nothing is on its way to it.
      queue.close();
    });

    it('rings again after a ring that found only a worker already getting up', async () => {
      const queue = new CallQueue();
      const taker = new CallTaker(queue.shared, 1);
      const a = queue.push(text('a'));
      expect(taker[kLieDown]()).toBe(false); // Counted as a sleeper, but it has seen the call.
      await turn();
      expect(queue[kWorkRings]).toBe(1); // The main thread saw a sleeper and rang; nobody waits on it.
      taker[kGetUp]();
      expect(taker.take()).toBe(a);
      const rung = queue[kWorkRings];
      expect(taker[kLieDown]()).toBe(true); // Now it really sleeps, and a ring must reach it.
      queue.push(text('b'));
      await turn();
      expect(queue[kWorkRings]).toBe(rung + 1);
      queue.close();
    });
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

  describe('with two worker threads that sleep between bursts', () => {
    const queue = new CallQueue();
    const gate = new Int32Array(new SharedArrayBuffer(4));
    const workers = [1, 2].map((n) => new Worker(BOOT, { workerData: { entry: TAKER, queue: queue.shared, worker: n, gate: gate.buffer } }));
    /** Slots pushed and not yet answered, and what each call's answer resolves. */
    const pending = new Map<number, (answer: string) => void>();
    queue.onAnswers(() => {
      for (const [slot, resolve] of pending) {
        if (queue.state(slot) !== ANSWERED) continue;
        pending.delete(slot);
        resolve(queue.answer(slot).toString());
        queue.release(slot);
      }
    });
    const call = (value: string): Promise<string> => new Promise((resolve) => pending.set(queue.push(text(value)), resolve));
    const seen = () => `${pending.size} calls unanswered`;
    afterAll(async () => {
      Atomics.store(gate, 0, 1);
      Atomics.notify(gate, 0);
      queue.close();
      await Promise.all(workers.map((worker) => worker.terminate()));
    });

    // A wake-up lost to the race between a worker lying down and a call arriving would
    // leave a call unanswered for ever: each burst comes after the workers have run out
    // of calls, some in the same turn as the last answer, some a turn later.
    it('answers every call of many bursts, each pushed as the workers run out of calls', async () => {
      for (let burst = 0; burst < 300; burst++) {
        const values = Array.from({ length: 1 + (burst % 12) }, (_, n) => `b${burst}c${n}`);
        const answers = await within(Promise.all(values.map(call)), 10_000, `the ${values.length} answers of burst ${burst}`, seen);
        expect(answers).toEqual(values.map((value) => [...value].reverse().join('')));
        if (burst % 2 === 1) await new Promise((resolve) => setImmediate(resolve));
      }
    });

    it('wakes the other worker for a call queued behind one that blocks', async () => {
      const held = call('hold1');
      // The first worker is held, so only the second can answer this: it must have been woken.
      expect(await within(call('abc'), 10_000, 'the answer to the call behind the held one', seen)).toBe('cba');
      const again = call('xyz'); // And again, once the second worker has gone back to sleep.
      expect(await within(again, 10_000, 'a second answer while the first worker is held', seen)).toBe('zyx');
      Atomics.store(gate, 0, 1);
      Atomics.notify(gate, 0);
      expect(await within(held, 10_000, 'the held call once the gate opens', seen)).toBe('1dloh');
    });
  });
});
