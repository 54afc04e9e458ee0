/**
 * @module
 * A pool of worker threads that run gateway applications: at least `minThreads`
 * started with the pool, more made on demand up to `maxThreads`, and a first-in,
 * first-out queue for calls that arrive while every thread is busy.
 *
 * The pool only decides where each call runs. The thread is a `WorkerSlot`
 * (lib/gateway/slot.ts); the main thread's half of running a call, body in and
 * response out, is a `GatewayCall` (lib/gateway/call.ts). A slot tells the pool when it
 * is free again, or when its thread died, and the pool keeps itself at strength.
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
import { kFailBeforeStart, kSlotDied, kSlotFree, kUnqueue } from '../plumbing/symbols.ts';
import { GatewayCall, type CallHandle, type CallQueue, type CallSpec } from './call.ts';
import { WorkerSlot, type SlotOwner } from './slot.ts';

/** Options for a {@link ThreadPool}. */
export interface ThreadPoolOptions {
  /** Threads started with the pool and kept. @default 1 */
  minThreads?: number;
  /** The most threads at once; calls beyond that wait in the queue. @default 4 */
  maxThreads?: number;
}

// #region gateway-pool
/** Worker threads that run gateway applications. */
export class ThreadPool implements SlotOwner, CallQueue {
  readonly minThreads: number;
  readonly maxThreads: number;
  readonly #idle: WorkerSlot[] = [];
  readonly #all = new Set<WorkerSlot>();
  readonly #queue: GatewayCall[] = [];
  #started = false;
  #nextId = 1;

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
    return this.#all.size;
  }

  /** Threads that have loaded their code and can take a call at once. */
  get readyThreads(): number {
    let count = 0;
    for (const slot of this.#all) if (slot.isReady) count++;
    return count;
  }

  /** Calls waiting for a free thread. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Start `minThreads` threads. Calls can be dispatched from now on. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    while (this.#all.size < this.minThreads) this.#idle.push(this.#spawn());
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
      await Promise.all([...this.#all].map((slot) => slot.ready));
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
    for (const call of this.#queue.splice(0)) call[kFailBeforeStart](poolStopped());
    await Promise.all([...this.#all].map((slot) => slot.retire()));
    this.#idle.length = 0;
  }

  /** Run a call on a free thread, or queue it until one is free. */
  dispatch(spec: CallSpec): CallHandle {
    const call = new GatewayCall(spec, this.#nextId, this);
    this.#nextId = this.#nextId >= 0x7fffffff ? 1 : this.#nextId + 1;
    if (!this.#started) {
      call[kFailBeforeStart](poolStopped());
      return call;
    }
    const slot = this.#idle.pop() ?? (this.#all.size < this.maxThreads ? this.#spawn() : null);
    if (slot === null) this.#queue.push(call);
    else call.runOn(slot);
    return call;
  }
  // #endregion gateway-pool

  /** A slot finished its call: give it the next queued call, or make it idle. */
  [kSlotFree](slot: WorkerSlot): void {
    const next = this.#queue.shift();
    if (next !== undefined) next.runOn(slot);
    else this.#idle.push(slot);
  }

  /** A queued call was cancelled before it started. */
  [kUnqueue](call: GatewayCall): boolean {
    const at = this.#queue.indexOf(call);
    if (at >= 0) this.#queue.splice(at, 1);
    return at >= 0;
  }

  /** A worker died (or was stopped on purpose): forget it, and keep the pool at strength. */
  [kSlotDied](slot: WorkerSlot): void {
    this.#all.delete(slot);
    const at = this.#idle.indexOf(slot);
    if (at >= 0) this.#idle.splice(at, 1);
    if (!this.#started) return;
    if (this.#queue.length > 0 || this.#all.size < this.minThreads) this[kSlotFree](this.#spawn());
  }

  #spawn(): WorkerSlot {
    const slot = new WorkerSlot(this);
    this.#all.add(slot);
    return slot;
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
