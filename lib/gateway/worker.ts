/**
 * @module
 * The code that runs in each worker thread of a gateway `ThreadPool`: it takes calls
 * from the pool's call queue, runs each one to its end, reads the body with blocking
 * waits and sends the response back with backpressure.
 *
 * The thread's life is one loop: take the oldest queued call (sleeping in
 * `Atomics.wait` while there is none: lib/gateway/call-queue.ts), run it, answer, take
 * the next. A call runs synchronously from start to end, so while it runs (and while the
 * thread sleeps) this thread's event loop is not turning: every message for the call is
 * taken off the port by hand (`receiveMessageOnPort`), and waiting is `Atomics.wait` on
 * the shared counters of lib/gateway/protocol.ts. Only loading an application's module
 * is asynchronous, once per module.
 *
 * A small answer (the whole response, when nothing was sent before the end and it fits)
 * goes back in the call's queue slot. Anything else, a streamed body, output flushed
 * while the application runs, a line written to `gateway.errors`, goes by the port, and
 * from then on the rest of that call does too, so the main thread sees it in order.
 *
 * Twisted counterpart: the body of `twisted.web.wsgi._WSGIResponse.run`, which Twisted
 * runs in a pool thread and which hops to the reactor with `blockingCallFromThread` for
 * every write. Loom differs: a write does not wait for the client, only for the
 * response bytes in flight to drop under 256 KiB, so a streaming application is not
 * slowed to one round trip per chunk.
 * Tests: `test/gateway/pool.test.ts`, `test/gateway/call.test.ts`, `test/gateway/resource.test.ts`.
 */

import { pathToFileURL } from 'node:url';
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import { LoomError } from '../errors.ts';
import { exportNames, exportOf } from '../plumbing/module-export.ts';
import { CallTaker } from './call-queue.ts';
import { completeEnviron } from './environ.ts';
import { TooBig, readCall, writeAnswer } from './frames.ts';
import { ApplicationRun, type ResponseOutput } from './handler.ts';
import { BlockingInput, LogErrorStream } from './input.ts';
import {
  BODY_SEQ, BODY_SLICE, CANCELLED, OUT_BYTES, OUT_HIGH_WATER, SMALL_OUTPUT, encodeOut, serializeError,
  type CallMessage, type FromWorker, type OutMessage, type ToWorker, type WorkerBoot,
} from './protocol.ts';
import type { Application, CgiEnviron, Header } from './spec.ts';

const { port, signals, queue, worker, tsx } = workerData as WorkerBoot;
const sig = new Int32Array(signals);
const taker = new CallTaker(queue, worker);
const FLAGS = { multithread: true, multiprocess: false, runOnce: false } as const;

/** Applications already loaded, by module, then export: no key string to build per call. */
const apps = new Map<string, Map<string, Application>>();

/** The call being run, and what has arrived of its body by the port. */
let current = -1;
let inlineBody: Uint8Array | null = null;
const bodyQueue: Uint8Array[] = [];
let bodyEnded = true;
let environText: string | null = null;

/**
 * Run the call in queue slot `slot`, and answer it. Synchronous once the application is
 * loaded (a Promise only while it loads): an `async` function here cost every call a
 * Promise and a turn of the microtask queue.
 */
function serve(slot: number): Promise<void> | undefined {
  const call = readCall(taker.call(slot));
  current = call.id;
  bodyQueue.length = 0;
  bodyEnded = call.bodyEnd;
  inlineBody = call.body;
  Atomics.store(sig, OUT_BYTES, 0);
  const output = new WorkerOutput(call.id, slot);
  // What did not fit the slot comes by the port: say so, then wait for it.
  if (call.environ === null || !call.bodyEnd) output.post({ t: 'taken', id: call.id });
  const environ = call.environ ?? waitForEnviron(call.id);
  const app = apps.get(call.module)?.get(call.exportName);
  if (app !== undefined) {
    runCall(call, environ, app, output);
    return undefined;
  }
  return loadApp(call.module, call.exportName).then(
    (loaded) => runCall(call, environ, loaded, output),
    (error: unknown) => output.finish(error),
  );
}

