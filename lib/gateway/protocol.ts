/**
 * @module
 * The messages between the main thread and a gateway worker thread, and the layout of
 * the memory they share.
 *
 * Each worker has one `MessagePort` for its whole life (a new channel per request costs
 * more than the request: see the measurements in the toolchain notes) and one small
 * `SharedArrayBuffer` of counters. The message that starts a call is JSON text, not an
 * object: a string crosses to another thread as one copy, while an object (the environ
 * holds twenty-odd strings) is walked and rebuilt field by field by the structured-clone
 * serializer on both sides; for a small request that was a third of the gateway's cost
 * (docs/guide/performance.md). Messages carry the work and the bytes; the shared
 * counters let the worker *block* (`Atomics.wait`) until the main thread has posted more
 * of the body, has sent what the worker wrote, or has given up on the request.
 *
 * Twisted counterpart: none; a Python thread shares the reactor's memory and hops back
 * with `reactor.callFromThread`. Tests: `test/gateway/pool.test.ts`.
 */

import type { MessagePort } from 'node:worker_threads';
import type { CgiEnviron, Header } from './spec.ts';
import type { TypeScriptHooks } from './worker-code.ts';

/** Index in the shared Int32Array: bumped by main each time it posts body bytes or an end. */
export const BODY_SEQ = 0;
/** Index: response bytes the worker has posted that main has not yet handed to the client. */
export const OUT_BYTES = 1;
/** Index: the id of the call main has given up on (the client went away). */
export const CANCELLED = 2;
/** How many Int32 counters a worker's shared buffer holds. */
export const SIGNAL_SLOTS = 4;

/** The worker stops and waits while this many response bytes are still on their way. */
export const OUT_HIGH_WATER = 256 * 1024;
/** Main stops posting body bytes while this many are unread by the worker. */
export const BODY_HIGH_WATER = 1024 * 1024;
/** Body pieces are posted in slices of at most this size; the worker acknowledges each. */
export const BODY_SLICE = 64 * 1024;

/**
 * Main → worker: run an application. Written into a queue slot as bytes
 * ({@link writeCall}); the environ or the body go by the worker's port instead when they
 * do not fit the slot, or when the body is still arriving.
 */
export interface CallMessage {
  readonly id: number;
  readonly module: string;
  readonly exportName: string;
  /** Null when the environ follows by the port, as an {@link EnvironMessage}. */
  readonly environ: CgiEnviron | null;
  /** The whole body, when it came in the slot (null when there is none, or it comes by the port). */
  readonly body: Uint8Array | null;
  /** True when the request has no more body than `body`; otherwise `body` messages follow, then an end. */
  readonly bodyEnd: boolean;
}

/** Main → worker, after a `taken`: the environ that did not fit the slot, as JSON text. */
export interface EnvironMessage {
  readonly t: 'environ';
  readonly id: number;
  readonly environ: string;
}

/** Main → worker: more body, or its end (`chunk` null). */
export interface BodyMessage {
  readonly t: 'body';
  readonly id: number;
  readonly chunk: Uint8Array | null;
}

/** What a worker receives by its port, for the call it runs. */
export type ToWorker = BodyMessage | EnvironMessage;

/** An error as it crosses from the worker to main. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  readonly code: string | undefined;
}

/** Worker → main: response output; with `done`, the call is over (and `error` says how). */
export interface OutMessage {
  readonly t: 'out';
  readonly id: number;
  readonly head: readonly [code: number, reason: string, headers: Header[]] | null;
  readonly chunks: readonly Uint8Array[];
  readonly bytes: number;
  readonly done: boolean;
  readonly error: SerializedError | null;
}

/** Output of at most this many bytes crosses as text ({@link encodeOut}); more goes as transferred buffers. */
export const SMALL_OUTPUT = 16 * 1024;

/**
 * A small output message as JSON text, for the same reason the call is text. Its bytes
 * travel as a Latin-1 string, one character per byte, which JSON keeps as it is (only
 * control characters are escaped); a big body would grow too much that way, so it is
 * transferred instead.
 */
export function encodeOut(message: OutMessage): string {
  let body = '';
  for (const c of message.chunks) body += Buffer.from(c.buffer, c.byteOffset, c.byteLength).toString('latin1');
  return JSON.stringify([message.id, message.head, body, message.done, message.error]);
}

/** The output message back from its text, on the main thread. */
export function decodeOut(text: string): OutMessage {
  const [id, head, body, done, error] = JSON.parse(text) as [number, OutMessage['head'], string, boolean, SerializedError | null];
  const bytes = Buffer.from(body, 'latin1');
  return { t: 'out', id, head, chunks: bytes.byteLength > 0 ? [bytes] : [], bytes: bytes.byteLength, done, error };
}

/** Worker → main: the application read `bytes` more of the body. */
export interface AckMessage {
  readonly t: 'ack';
  readonly id: number;
  readonly bytes: number;
}

/** Worker → main: the application wrote to `gateway.errors`. */
export interface LogMessage {
  readonly t: 'log';
  readonly id: number;
  readonly text: string;
}

/** Worker → main: the worker took call `id` from the queue, and waits for its environ or body by the port. */
export interface TakenMessage {
  readonly t: 'taken';
  readonly id: number;
}

/** Worker → main, once: the worker's code is loaded and it can take calls. */
export interface ReadyMessage {
  readonly t: 'ready';
}

/** What main receives: a small output message as its text, or one of the objects. */
export type FromWorker = string | OutMessage | AckMessage | LogMessage | TakenMessage | ReadyMessage;

/** What a worker is started with (its `workerData`). */
export interface WorkerBoot {
  /** The worker's port for the slow path: bodies that stream, big output, logs. */
  readonly port: MessagePort;
  /** Its counters (BODY_SEQ, OUT_BYTES, CANCELLED). */
  readonly signals: SharedArrayBuffer;
  /** The pool's call queue (lib/gateway/call-queue.ts). */
  readonly queue: SharedArrayBuffer;
  /** This worker's number in its pool, 1 and up. */
  readonly worker: number;
  /**
   * tsx's hooks, for a worker started from the plain JavaScript bundle to register the
   * first time an application is TypeScript; null when tsx is registered already (boot.mjs).
   */
  readonly tsx: TypeScriptHooks | null;
}

/** Turn a thrown value into something that can be posted. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, message: error.message, stack: error.stack, code: typeof code === 'string' ? code : undefined };
  }
  return { name: 'Error', message: String(error), stack: undefined, code: undefined };
}
