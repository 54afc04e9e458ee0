/**
 * @module
 * The thread hop: a queue of calls in memory that the main thread and every worker of a
 * pool share, with two doorbells, one to wake the workers and one to wake the main thread.
 *
 * The queue is a `SharedArrayBuffer` cut into fixed slots (64 of 32 KiB). To hand over a
 * call, the main thread writes it into a free slot as bytes (lib/gateway/protocol.ts:
 * the application's name, the environ, a small body), marks the slot `QUEUED` and appends
 * its number to a ring of slot numbers. An idle worker takes the oldest queued slot
 * (a compare-and-swap on the slot's state, so exactly one worker gets it), runs the
 * call, writes a small answer back into the same slot, marks it `ANSWERED` and rings the
 * main thread. Nothing is copied by a serializer and nothing is posted: each side reads
 * the other's bytes where they lie.
 *
 * Why: on one core, the cost of a hop is the waking, not the bytes. Posting a message to
 * a worker per request, and one back, meant two thread switches per request and cost
 * more than a whole Resource (docs/guide/performance.md). Here a worker that finishes a
 * call looks at the queue before it sleeps, and takes the next call without being woken;
 * the main thread rings the workers' doorbell once per turn of its event loop, not once
 * per call, and only when a worker sleeps and none is being woken already (see
 * `wakeWorker`), and drains every answer at each ring of its own doorbell. Under load
 * one wake carries a batch of calls each way.
 *
 * The doorbells are counters: the ringer adds one and calls `Atomics.notify`. A worker
 * sleeps in `Atomics.wait` (it has nothing else to do); the main thread must never block,
 * so it waits with `Atomics.waitAsync`, a promise that settles on the next ring. A call
 * too big for its slot, a body that streams, and output that does not fit the slot still
 * travel through the worker's `MessagePort` (lib/gateway/slot.ts), with backpressure.
 *
 * Twisted counterpart: `WSGIResource.render` runs the application with
 * `deferToThreadPool` (a function appended to `twisted.python.threadpool.ThreadPool`'s
 * queue, which its threads pull from), and each write hops back with
 * `reactor.callFromThread`. A Python thread shares the reactor's objects, so Twisted's
 * queue holds functions; a JavaScript thread shares only bytes, so this queue holds
 * calls written out as bytes. Loom differs: the hop back carries the whole small answer
 * in one ring, not one `callFromThread` per write.
 * Tests: `test/gateway/call-queue.test.ts`.
 */

import { kGetUp, kLieDown, kWorkRings } from '../plumbing/symbols.ts';

/** Slots in a pool's queue: the most calls handed over and not yet answered. */
export const QUEUE_SLOTS = 64;
/** Bytes in one slot: a call with its environ and a small body, or a small answer. */
export const SLOT_BYTES = 32 * 1024;

/** The words at the start of the shared buffer. */
const HEAD = 0; // the ring position a worker takes next
const TAIL = 1; // the ring position the main thread fills next
const WORK_BELL = 2; // rung by the main thread (and by a worker that leaves calls behind)
const DONE_BELL = 3; // rung by a worker that answered
const SLEEPERS = 4; // workers asleep on the work bell, or about to be
const WAKING = 5; // 1 from a ring of the work bell until a sleeper comes out of its sleep
const CONTROL_WORDS = 8;

/** A slot's state. A taken slot holds `TAKEN + the worker's number` (1 and up). */
export const FREE = 0;
export const QUEUED = 1;
export const CANCELLED = 2;
export const ANSWERED = 3;
const TAKEN = 16;

type WaitAsync = (array: Int32Array, index: number, value: number) => { async: boolean; value: Promise<unknown> | string };
// Atomics.waitAsync is in Node since 16, but in TypeScript's lib only from es2024 (this project compiles against es2023).
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/** The views both sides make over one shared buffer. */
class QueueMemory {
  readonly shared: SharedArrayBuffer;
  readonly control: Int32Array;
  readonly ring: Int32Array;
  readonly states: Int32Array;
  readonly lengths: Int32Array;
  readonly data: Buffer;
  /** A view of each slot, made once: a view per call was garbage on every request. */
  readonly #slots: Buffer[] = [];

  constructor(shared: SharedArrayBuffer) {
    this.shared = shared;
    let at = 0;
    const words = (n: number): Int32Array => new Int32Array(shared, (at += n * 4) - n * 4, n);
    this.control = words(CONTROL_WORDS);
    this.ring = words(QUEUE_SLOTS);
    this.states = words(QUEUE_SLOTS);
    this.lengths = words(QUEUE_SLOTS);
    this.data = Buffer.from(shared, at, QUEUE_SLOTS * SLOT_BYTES);
    for (let slot = 0; slot < QUEUE_SLOTS; slot++) this.#slots.push(this.data.subarray(slot * SLOT_BYTES, (slot + 1) * SLOT_BYTES));
  }

