/**
 * @module
 * One call of a gateway application, on the main thread: what a server hands the pool
 * (`CallSpec`: the application, the environ, the body and a `CallSink` for the answer),
 * and the pool's half of running it (`GatewayCall`).
 *
 * Once the pool has given the call a worker, the call posts the request and then its
 * body, in slices, staying at most 1 MiB ahead of what the application has read. It
 * hands the response the worker posts back to the sink, and counts bytes as sent only
 * once the client has taken them, so a slow client makes the worker wait. It tells the
 * worker when the client has gone (`cancel`), and can cut a stuck call short
 * (`abandon`, which stops and replaces its worker).
 *
 * Twisted counterpart: the reactor's side of `twisted.web.wsgi._WSGIResponse`: the
 * `callFromThread` calls that write each chunk to the request and finish it. Loom
 * differs: the worker does not wait for each write to reach the client, only while
 * 256 KiB are in flight, so a streaming application is not slowed to one round trip
 * per chunk.
 * Tests: `test/gateway/call.test.ts`.
 */

import { LoomError } from '../errors.ts';
import { kCrashed, kFailBeforeStart, kUnqueue } from '../plumbing/symbols.ts';
import {
  BODY_HIGH_WATER, BODY_SLICE, CANCELLED, OUT_BYTES, encodeCall,
  type AckMessage, type LogMessage, type OutMessage, type SerializedError,
} from './protocol.ts';
import type { SlotCall, WorkerSlot } from './slot.ts';
import type { AppRef, CgiEnviron, Header } from './spec.ts';

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

/** Where a call waits for a worker, as the call sees it. */
export interface CallQueue {
  /** Take `call` out of the queue; false when it was not there (it has started). */
  [kUnqueue](call: GatewayCall): boolean;
}

/** The main thread's half of one call: body in, response out, cancellation. */
export class GatewayCall implements CallHandle, SlotCall {
  readonly #spec: CallSpec;
  readonly #id: number;
  readonly #queue: CallQueue;
  #slot: WorkerSlot | null = null;
  #headSent = false;
  #settled = false;
  #cancelled = false;
  #bodyInFlight = 0;
  /** Response bytes written to a full client buffer, counted as sent at its next drain. */
  #undrained = 0;
  #bodyRoom: (() => void) | null = null;
  #onSettled: (() => void)[] = [];

  constructor(spec: CallSpec, id: number, queue: CallQueue) {
    this.#spec = spec;
    this.#id = id;
    this.#queue = queue;
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
      this[kCrashed](error instanceof Error ? error : new Error(String(error)));
      if (message.t === 'out' && message.done) this.#slot?.release();
    }
  }

  cancel(): void {
    if (this.#settled || this.#cancelled) return;
    this.#cancelled = true;
    if (this.#slot === null) {
      if (this.#queue[kUnqueue](this)) this.#settle();
      return;
    }
    Atomics.store(this.#slot.signals, CANCELLED, this.#id);
    this.#slot.wake();
    this.#bodyRoom?.();
  }

  abandon(error: Error): void {
    if (this.#settled) return;
    if (this.#slot === null) {
      this.#queue[kUnqueue](this);
      this[kFailBeforeStart](error);
    } else {
      this.#slot.kill(error);
    }
  }

  /** Run `listener` when the call is over, however it ended. */
  onSettled(listener: () => void): void {
    if (this.#settled) listener();
    else this.#onSettled.push(listener);
  }

  /** Fail a call that never reached a worker. */
  [kFailBeforeStart](error: Error): void {
    if (this.#settled) return;
    this.#spec.sink.fail(error, false);
    this.#settle();
  }

  /** The worker died during this call. */
  [kCrashed](error: Error): void {
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
