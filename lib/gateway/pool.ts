/**
 * @module
 * A pool of worker threads that run gateway applications: at least `minThreads`
 * started with the pool, more made on demand up to `maxThreads`, and a first-in,
 * first-out queue for calls that arrive while every thread is busy.
 *
 * The pool owns the main thread's half of each call: it posts the request (and its body,
 * in slices, as the worker reads it) to an idle worker, hands the response the worker
 * posts back to the call's sink (waiting when the client is slow, which makes the worker
 * wait), and tells the worker when the client has gone. A worker that dies mid-call is
 * replaced, and its call is failed with `LOOM_ERR_WORKER_CRASHED`.
 *
 * Twisted counterpart: `twisted.python.threadpool.ThreadPool(minthreads, maxthreads)`
 * with `start()`, `stop()` and a queue; `WSGIResource` calls `callInThread`. Loom
 * differs: a JavaScript thread cannot be handed a function to run, so a call names its
 * application by module and export (`AppRef`) and each worker imports it once; and the
 * defaults are smaller (1 to 4 threads, not 5 to 20), because a worker thread is a whole
 * JavaScript engine, not a Python thread.
 * Tests: `test/gateway/pool.test.ts`.
 */

import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { LoomError } from '../errors.ts';
import {
  BODY_HIGH_WATER, BODY_SEQ, BODY_SLICE, CANCELLED, OUT_BYTES, SIGNAL_SLOTS, decodeOut, encodeCall,
  type AckMessage, type FromWorker, type LogMessage, type OutMessage, type SerializedError, type ToWorker,
} from './protocol.ts';
import type { AppRef, CgiEnviron, Header } from './spec.ts';

/** Options for a {@link ThreadPool}. */
export interface ThreadPoolOptions {
  /** Threads started with the pool and kept. @default 1 */
  minThreads?: number;
  /** The most threads at once; calls beyond that wait in the queue. @default 4 */
  maxThreads?: number;
}

/** Where a call's response goes, on the main thread. */
export interface CallSink {
  /** The status and headers (once, before any `write`). */
  head(code: number, reason: string, headers: Header[]): void;
  /** Body bytes. Return false when the client's buffer is full; then `onDrain` is awaited. */
  write(chunk: Uint8Array): boolean;
  /** Call `listener` once the client's buffer has room again. */
  onDrain(listener: () => void): void;
  /** The response is complete. */
  end(): void;
  /** The call failed; `headSent` says whether any of the response went out. */
  fail(error: Error, headSent: boolean): void;
  /** The application wrote `text` to `gateway.errors`. */
  log(text: string): void;
}

/** One call for the pool to run. */
export interface CallSpec {
  readonly app: AppRef;
  readonly environ: CgiEnviron;
  /** The body: all here (a Site has read it), read in pieces (a spooled file), arriving (a stream), or none. */
  readonly body: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array> | null;
  readonly sink: CallSink;
}

/** A call handed to the pool. */
export interface CallHandle {
  /** The client went away: stop the application (it sees the end of its body, its iteration stops, `close()` runs). */
  cancel(): void;
  /** Cut the call short: its worker is stopped and replaced (for an application stuck in a loop). */
  abandon(error: Error): void;
}

const WORKER_ENTRY = new URL('./worker.ts', import.meta.url).href;
const BOOT = new URL('./boot.mjs', import.meta.url);

