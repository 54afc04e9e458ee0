/**
 * @module
 * A pool of worker threads that run gateway applications: at least `minThreads`
 * started with the pool, more made on demand up to `maxThreads`, and a first-in,
 * first-out queue for calls that arrive while every thread is busy.
 *
 * Calls do not go to a thread: they go into the pool's call queue, in shared memory
 * (lib/gateway/call-queue.ts), and each idle thread takes the oldest one, as the threads
 * of Twisted's pool pull from its queue. A thread is a `WorkerSlot` (lib/gateway/slot.ts);
 * the main thread's half of running a call, body in and response out, is a
 * `GatewayCall` (lib/gateway/call.ts). The pool routes what the workers say to the calls,
 * starts a thread when every thread has a call, fails the calls of a thread that died
 * and starts another, and keeps calls beyond the queue's 64 slots in a list of its own.
 *
 * Twisted counterpart: `twisted.python.threadpool.ThreadPool(minthreads, maxthreads)`
 * with `start()`, `stop()` and a queue; `WSGIResource` calls `callInThread`. Loom
 * differs: a JavaScript thread cannot be handed a function to run, so a call names its
 * application by module and export (`AppRef`) and each worker imports it once; and the
 * defaults are smaller (1 to 4 threads, not 5 to 20), because a worker thread is a whole
 * JavaScript engine, not a Python thread.
 * Tests: `test/gateway/pool.test.ts`.
 */

import { LoomError } from '../errors.ts';
import { kCallOver, kCrashed, kFailBeforeStart, kSlotDied, kSlotMessage, kUnqueue, kWorkerOf } from '../plumbing/symbols.ts';
import { GatewayCall, type CallHandle, type CallHost, type CallSpec } from './call.ts';
import { ANSWERED, CallQueue, QUEUE_SLOTS, QUEUED } from './call-queue.ts';
import { readAnswer } from './frames.ts';
import { WorkerSlot, type CallNews, type SlotOwner } from './slot.ts';

/** Options for a {@link ThreadPool}. */
export interface ThreadPoolOptions {
  /** Threads started with the pool and kept. @default 1 */
  minThreads?: number;
  /** The most threads at once; calls beyond that wait in the queue. @default 4 */
  maxThreads?: number;
}

// #region gateway-pool
/** Worker threads that run gateway applications. */
export class ThreadPool implements SlotOwner, CallHost {
  readonly minThreads: number;
  readonly maxThreads: number;
  /** The threads, by their number. */
  readonly #workers = new Map<number, WorkerSlot>();
  /**
   * The call in each queue slot, from when it is handed over until the worker is done
   * with it. An array by slot, not a Map by call id: with the Map, written and deleted
   * per request, V8's young-generation collector promoted about 2.5 KB per request, some
   * 10 µs of collection per request on one core (docs/guide/performance.md).
   */
  readonly #inSlot: (GatewayCall | null)[] = new Array<GatewayCall | null>(QUEUE_SLOTS).fill(null);
  /** How many entries of {@link #inSlot} hold a call. */
  #slotted = 0;
  /** Calls waiting for a free slot in the queue (more than 64 at once). */
  readonly #waiting: GatewayCall[] = [];
  #queue: CallQueue | null = null;
  #started = false;
  #nextId = 1;
  #nextWorker = 1;

  constructor(options: ThreadPoolOptions = {}) {
    this.minThreads = count(options.minThreads, 1, 'minThreads', 0);
    this.maxThreads = count(options.maxThreads, Math.max(this.minThreads, 4), 'maxThreads', 1);
    if (this.maxThreads < this.minThreads) {
      throw new LoomError('LOOM_ERR_INVALID_ARGUMENT',
        `ThreadPool maxThreads (${this.maxThreads}) is smaller than minThreads (${this.minThreads}); make maxThreads at least minThreads.`);
    }
  }

  /** True between `start()` and `stop()`. */
  get started(): boolean {
    return this.#started;
  }

  /** Threads running now, busy or idle. */
  get threads(): number {
    return this.#workers.size;
  }

