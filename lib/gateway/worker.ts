/**
 * @module
 * The code that runs in each worker thread of a gateway `ThreadPool`: it loads
 * applications, runs one call at a time, reads the body with blocking waits and posts
 * the response back with backpressure.
 *
 * A call runs synchronously from start to end, so while it runs this thread's event
 * loop is not turning: every message for the call is taken off the port by hand
 * (`receiveMessageOnPort`), and waiting is `Atomics.wait` on the shared counters of
 * lib/gateway/protocol.ts. Only loading an application's module is asynchronous, once
 * per module.
 *
 * Twisted counterpart: the body of `twisted.web.wsgi._WSGIResponse.run`, which Twisted
 * runs in a pool thread and which hops to the reactor with `blockingCallFromThread` for
 * every write. Loom differs: a write does not wait for the client, only for the
 * response bytes in flight to drop under 256 KiB, so a streaming application is not
 * slowed to one round trip per chunk.
 * Tests: `test/gateway/pool.test.ts`, `test/gateway/resource.test.ts`.
 */

import { pathToFileURL } from 'node:url';
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { LoomError } from '../errors.ts';
import { exportNames, exportOf } from '../plumbing/module-export.ts';
import { completeEnviron } from './environ.ts';
import { ApplicationRun, type ResponseOutput } from './handler.ts';
import { BlockingInput, LogErrorStream } from './input.ts';
import {
  BODY_SEQ, BODY_SLICE, CANCELLED, OUT_BYTES, OUT_HIGH_WATER, SMALL_OUTPUT, decodeCall, encodeOut, serializeError,
  type CallMessage, type FromWorker, type OutMessage, type ToWorker,
} from './protocol.ts';
import type { Application, Header } from './spec.ts';

const { port, signals } = workerData as { port: MessagePort; signals: SharedArrayBuffer };
const sig = new Int32Array(signals);
const FLAGS = { multithread: true, multiprocess: false, runOnce: false } as const;

/** Applications already loaded, by `module#export`. */
const apps = new Map<string, Application>();

/** The call being run, and what has arrived of its body. */
let current = -1;
const bodyQueue: Uint8Array[] = [];
let bodyEnded = true;

port.on('message', (message: ToWorker) => {
  if (typeof message === 'string') void startCall(decodeCall(message));
  else if (message.id === current) takeBody(message.chunk);
  // Anything else belongs to a call that is over (its body came after it finished).
});
post({ t: 'ready' });

async function startCall(call: CallMessage): Promise<void> {
  current = call.id;
  bodyQueue.length = 0;
  bodyEnded = call.bodyEnd;
  let app: Application;
  try {
    app = apps.get(`${call.module}#${call.exportName}`) ?? await loadApp(call.module, call.exportName);
  } catch (error) {
    post({ t: 'out', id: call.id, head: null, chunks: [], bytes: 0, done: true, error: serializeError(error) });
    return;
  }
  runCall(call, app);
}

// #region gateway-worker-run
/** Run one call to the end, synchronously. */
function runCall(call: CallMessage, app: Application): void {
  const id = call.id;
  const output = new PortOutput(id);
  const errors = new LogErrorStream((text) => post({ t: 'log', id, text }));
  const environ = completeEnviron(call.environ, new BlockingInput(() => pullBody(id)), errors, FLAGS);
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
function pullBody(id: number): Uint8Array | null {
  for (;;) {
    const chunk = bodyQueue.shift();
    if (chunk !== undefined) {
      if (chunk.byteLength > 0) post({ t: 'ack', id, bytes: chunk.byteLength });
      return chunk;
    }
    if (bodyEnded || isCancelled(id)) return null;
    // Read the counter before looking at the port: if main posts in between, the
    // counter will have moved and the wait returns at once instead of sleeping.
    const seen = Atomics.load(sig, BODY_SEQ);
    drainPort();
    if (bodyQueue.length === 0 && !bodyEnded && !isCancelled(id)) Atomics.wait(sig, BODY_SEQ, seen);
  }
}
// #endregion gateway-worker-pull-body

/** Take every message waiting on the port (the event loop is not turning during a call). */
function drainPort(): void {
  for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
    const message = m.message as ToWorker;
    if (typeof message !== 'string' && message.id === current) takeBody(message.chunk);
  }
}

function takeBody(chunk: Uint8Array | null): void {
  if (chunk === null) bodyEnded = true;
  else bodyQueue.push(chunk);
}

function isCancelled(id: number): boolean {
  return Atomics.load(sig, CANCELLED) === id;
}

// #region gateway-worker-output
/**
 * Response output for one call: the status, headers and chunks gather in one message,
 * posted at each flush, so a small answer crosses to main as a single message. After
 * posting, the worker waits while too many bytes are still on their way to the client.
 */
class PortOutput implements ResponseOutput {
  readonly #id: number;
  #head: OutMessage['head'] = null;
  #chunks: Uint8Array[] = [];
  #bytes = 0;

  constructor(id: number) {
    this.#id = id;
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
    this.#post(false, null);
    this.#waitForRoom();
  }

  /** Post what is left, and the end of the call. */
  finish(failure: unknown): void {
    this.#post(true, failure === null ? null : serializeError(failure));
  }

  #post(done: boolean, error: OutMessage['error']): void {
    const chunks = this.#chunks;
    if (this.#bytes > 0) Atomics.add(sig, OUT_BYTES, this.#bytes);
    const message: OutMessage = { t: 'out', id: this.#id, head: this.#head, chunks, bytes: this.#bytes, done, error };
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
    namespace = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw new LoomError('LOOM_ERR_GATEWAY_APP', `Could not load the gateway application module ${module}: ${(error as Error).message}`, { cause: error });
  }
  const app = exportOf(namespace, exportName);
  if (typeof app !== 'function') {
    throw new LoomError('LOOM_ERR_GATEWAY_APP',
      `${module} exports no function named "${exportName}" (found: ${exportNames(namespace).join(', ') || 'nothing'}).`);
  }
  apps.set(`${module}#${exportName}`, app as Application);
  return app as Application;
}
// #endregion gateway-worker-load-app
