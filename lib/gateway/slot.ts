/**
 * @module
 * One worker thread of a gateway `ThreadPool`: the thread itself, its number in the
 * pool, the port it talks on and the shared counters it waits on.
 *
 * A slot lives as long as its thread. The thread takes its calls from the pool's call
 * queue by itself (lib/gateway/call-queue.ts); the slot is the main thread's handle on
 * it: it says when the thread has loaded its code (`ready`), hands each message the
 * worker posts to its pool, which routes it to the call it names, wakes the thread when
 * something it waits on has changed, and tells the pool when the thread has died.
 *
 * Twisted counterpart: one of the `threading.Thread`s a `twisted.python.threadpool.ThreadPool`
 * starts (`ThreadPool.startAWorker`). Loom differs: a worker thread is a whole JavaScript
 * engine with its own memory, so it is started once and kept, and it can die on its own
 * (`process.exit`, out of memory) without taking the process down.
 * Tests: `test/gateway/slot.test.ts`.
 */

import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { LoomError } from '../errors.ts';
import { kSlotDied, kSlotMessage } from '../plumbing/symbols.ts';
import {
  BODY_SEQ, OUT_BYTES, SIGNAL_SLOTS, decodeOut,
  type AckMessage, type FromWorker, type LogMessage, type OutMessage, type TakenMessage, type ToWorker, type WorkerBoot,
} from './protocol.ts';
import { startWorker, workerCode } from './worker-code.ts';

/** A message from a worker about one of its calls. */
export type CallNews = OutMessage | AckMessage | LogMessage | TakenMessage;

/** What a slot tells its pool. */
export interface SlotOwner {
  /** The worker posted news of a call; the owner knows which call has that id. */
  [kSlotMessage](slot: WorkerSlot, message: CallNews): void;
  /** The slot's thread has died (or was stopped on purpose); `error` says why. */
  [kSlotDied](slot: WorkerSlot, error: LoomError): void;
}

/** One worker thread, its port and its shared counters. */
export class WorkerSlot {
  /** This thread's number in its pool, 1 and up: what the call queue records as the taker of a call. */
  readonly number: number;
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly signals: Int32Array;
  /** Resolves once the worker has loaded its code (or has died trying). */
  readonly ready: Promise<void>;
  #isReady = false;
  #markReady: () => void = () => {};
  readonly #owner: SlotOwner;
  #exited = false;

  /** Start worker thread `number` of a pool whose call queue is `queue`. */
  constructor(owner: SlotOwner, number: number, queue: SharedArrayBuffer) {
    this.#owner = owner;
    this.number = number;
    this.ready = new Promise<void>((resolve) => (this.#markReady = resolve));
    const shared = new SharedArrayBuffer(SIGNAL_SLOTS * 4);
    this.signals = new Int32Array(shared);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    // Plain JavaScript when it could be bundled, so the thread carries no TypeScript loader (lib/gateway/worker-code.ts).
    const code = workerCode();
    const boot: WorkerBoot & { entry: string } = { entry: code.entry, port: port2, signals: shared, queue, worker: number, tsx: code.tsx };
    this.worker = startWorker(code, { workerData: boot, transferList: [port2] });
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

  /** True once the thread has exited. */
  get exited(): boolean {
    return this.#exited;
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

  /** Stop the thread (its pool has waited for its calls to end). */
  async retire(): Promise<void> {
    await this.worker.terminate().catch(() => {});
  }

  /** Stop the thread now, failing its calls with `error`. */
  kill(error: Error): void {
    this.#died(error);
    void this.worker.terminate();
  }

  #message(message: FromWorker): void {
    if (typeof message === 'string') this.#owner[kSlotMessage](this, decodeOut(message));
    else if (message.t === 'ready') {
      this.#isReady = true;
      this.#markReady();
    } else this.#owner[kSlotMessage](this, message);
  }

  #died(error: Error): void {
    if (this.#exited) return;
    this.#exited = true;
    this.#markReady(); // Nobody waiting for this thread should wait forever.
    this.port.close();
    const crash = error instanceof LoomError ? error
      : new LoomError('LOOM_ERR_WORKER_CRASHED', `The worker thread running the gateway application died: ${error.message}`, { cause: error });
    this.#owner[kSlotDied](this, crash);
  }
}