// #region gateway-worker-run
/** Run one call to the end, synchronously. */
function runCall(call: CallMessage, cgi: CgiEnviron, app: Application, output: WorkerOutput): void {
  const id = call.id;
  const errors = new LogErrorStream((text) => output.post({ t: 'log', id, text }));
  const environ = completeEnviron(cgi, new BlockingInput(() => pullBody(id, output)), errors, FLAGS);
  const run = new ApplicationRun(app, environ, output);
  let failure: unknown = null;
  try {
    run.start();
    while (!isCancelled(id) && run.step());
    if (!isCancelled(id)) run.end();
  } catch (error) {
    failure = error;
  }
  // close() on every path: done, failed, or the client went away.
  output.finish(run.closeAfter(failure));
  current = -1;
}
// #endregion gateway-worker-run

// #region gateway-worker-pull-body
/**
 * The next piece of the body for call `id`, blocking until main posts one. Returns null
 * at the end of the body, and also when the client has gone away (nobody will send the
 * rest).
 */
function pullBody(id: number, output: WorkerOutput): Uint8Array | null {
  if (inlineBody !== null) {
    const body = inlineBody; // It came in the slot: nothing to acknowledge.
    inlineBody = null;
    return body;
  }
  for (;;) {
    const chunk = bodyQueue.shift();
    if (chunk !== undefined) {
      if (chunk.byteLength > 0) output.post({ t: 'ack', id, bytes: chunk.byteLength });
      return chunk;
    }
    if (bodyEnded || isCancelled(id)) return null;
    waitForPort(() => bodyQueue.length > 0 || bodyEnded || isCancelled(id));
  }
}
// #endregion gateway-worker-pull-body

/** The environ main posts when it did not fit the call's slot. */
function waitForEnviron(id: number): CgiEnviron {
  environText = null;
  waitForPort(() => environText !== null || isCancelled(id));
  return environText === null ? {} : (JSON.parse(environText) as CgiEnviron);
}

/** Take messages off the port until `done()`, sleeping on BODY_SEQ while there are none. */
function waitForPort(done: () => boolean): void {
  for (;;) {
    // Read the counter before looking at the port: if main posts in between, the
    // counter will have moved and the wait returns at once instead of sleeping.
    const seen = Atomics.load(sig, BODY_SEQ);
    drainPort();
    if (done()) return;
    Atomics.wait(sig, BODY_SEQ, seen);
  }
}

/** Take every message waiting on the port (the event loop is not turning during a call). */
function drainPort(): void {
  for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
    const message = m.message as ToWorker;
    if (message.id !== current) continue; // For a call that is over (its body came after it finished).
    if (message.t === 'environ') environText = message.environ;
    else if (message.chunk === null) bodyEnded = true;
    else bodyQueue.push(message.chunk);
  }
}

function isCancelled(id: number): boolean {
  return Atomics.load(sig, CANCELLED) === id;
}

// #region gateway-worker-output
/**
 * Response output for one call. The status, headers and chunks gather until a flush or
 * the end. At the end, a call that has sent nothing by the port writes its whole answer
 * into its queue slot, if it fits, and rings main: one hop for a small response. At a
 * flush (a streamed chunk, a `write()`), what gathered is posted by the port, and then
 * the worker waits while too many bytes are still on their way to the client.
 */
class WorkerOutput implements ResponseOutput {
  readonly #id: number;
  readonly #slot: number;
  #head: OutMessage['head'] = null;
  #chunks: Uint8Array[] = [];
  #bytes = 0;
  /** True once anything of this call went by the port: the rest must follow it there, in order. */
  #byPort = false;

  constructor(id: number, slot: number) {
    this.#id = id;
    this.#slot = slot;
  }

  head(code: number, reason: string, headers: Header[]): void {
    this.#head = [code, reason, headers];
  }