  /** Threads that have loaded their code and can take a call at once. */
  get readyThreads(): number {
    let count = 0;
    for (const slot of this.#workers.values()) if (slot.isReady) count++;
    return count;
  }

  /** Calls waiting for a free thread. */
  get queued(): number {
    let count = this.#waiting.length;
    for (const call of this.#inSlot) if (call !== null && this.#queue?.state(call.queueSlot) === QUEUED) count++;
    return count;
  }

  /** Start `minThreads` threads. Calls can be dispatched from now on. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#queue = new CallQueue();
    this.#queue.onAnswers(() => this.#takeAnswers());
    while (this.#workers.size < this.minThreads) this.#spawn();
  }

  /**
   * Resolves once every thread started so far has loaded its code and can take a call at
   * once. A server awaits it before saying it is listening, so that its first request
   * does not wait a second for a thread to boot.
   */
  async ready(): Promise<void> {
    // The threads are unref'd (they must not keep a finished program alive), so while a
    // program does nothing but wait for them, something has to hold the event loop open.
    const holdOpen = setInterval(() => {}, 60_000);
    try {
      await Promise.all([...this.#workers.values()].map((slot) => slot.ready));
    } finally {
      clearInterval(holdOpen);
    }
  }

  /**
   * Stop: calls still queued are failed with `LOOM_ERR_POOL_STOPPED`, calls running are
   * allowed to finish, then every thread ends.
   */
  async stop(): Promise<void> {
    this.#started = false;
    for (const call of this.#calls()) if (this[kUnqueue](call)) call[kFailBeforeStart](poolStopped());
    await Promise.all(this.#calls().map((call) => new Promise<void>((resolve) => call.onSettled(resolve))));
    await Promise.all([...this.#workers.values()].map((slot) => slot.retire()));
    this.#queue?.close();
  }

  /** Run a call on a free thread, or queue it until one is free. */
  dispatch(spec: CallSpec): CallHandle {
    const call = new GatewayCall(spec, this.#nextId, this);
    this.#nextId = this.#nextId >= 0x7fffffff ? 1 : this.#nextId + 1;
    if (!this.#started) {
      call[kFailBeforeStart](poolStopped());
      return call;
    }
    if (this.#queue!.hasRoom) this.#hand(call);
    else this.#waiting.push(call);
    // Every thread has a call: start another, up to maxThreads.
    if (this.#callCount > this.#workers.size && this.#workers.size < this.maxThreads) this.#spawn();
    return call;
  }
  // #endregion gateway-pool

  /** News from a worker: hand it to the call it names. */
  [kSlotMessage](slot: WorkerSlot, message: CallNews): void {
    // A call that talks by the port holds its queue slot until its last message, so it is
    // found among the 64; the port is the slower path (streams, logs), a scan is cheap there.
    for (const call of this.#inSlot) {
      if (call !== null && call.id === message.id) {
        call.onMessage(message, slot);
        return;
      }
    }
  }

  /** A worker died (or was stopped on purpose): fail its calls, forget it, keep the pool at strength. */
  [kSlotDied](slot: WorkerSlot, error: LoomError): void {
    this.#workers.delete(slot.number);
    const queue = this.#queue!;
    for (const call of this.#calls()) if (call.queueSlot >= 0 && queue.takenBy(call.queueSlot) === slot.number) call[kCrashed](error);
    if (!this.#started) return;
    if (this.#callCount > this.#workers.size || this.#workers.size < this.minThreads) this.#spawn();
  }

  [kUnqueue](call: GatewayCall): boolean {
    const waiting = this.#waiting.indexOf(call);
    if (waiting >= 0) this.#waiting.splice(waiting, 1);
    else if (call.queueSlot < 0 || !this.#queue!.withdraw(call.queueSlot)) return false;
    this[kCallOver](call);
    return true;
  }

  [kWorkerOf](call: GatewayCall): WorkerSlot | null {
    if (call.queueSlot < 0) return null;
    return this.#workers.get(this.#queue!.takenBy(call.queueSlot)) ?? null;
  }

  /** The call's queue slot is free again: it can carry the next waiting call. */
  [kCallOver](call: GatewayCall): void {
    if (call.queueSlot < 0) return;
    this.#queue!.release(call.queueSlot);
    this.#inSlot[call.queueSlot] = null;
    this.#slotted--;
    call.queueSlot = -1;
    const next = this.#waiting.shift();
    if (next !== undefined) this.#hand(next);
  }

  #hand(call: GatewayCall): void {
    call.queueSlot = this.#queue!.push((slot) => call.writeInto(slot));
    this.#inSlot[call.queueSlot] = call;
    this.#slotted++;
  }

  /** Calls handed over or waiting, not yet done with on the worker. */
  get #callCount(): number {
    return this.#slotted + this.#waiting.length;
  }

  /** Those calls, as a list of their own (what is done with them may change the pool's). */
  #calls(): GatewayCall[] {
    const calls = [...this.#waiting];
    for (const call of this.#inSlot) if (call !== null) calls.push(call);
    return calls;
  }

  /** A worker rang: every call whose slot holds an answer gets it. */
  #takeAnswers(): void {
    const queue = this.#queue!;
    for (let slot = 0; slot < QUEUE_SLOTS; slot++) {
      const call = this.#inSlot[slot] ?? null;
      if (call !== null && queue.state(slot) === ANSWERED) call.onMessage(readAnswer(call.id, queue.answer(slot)), null);
    }
  }

  #spawn(): void {
    const slot = new WorkerSlot(this, this.#nextWorker++, this.#queue!.shared);
    this.#workers.set(slot.number, slot);
  }
}

function poolStopped(): LoomError {
  return new LoomError('LOOM_ERR_POOL_STOPPED', 'The gateway thread pool is not running: call pool.start() before serving, and do not serve after pool.stop().', { status: 503 });
}

function count(value: number | undefined, fallback: number, name: string, least: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < least) {
    throw new LoomError('LOOM_ERR_INVALID_ARGUMENT', `ThreadPool ${name} must be a whole number of at least ${least}, got ${String(value)}.`);
  }
  return value;
}

// #region gateway-get-thread-pool
let shared: ThreadPool | null = null;

/**
 * The process's shared pool, started on first use: what a lesson or a small program
 * passes to `GatewayResource` (Twisted's `reactor.getThreadPool()`). Its threads never
 * keep the process alive. A server that owns its lifecycle makes its own pool instead.
 */
export function getThreadPool(): ThreadPool {
  if (shared === null || !shared.started) {
    shared = new ThreadPool({ minThreads: 1, maxThreads: 4 });
    shared.start();
  }
  return shared;
}
// #endregion gateway-get-thread-pool