  static bytes(): number {
    return (CONTROL_WORDS + 3 * QUEUE_SLOTS) * 4 + QUEUE_SLOTS * SLOT_BYTES;
  }

  /** The bytes of slot `slot`. */
  slot(slot: number): Buffer {
    return this.#slots[slot]!;
  }

  ringBell(bell: number): void {
    Atomics.add(this.control, bell, 1);
    Atomics.notify(this.control, bell, 1);
  }

  /**
   * Wake one sleeping worker for the calls in the ring, unless none sleeps (every worker
   * is awake and will look at the ring before it sleeps) or one has been woken already
   * and has not yet come out of its sleep. On one core a woken worker may not run for a
   * while; ringing again meanwhile woke a second worker, then a third, each for the same
   * few calls, and each wake is a pair of thread switches (docs/guide/performance.md).
   *
   * No wake-up is lost: a call pushed while every worker sleeps always rings. The ring
   * position is stored before `SLEEPERS` is read here, and a worker counts itself in
   * `SLEEPERS` before it looks at the ring one last time (`CallTaker.take`); these are
   * sequentially consistent atomics, so either this read sees the sleeper or the
   * sleeper's last look sees the call. `WAKING` blocks a ring only while a wake is on
   * its way: it is set here, just before the bell's counter moves, and every worker
   * clears it both as it lies down and as it gets up. A sleeper that read the bell
   * before it lay down finds the counter moved and does not sleep, one already asleep
   * is notified; either way one of them gets up and clears `WAKING`. And a worker that
   * lies down after the ring clears it itself, so the next call rings again.
   */
  wakeWorker(): void {
    const control = this.control;
    if (Atomics.load(control, SLEEPERS) === 0 || Atomics.compareExchange(control, WAKING, 0, 1) !== 0) return;
    this.ringBell(WORK_BELL);
  }
}

/** The main thread's side of the queue: hand calls over, take answers back. */
export class CallQueue {
  readonly #memory = new QueueMemory(new SharedArrayBuffer(QueueMemory.bytes()));
  readonly #free: number[] = [];
  #wakePending = false;
  #onAnswers: (() => void) | null = null;
  #closed = false;

  constructor() {
    for (let slot = QUEUE_SLOTS - 1; slot >= 0; slot--) this.#free.push(slot);
  }

  /** The buffer a worker is started with (`new CallTaker(shared, n)` on its side). */
  get shared(): SharedArrayBuffer {
    return this.#memory.shared;
  }

  /** True when a call can be handed over now (a slot is free). */
  get hasRoom(): boolean {
    const control = this.#memory.control;
    return this.#free.length > 0 && Atomics.load(control, TAIL) - Atomics.load(control, HEAD) < QUEUE_SLOTS;
  }