  body(chunk: Uint8Array): void {
    this.#chunks.push(ownCopy(chunk));
    this.#bytes += chunk.byteLength;
    if (this.#bytes >= BODY_SLICE) this.flush();
  }

  flush(): void {
    if (this.#head === null && this.#chunks.length === 0) return;
    this.#postOut(false, null);
    this.#waitForRoom();
  }

  /** Send what is left, and the end of the call. */
  finish(failure: unknown): void {
    const error = failure === null ? null : serializeError(failure);
    if (!this.#byPort && this.#answerInSlot(error)) return;
    this.#postOut(true, error);
  }

  /** Post a message about this call by the port. */
  post(message: FromWorker): void {
    this.#byPort = true;
    port.postMessage(message);
  }

  #answerInSlot(error: OutMessage['error']): boolean {
    let length: number;
    try {
      length = writeAnswer(taker.slot(this.#slot), this.#head, this.#chunks, this.#bytes, error);
    } catch (tooBig) {
      if (tooBig instanceof TooBig) return false;
      throw tooBig;
    }
    taker.answered(this.#slot, length);
    return true;
  }

  #postOut(done: boolean, error: OutMessage['error']): void {
    const chunks = this.#chunks;
    if (this.#bytes > 0) Atomics.add(sig, OUT_BYTES, this.#bytes);
    const message: OutMessage = { t: 'out', id: this.#id, head: this.#head, chunks, bytes: this.#bytes, done, error };
    this.#byPort = true;
    if (this.#bytes <= SMALL_OUTPUT) port.postMessage(encodeOut(message));
    else port.postMessage(message, chunks.map((c) => c.buffer as ArrayBuffer));
    this.#head = null;
    this.#chunks = [];
    this.#bytes = 0;
  }

  #waitForRoom(): void {
    for (let inFlight = Atomics.load(sig, OUT_BYTES); inFlight > OUT_HIGH_WATER && !isCancelled(this.#id); inFlight = Atomics.load(sig, OUT_BYTES)) {
      Atomics.wait(sig, OUT_BYTES, inFlight);
    }
  }
}
// #endregion gateway-worker-output

/**
 * A copy of `chunk` in a buffer of its own, which can be transferred. (Posting a view
 * would copy its whole underlying buffer, and transferring the application's own buffer
 * would empty it under the application's feet.)
 */
function ownCopy(chunk: Uint8Array): Uint8Array {
  return Uint8Array.prototype.slice.call(chunk);
}

function post(message: FromWorker): void {
  port.postMessage(message);
}

// #region gateway-worker-load-app
/** Import `module` and take the function exported as `exportName`. */
async function loadApp(module: string, exportName: string): Promise<Application> {
  const url = module.startsWith('file:') ? module : pathToFileURL(module).href;
  let namespace: Record<string, unknown>;
  try {
    if (TYPESCRIPT.test(url)) await loadTypeScript();
    namespace = await importApp(url);
  } catch (error) {
    throw new LoomError('LOOM_ERR_GATEWAY_APP', `Could not load the gateway application module ${module}: ${(error as Error).message}`, { cause: error });
  }
  const app = exportOf(namespace, exportName);
  if (typeof app !== 'function') {
    throw new LoomError('LOOM_ERR_GATEWAY_APP',
      `${module} exports no function named "${exportName}" (found: ${exportNames(namespace).join(', ') || 'nothing'}).`);
  }
  keepApp(module, exportName, app as Application);
  return app as Application;
}
// #endregion gateway-worker-load-app

/** Remember a loaded application, under its module, then its export. */
function keepApp(module: string, exportName: string, app: Application): void {
  let exports = apps.get(module);
  if (exports === undefined) apps.set(module, (exports = new Map()));
  exports.set(exportName, app);
}

const TYPESCRIPT = /\.[cm]?tsx?$/;
let typeScript: Promise<void> | null = null;

/** Import an application's module; one in JavaScript that imports TypeScript is retried once tsx is in. */
async function importApp(url: string): Promise<Record<string, unknown>> {
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_UNKNOWN_FILE_EXTENSION' || typeScript !== null || tsx === null) throw error;
    await loadTypeScript();
    // Node keeps the failed load of every module in that graph, so importing `url` again
    // fails again, hooks or not: tsx's `tsImport` loads the graph afresh, under a namespace of its own.
    const { tsImport } = (await import(tsx.esm)) as { tsImport(specifier: string, parentURL: string): Promise<unknown> };
    return (await tsImport(url, import.meta.url)) as Record<string, unknown>;
  }
}

/**
 * Register tsx's hooks in this thread, once: a worker started from the plain bundle
 * (lib/gateway/worker-code.ts) carries no loader until an application needs one.
 */
function loadTypeScript(): Promise<void> {
  typeScript ??= (async () => {
    if (tsx === null) return; // Started from boot.mjs: tsx is registered already.
    const [cjs, esm] = await Promise.all([import(tsx.cjs), import(tsx.esm)]) as [{ register(): void }, { register(): void }];
    cjs.register();
    esm.register();
  })();
  return typeScript;
}

// The thread's whole life, started last so that every class above exists: say it is
// ready, then take calls, one after another, for as long as the thread lives.
post({ t: 'ready' });
for (;;) {
  const loading = serve(taker.take());
  if (loading !== undefined) await loading;
}