// #region gateway-pool
/** Worker threads that run gateway applications. */
export class ThreadPool {
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
    for (const call of this.#queue.splice(0)) call.failBeforeStart(poolStopped());
    await Promise.all([...this.#all].map((slot) => slot.retire()));
    this.#idle.length = 0;
  }

  /** Run a call on a free thread, or queue it until one is free. */
  dispatch(spec: CallSpec): CallHandle {
    const call = new GatewayCall(spec, this.#nextId, this);
    this.#nextId = this.#nextId >= 0x7fffffff ? 1 : this.#nextId + 1;
    if (!this.#started) {
      call.failBeforeStart(poolStopped());
      return call;
    }
    const slot = this.#idle.pop() ?? (this.#all.size < this.maxThreads ? this.#spawn() : null);
    if (slot === null) this.#queue.push(call);
    else call.runOn(slot);
    return call;
  }
  // #endregion gateway-pool

  /** @internal A slot finished its call: give it the next queued call, or make it idle. */
  slotFree(slot: WorkerSlot): void {
    const next = this.#queue.shift();
    if (next !== undefined) next.runOn(slot);
    else this.#idle.push(slot);
  }

  /** @internal A queued call was cancelled before it started. */
  unqueue(call: GatewayCall): boolean {
    const at = this.#queue.indexOf(call);
    if (at >= 0) this.#queue.splice(at, 1);
    return at >= 0;
  }

  /** @internal A worker died (or was stopped on purpose): forget it, and keep the pool at strength. */
  slotDied(slot: WorkerSlot): void {
    this.#all.delete(slot);
    const at = this.#idle.indexOf(slot);
    if (at >= 0) this.#idle.splice(at, 1);
    if (!this.#started) return;
    if (this.#queue.length > 0 || this.#all.size < this.minThreads) this.slotFree(this.#spawn());
  }

  #spawn(): WorkerSlot {
    const slot = new WorkerSlot(this);
    this.#all.add(slot);
    return slot;
  }
}

/** One worker thread, its port and its shared counters. */
class WorkerSlot {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly signals: Int32Array;
  call: GatewayCall | null = null;
  /** Resolves once the worker has loaded its code (or has died trying). */
  readonly ready: Promise<void>;
  isReady = false;
  #markReady: () => void = () => {};
  readonly #pool: ThreadPool;
  #exited = false;
  #retiring: Promise<void> | null = null;

  constructor(pool: ThreadPool) {
    this.#pool = pool;
    this.ready = new Promise<void>((resolve) => (this.#markReady = resolve));
    const shared = new SharedArrayBuffer(SIGNAL_SLOTS * 4);
    this.signals = new Int32Array(shared);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(BOOT, { workerData: { entry: WORKER_ENTRY, port: port2, signals: shared }, transferList: [port2] });
    this.port.on('message', (message: FromWorker) => {
      if (typeof message === 'string') this.call?.onMessage(decodeOut(message));
      else if (message.t === 'ready') {
        this.isReady = true;
        this.#markReady();
      }
      else this.call?.onMessage(message);
    });
    // The pool must not keep a finished program alive; a server's own socket does that.
    this.worker.unref();
    this.port.unref();
    this.worker.on('error', (error) => this.#died(error));
    this.worker.on('exit', (code) => this.#died(new Error(`the worker thread exited with code ${code}`)));
  }

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
    if (this.#retiring === null && !this.#exited) this.#pool.slotFree(this);
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

  #died(error: Error): void {
    if (this.#exited) return;
    this.#exited = true;
    this.#markReady(); // Nobody waiting for this thread should wait forever.
    const call = this.call;
    this.call = null;
    const crash = error instanceof LoomError ? error
      : new LoomError('LOOM_ERR_WORKER_CRASHED', `The worker thread running the gateway application died: ${error.message}`, { cause: error });
    call?.crashed(crash);
    this.port.close();
    this.#pool.slotDied(this);
  }
}

/** The main thread's half of one call: body in, response out, cancellation. */
class GatewayCall implements CallHandle {
  readonly #spec: CallSpec;
  readonly #id: number;
  readonly #pool: ThreadPool;
  #slot: WorkerSlot | null = null;
  #headSent = false;
  #settled = false;
  #cancelled = false;
  #bodyInFlight = 0;
  /** Response bytes written to a full client buffer, counted as sent at its next drain. */
  #undrained = 0;
  #bodyRoom: (() => void) | null = null;
  #onSettled: (() => void)[] = [];

  constructor(spec: CallSpec, id: number, pool: ThreadPool) {
    this.#spec = spec;
    this.#id = id;
    this.#pool = pool;
  }

  /** Start the call on `slot`: post the request, then its body (if any) in slices. */
  runOn(slot: WorkerSlot): void {
    this.#slot = slot;
    slot.call = this;
    const { app, environ, body } = this.#spec;
    slot.post(encodeCall({ id: this.#id, module: app.module, exportName: app.exportName, environ, bodyEnd: body === null }));
    if (body !== null) void this.#pumpBody(body);
  }

  /** A message from the worker about this call. */
  onMessage(message: OutMessage | AckMessage | LogMessage): void {
    if (message.id !== this.#id) return;
    if (this.#settled) {
      // The sink already has its answer (the call failed on this side); wait for the worker to finish before reusing it.
      if (message.t === 'out' && message.done) this.#slot?.release();
      return;
    }
    try {
      if (message.t === 'out') this.#output(message);
      else if (message.t === 'ack') this.#acked(message.bytes);
      else this.#spec.sink.log(message.text);
    } catch (error) {
      // A sink that throws (a response Node refuses) must fail this call, never the server.
      this.cancel();
      this.crashed(error instanceof Error ? error : new Error(String(error)));
      if (message.t === 'out' && message.done) this.#slot?.release();
    }
  }

  cancel(): void {
    if (this.#settled || this.#cancelled) return;
    this.#cancelled = true;
    if (this.#slot === null) {
      if (this.#pool.unqueue(this)) this.#settle();
      return;
    }
    Atomics.store(this.#slot.signals, CANCELLED, this.#id);
    this.#slot.wake();
    this.#bodyRoom?.();
  }

  abandon(error: Error): void {
    if (this.#settled) return;
    if (this.#slot === null) {
      this.#pool.unqueue(this);
      this.failBeforeStart(error);
    } else {
      this.#slot.kill(error);
    }
  }

  /** Run `listener` when the call is over, however it ended. */
  onSettled(listener: () => void): void {
    if (this.#settled) listener();
    else this.#onSettled.push(listener);
  }

  /** @internal Fail a call that never reached a worker. */
  failBeforeStart(error: Error): void {
    if (this.#settled) return;
    this.#spec.sink.fail(error, false);
    this.#settle();
  }

  /** @internal The worker died during this call. */
  crashed(error: Error): void {
    if (this.#settled) return;
    this.#spec.sink.fail(error, this.#headSent);
    this.#settle();
  }

  // #region gateway-call-output
  /** Response output from the worker: hand it to the sink, then let the worker go on once the client took it. */
  #output(message: OutMessage): void {
    const { sink } = this.#spec;
    if (message.head !== null && !this.#cancelled) {
      this.#headSent = true;
      sink.head(message.head[0], message.head[1], message.head[2]);
    }
    let room = true;
    if (!this.#cancelled) for (const chunk of message.chunks) room = sink.write(chunk) && room;
    if (message.bytes > 0) {
      if (room || this.#cancelled) this.#sent(message.bytes);
      else this.#sentOnDrain(message.bytes);
    }
    if (message.done) this.#done(message.error);
  }

  /**
   * Count `bytes` as sent once the client's buffer has drained. Several messages can
   * arrive while it is full; they share one drain listener rather than adding one each.
   */
  #sentOnDrain(bytes: number): void {
    const alreadyWaiting = this.#undrained > 0;
    this.#undrained += bytes;
    if (alreadyWaiting) return;
    this.#spec.sink.onDrain(() => {
      const drained = this.#undrained;
      this.#undrained = 0;
      this.#sent(drained);
    });
  }

  /** `bytes` reached the client: lower the in-flight count and wake a worker waiting on it. */
  #sent(bytes: number): void {
    const slot = this.#slot;
    if (slot === null || slot.call !== this) return;
    Atomics.sub(slot.signals, OUT_BYTES, bytes);
    Atomics.notify(slot.signals, OUT_BYTES);
  }

  #done(error: SerializedError | null): void {
    const { sink } = this.#spec;
    if (error !== null) sink.fail(revive(error), this.#headSent);
    else if (!this.#cancelled) sink.end();
    this.#settle();
    this.#slot?.release();
  }
  // #endregion gateway-call-output

  // #region gateway-call-body
  /** Post the body in slices, staying at most BODY_HIGH_WATER bytes ahead of what the worker has read. */
  async #pumpBody(body: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<void> {
    try {
      for await (const piece of body instanceof Uint8Array ? [body] : body) {
        for (let at = 0; at < piece.byteLength; at += BODY_SLICE) {
          if (this.#settled || this.#cancelled) return;
          const slice = ownCopy(piece.subarray(at, at + BODY_SLICE));
          this.#bodyInFlight += slice.byteLength;
          this.#slot!.post({ t: 'body', id: this.#id, chunk: slice }, [slice.buffer as ArrayBuffer]);
          if (this.#bodyInFlight > BODY_HIGH_WATER) await new Promise<void>((resolve) => (this.#bodyRoom = resolve));
        }
      }
    } catch {
      // The body stream failed (the client went away mid-upload): the application sees the end of the body.
    }
    if (!this.#settled && !this.#cancelled) this.#slot!.post({ t: 'body', id: this.#id, chunk: null });
  }

  #acked(bytes: number): void {
    this.#bodyInFlight -= bytes;
    if (this.#bodyInFlight <= BODY_HIGH_WATER / 2 && this.#bodyRoom !== null) {
      const resume = this.#bodyRoom;
      this.#bodyRoom = null;
      resume();
    }
  }
  // #endregion gateway-call-body

  #settle(): void {
    this.#settled = true;
    this.#bodyRoom?.();
    for (const listener of this.#onSettled.splice(0)) listener();
  }
}

/** Rebuild an error posted by a worker, keeping its stack and code. */
function revive(serialized: SerializedError): Error {
  const code = serialized.code;
  const error = code !== undefined && code.startsWith('LOOM_ERR_')
    ? new LoomError(code as LoomError['code'], serialized.message)
    : new Error(serialized.message);
  error.name = serialized.name;
  if (serialized.stack !== undefined) error.stack = serialized.stack;
  return error;
}

function ownCopy(bytes: Uint8Array): Uint8Array {
  return Uint8Array.prototype.slice.call(bytes);
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
