import { describe, expect, it } from 'vitest';
import { isLoomError, type LoomError } from '../../lib/errors.ts';
import { kSlotDied, kSlotMessage } from '../../lib/plumbing/symbols.ts';
import { CallQueue } from '../../lib/gateway/call-queue.ts';
import { WorkerSlot, type CallNews, type SlotOwner } from '../../lib/gateway/slot.ts';

/** A pool stand-in that records what its slots tell it. */
class Owner implements SlotOwner {
  readonly news: CallNews[] = [];
  readonly died: { slot: WorkerSlot; error: LoomError }[] = [];
  #onDied: (() => void) | null = null;

  [kSlotMessage](_slot: WorkerSlot, message: CallNews): void {
    this.news.push(message);
  }

  [kSlotDied](slot: WorkerSlot, error: LoomError): void {
    this.died.push({ slot, error });
    this.#onDied?.();
  }

  /** Resolves once a slot has reported its thread dead. */
  death(): Promise<void> {
    return this.died.length > 0 ? Promise.resolve() : new Promise((resolve) => (this.#onDied = resolve));
  }
}

describe('WorkerSlot', () => {
  const queue = new CallQueue();

  it('says when its thread has loaded its code, and reports the thread gone once retired', async () => {
    const owner = new Owner();
    const slot = new WorkerSlot(owner, 1, queue.shared);
    expect(slot.isReady).toBe(false); // Booting a thread takes a while.
    await slot.ready;
    expect(slot.isReady).toBe(true);
    await slot.retire();
    await owner.death();
    expect(owner.died.map((d) => d.slot)).toEqual([slot]);
    expect(slot.exited).toBe(true);
  });

  it('reports a thread stopped by kill() as crashed, with the reason given, once', async () => {
    const owner = new Owner();
    const slot = new WorkerSlot(owner, 2, queue.shared);
    slot.kill(new Error('stopped by the test'));
    slot.kill(new Error('again'));
    expect(owner.died).toHaveLength(1);
    expect(isLoomError(owner.died[0]!.error, 'LOOM_ERR_WORKER_CRASHED')).toBe(true);
    expect(owner.died[0]!.error.message).toContain('stopped by the test');
  });

  it('keeps a Loom error it is killed with as it is (a timeout stays a timeout)', async () => {
    const owner = new Owner();
    const slot = new WorkerSlot(owner, 3, queue.shared);
    const { LoomError } = await import('../../lib/errors.ts');
    slot.kill(new LoomError('LOOM_ERR_GATEWAY_TIMEOUT', 'too slow', { status: 504 }));
    expect(owner.died[0]!.error.code).toBe('LOOM_ERR_GATEWAY_TIMEOUT');
  });
});
