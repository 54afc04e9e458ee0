import { describe, expect, it } from 'vitest';
import { isLoomError } from '../../lib/errors.ts';
import { kCrashed, kSlotDied, kSlotFree } from '../../lib/plumbing/symbols.ts';
import { WorkerSlot, type SlotCall, type SlotOwner } from '../../lib/gateway/slot.ts';

/** A pool stand-in that records what its slots tell it. */
class Owner implements SlotOwner {
  readonly freed: WorkerSlot[] = [];
  readonly died: WorkerSlot[] = [];
  #onDied: (() => void) | null = null;

  [kSlotFree](slot: WorkerSlot): void {
    this.freed.push(slot);
  }

  [kSlotDied](slot: WorkerSlot): void {
    this.died.push(slot);
    this.#onDied?.();
  }

  /** Resolves once a slot has reported its thread dead. */
  death(): Promise<void> {
    return this.died.length > 0 ? Promise.resolve() : new Promise((resolve) => (this.#onDied = resolve));
  }
}

/** A call stand-in: records a crash, and settles when the test says so. */
class FakeCall implements SlotCall {
  crash: Error | null = null;
  settledListeners: (() => void)[] = [];
  onMessage(): void {}
  [kCrashed](error: Error): void {
    this.crash = error;
  }
  onSettled(listener: () => void): void {
    this.settledListeners.push(listener);
  }
}

describe('WorkerSlot', () => {
  it('says when its thread has loaded its code, and reports the thread gone once retired', async () => {
    const owner = new Owner();
    const slot = new WorkerSlot(owner);
    expect(slot.isReady).toBe(false); // Booting a thread takes a while.
    await slot.ready;
    expect(slot.isReady).toBe(true);
    await slot.retire();
    await owner.death();
    expect(owner.died).toEqual([slot]);
  });

  it('tells its owner it is free when its call is released, and forgets the call', async () => {
    const owner = new Owner();
    const slot = new WorkerSlot(owner);
    slot.call = new FakeCall();
    slot.release();
    expect([slot.call, owner.freed]).toEqual([null, [slot]]);
    await slot.retire();
  });

  it('fails the running call with LOOM_ERR_WORKER_CRASHED when the thread dies, then reports itself dead', async () => {
    const owner = new Owner();
    const slot = new WorkerSlot(owner);
    const call = new FakeCall();
    slot.call = call;
    slot.kill(new Error('stopped by the test'));
    expect(isLoomError(call.crash, 'LOOM_ERR_WORKER_CRASHED')).toBe(true);
    expect(call.crash?.message).toContain('stopped by the test');
    expect(owner.died).toEqual([slot]);
  });

  it('waits for the running call to settle before it stops the thread on retire', async () => {
    const owner = new Owner();
    const slot = new WorkerSlot(owner);
    await slot.ready;
    const call = new FakeCall();
    slot.call = call;
    const retired = slot.retire();
    expect(call.settledListeners).toHaveLength(1); // Not stopped yet: it waits for the call.
    expect(owner.died).toEqual([]);
    call.settledListeners[0]!();
    await retired;
    await owner.death();
    expect(owner.died).toEqual([slot]);
  });
});
