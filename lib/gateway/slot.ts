/**
 * @module
 * One worker thread of a gateway `ThreadPool`: the thread itself, the port it talks on,
 * the shared counters it waits on, and the call it is running, if any.
 *
 * A slot lives as long as its thread. It says when the thread has loaded its code
 * (`ready`), hands each message from the worker to its current call, and tells its pool
 * when the call is over (the slot is free) or when the thread has died (the pool forgets
 * the slot and starts another). A thread that dies mid-call fails that call with
 * `LOOM_ERR_WORKER_CRASHED`.
 *
 * Twisted counterpart: one of the `threading.Thread`s a `twisted.python.threadpool.ThreadPool`
 * starts (`ThreadPool.startAWorker`). Loom differs: a worker thread is a whole JavaScript
 * engine with its own memory, so it is started once and kept, and it can die on its own
 * (`process.exit`, out of memory) without taking the process down.
 * Tests: `test/gateway/slot.test.ts`.
 */

import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { LoomError } from '../errors.ts';
import { kCrashed, kSlotDied, kSlotFree } from '../plumbing/symbols.ts';
import {
  BODY_SEQ, OUT_BYTES, SIGNAL_SLOTS, decodeOut,
  type AckMessage, type FromWorker, type LogMessage, type OutMessage, type ToWorker,
} from './protocol.ts';

/** What a slot tells its pool. */
export interface SlotOwner {
  /** The slot's call is over: give it another, or keep it idle. */
  [kSlotFree](slot: WorkerSlot): void;
  /** The slot's thread has died (or was stopped on purpose). */
  [kSlotDied](slot: WorkerSlot): void;
}

/** The call a slot runs, as the slot sees it. */
export interface SlotCall {
  /** A message from the worker about a call. */
  onMessage(message: OutMessage | AckMessage | LogMessage): void;
  /** The thread died while running this call. */
  [kCrashed](error: Error): void;
  /** Run `listener` once the call is over, however it ended. */
  onSettled(listener: () => void): void;
}

const WORKER_ENTRY = new URL('./worker.ts', import.meta.url).href;
const BOOT = new URL('./boot.mjs', import.meta.url);

/** One worker thread, its port and its shared counters. */
export class WorkerSlot {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly signals: Int32Array;
  /** The call running on this thread, or null while it is idle. */
  call: SlotCall | null = null;
  /** Resolves once the worker has loaded its code (or has died trying). */
  readonly ready: Promise<void>;
  #isReady = false;
  #markReady: () => void = () => {};
  readonly #owner: SlotOwner;
  #exited = false;
  #retiring: Promise<void> | null = null;

  constructor(owner: SlotOwner) {
    this.#owner = owner;
    this.ready = new Promise<void>((resolve) => (this.#markReady = resolve));
    const shared = new SharedArrayBuffer(SIGNAL_SLOTS * 4);
    this.signals = new Int32Array(shared);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(BOOT, { workerData: { entry: WORKER_ENTRY, port: port2, signals: shared }, transferList: [port2] });
    this.port.on('message', (message: FromWorker) => this.#message(message));
    // The pool must not keep a finished program alive; a server's own socket does that.
    this.worker.unref();
    this.port.unref();
    this.worker.on('error', (error) => this.#died(error));
    this.worker.on('exit', (code) => this.#died(new Error(`the worker thread exited with code ${code}`)));
  }

  /** True once the thread has loaded its code and can take a call at once. */
  get isReady(): boolean {
    return this.#isReady;
  }

  /** Post `message` to the worker and bump the counter it may be waiting on. */
  post(message: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.port.postMessage(message, transfer);
    Atomics.add(this.signals, BODY_SEQ, 1);
    Atomics.notify(this.signals, BODY_SEQ);
  }

  /** Wake the worker wherever it waits, after a change it should notice. */
  wake(): void {
    Atomics.notify(this.signals, BODY_SEQ);
    Atomics.notify(this.signals, OUT_BYTES);
  }

  /** The call is over: the slot can take another. */
  release(): void {
    this.call = null;
    Atomics.store(this.signals, OUT_BYTES, 0);
    if (this.#retiring === null && !this.#exited) this.#owner[kSlotFree](this);
  }

  /** Stop the thread once its call (if any) is done. */
  retire(): Promise<void> {
    this.#retiring ??= new Promise<void>((resolve) => {
      const end = (): void => void this.worker.terminate().then(() => resolve(), () => resolve());
      if (this.call === null || this.#exited) end();
      else this.call.onSettled(end);
    });
    return this.#retiring;
  }

  /** Stop the thread now, failing its call. */
  kill(error: Error): void {
    this.#died(error);
    void this.worker.terminate();
  }

  #message(message: FromWorker): void {
    if (typeof message === 'string') this.call?.onMessage(decodeOut(message));
    else if (message.t === 'ready') {
      this.#isReady = true;
      this.#markReady();
    } else this.call?.onMessage(message);
  }

  #died(error: Error): void {
    if (this.#exited) return;
    this.#exited = true;
    this.#markReady(); // Nobody waiting for this thread should wait forever.
    const call = this.call;
    this.call = null;
    const crash = error instanceof LoomError ? error
      : new LoomError('LOOM_ERR_WORKER_CRASHED', `The worker thread running the gateway application died: ${error.message}`, { cause: error });
    call?.[kCrashed](crash);
    this.port.close();
    this.#owner[kSlotDied](this);
  }
}