  /**
   * Hand a call over: `write` puts its bytes into the slot and returns how many it wrote.
   * The workers' doorbell rings once this turn of the event loop is over, so the calls
   * dispatched in one turn wake a worker once. Returns the slot, which stays the call's
   * until {@link release}. Check {@link hasRoom} first.
   */
  push(write: (slot: Buffer) => number): number {
    const memory = this.#memory;
    const slot = this.#free.pop()!;
    memory.lengths[slot] = write(memory.slot(slot));
    Atomics.store(memory.states, slot, QUEUED);
    const tail = Atomics.load(memory.control, TAIL);
    Atomics.store(memory.ring, tail % QUEUE_SLOTS, slot);
    Atomics.store(memory.control, TAIL, tail + 1);
    if (!this.#wakePending) {
      this.#wakePending = true;
      setImmediate(() => this.#wakeWorkers());
    }
    return slot;
  }

  /** `QUEUED`, `ANSWERED`, … of a slot. */
  state(slot: number): number {
    return Atomics.load(this.#memory.states, slot);
  }

  /** The worker (1 and up) that took the call in `slot`, or 0 when none has. */
  takenBy(slot: number): number {
    const state = this.state(slot);
    return state >= TAKEN ? state - TAKEN : 0;
  }

  /** Withdraw a call no worker has taken. False when one has (it is running). */
  withdraw(slot: number): boolean {
    return Atomics.compareExchange(this.#memory.states, slot, QUEUED, CANCELLED) === QUEUED;
  }

  /** The answer a worker wrote into `slot` (valid until the slot is released). */
  answer(slot: number): Buffer {
    return this.#memory.slot(slot).subarray(0, this.#memory.lengths[slot]);
  }

  /** The call in `slot` is over: the slot can carry another. */
  release(slot: number): void {
    Atomics.store(this.#memory.states, slot, FREE);
    this.#free.push(slot);
  }

  /** Calls `listener` each time a worker rings: look at the slots for answers then. */
  onAnswers(listener: () => void): void {
    this.#onAnswers = listener;
    this.#listen();
  }

  /** How many times the workers' bell has rung. */
  get [kWorkRings](): number {
    return Atomics.load(this.#memory.control, WORK_BELL);
  }

  /** Stop listening for answers. */
  close(): void {
    this.#closed = true;
    this.#memory.ringBell(DONE_BELL); // settle the pending wait, which then does not re-arm
  }

  #wakeWorkers(): void {
    this.#wakePending = false;
    this.#memory.wakeWorker();
  }

  /** Wait (without blocking) for the next ring; drain answers; wait again. */
  #listen(): void {
    const control = this.#memory.control;
    for (;;) {
      if (this.#closed) return;
      const rung = Atomics.load(control, DONE_BELL);
      this.#onAnswers?.();
      const wait = waitAsync(control, DONE_BELL, rung);
      // Not async: it rang while the answers were being taken. Take them, and look again.
      if (wait.async) {
        void (wait.value as Promise<unknown>).then(() => this.#listen());
        return;
      }
    }
  }
}

/** A worker's side of the queue: take the oldest call, answer it. */
export class CallTaker {
  readonly #memory: QueueMemory;
  readonly #taken: number;

  /** `worker` is this thread's number in its pool, 1 and up. */
  constructor(shared: SharedArrayBuffer, worker: number) {
    this.#memory = new QueueMemory(shared);
    this.#taken = TAKEN + worker;
  }

  /** The oldest queued call's slot, blocking (`Atomics.wait`) while there is none. */
  take(): number {
    const { control, ring, states } = this.#memory;
    for (;;) {
      const rung = Atomics.load(control, WORK_BELL);
      const head = Atomics.load(control, HEAD);
      if (head === Atomics.load(control, TAIL)) {
        this.#sleep(rung);
        continue;
      }
      const slot = Atomics.load(ring, head % QUEUE_SLOTS);
      // The state decides who has the call (another worker may be looking at the same
      // position); whoever looked moves the head on, whether or not they won it.
      const won = Atomics.compareExchange(states, slot, QUEUED, this.#taken) === QUEUED;
      Atomics.compareExchange(control, HEAD, head, head + 1);
      if (!won) continue;
      // Calls are left behind: wake another worker for them, in case this call blocks.
      if (head + 1 < Atomics.load(control, TAIL)) this.#memory.wakeWorker();
      return slot;
    }
  }

  /**
   * Sleep until the work bell moves from `rung` (read before the ring was last seen
   * empty). Lie down first (count this worker in `SLEEPERS`, clear `WAKING`), then look
   * at the ring once more: a call pushed before that look is taken now, one pushed after
   * it finds this worker counted and rings (`QueueMemory.wakeWorker` says why no wake is
   * lost).
   */
  #sleep(rung: number): void {
    if (this[kLieDown]()) Atomics.wait(this.#memory.control, WORK_BELL, rung);
    this[kGetUp]();
  }

  /** Count this worker among the sleepers, then look at the ring: true when it is still empty. */
  [kLieDown](): boolean {
    const control = this.#memory.control;
    Atomics.add(control, SLEEPERS, 1);
    Atomics.store(control, WAKING, 0);
    return Atomics.load(control, HEAD) === Atomics.load(control, TAIL);
  }

  /** Out of the sleep, woken or not: no longer a sleeper, and any ring in flight has arrived. */
  [kGetUp](): void {
    const control = this.#memory.control;
    Atomics.sub(control, SLEEPERS, 1);
    Atomics.store(control, WAKING, 0);
  }

  /** The bytes of a slot: the call to read, then where an answer is written. */
  slot(slot: number): Buffer {
    return this.#memory.slot(slot);
  }

  /** The call's bytes, as the main thread wrote them. */
  call(slot: number): Buffer {
    return this.#memory.slot(slot).subarray(0, this.#memory.lengths[slot]);
  }

  /** `length` bytes of answer are in the slot: mark it answered and ring the main thread. */
  answered(slot: number, length: number): void {
    this.#memory.lengths[slot] = length;
    Atomics.store(this.#memory.states, slot, ANSWERED);
    this.#memory.ringBell(DONE_BELL);
  }
}
