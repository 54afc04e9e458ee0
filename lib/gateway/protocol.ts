/**
 * @module
 * The messages between the main thread and a gateway worker thread, and the layout of
 * the memory they share.
 *
 * Each worker has one `MessagePort` for its whole life (a new channel per request costs
 * more than the request: see the measurements in the toolchain notes) and one small
 * `SharedArrayBuffer` of counters. Messages carry the work and the bytes; the shared
 * counters let the worker *block* (`Atomics.wait`) until the main thread has posted more
 * of the body, has sent what the worker wrote, or has given up on the request.
 *
 * Twisted counterpart: none; a Python thread shares the reactor's memory and hops back
 * with `reactor.callFromThread`. Tests: `test/gateway/pool.test.ts`.
 */

import type { CgiEnviron, Header } from './spec.ts';

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

/** Main → worker: run an application. */
export interface CallMessage {
  readonly t: 'call';
  readonly id: number;
  readonly module: string;
  readonly exportName: string;
  readonly environ: CgiEnviron;
  /** The first body bytes (the whole of a small body), or null. */
  readonly body: Uint8Array | null;
  /** True when no more body will come. */
  readonly bodyEnd: boolean;
}

/** Main → worker: more body, or its end (`chunk` null). */
export interface BodyMessage {
  readonly t: 'body';
  readonly id: number;
  readonly chunk: Uint8Array | null;
}

export type ToWorker = CallMessage | BodyMessage;

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

export type FromWorker = OutMessage | AckMessage | LogMessage;

/** What a worker is started with (its `workerData`). */
export interface WorkerBoot {
  /** The worker's module (lib/gateway/worker.ts), loaded by boot.mjs. */
  readonly entry: string;
  readonly signals: SharedArrayBuffer;
}

/** Turn a thrown value into something that can be posted. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, message: error.message, stack: error.stack, code: typeof code === 'string' ? code : undefined };
  }
  return { name: 'Error', message: String(error), stack: undefined, code: undefined };
}
