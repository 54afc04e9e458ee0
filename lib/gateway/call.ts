/**
 * @module
 * One call of a gateway application, on the main thread: what a server hands the pool
 * (`CallSpec`: the application, the environ, the body and a `CallSink` for the answer),
 * and the pool's half of running it (`GatewayCall`).
 *
 * The pool writes the call into a slot of its call queue (lib/gateway/call-queue.ts),
 * with the environ and a small body, and a worker takes it from there. A small answer
 * comes back in the same slot. What does not fit goes by the port of the worker that
 * took the call, once it has said so (`taken`): the call then posts the body in slices,
 * staying at most 1 MiB ahead of what the application has read, and hands each piece of
 * output to the sink, counting bytes as sent only once the client has taken them, so a
 * slow client makes the worker wait. It tells the worker when the client has gone
 * (`cancel`), and can cut a stuck call short (`abandon`, which stops and replaces its
 * worker).
 *
 * Twisted counterpart: the reactor's side of `twisted.web.wsgi._WSGIResponse`: the
 * `callFromThread` calls that write each chunk to the request and finish it. Loom
 * differs: the worker does not wait for each write to reach the client, only while
 * 256 KiB are in flight, so a streaming application is not slowed to one round trip
 * per chunk.
 * Tests: `test/gateway/call.test.ts`.
 */

import { LoomError } from '../errors.ts';
import { kCallOver, kCrashed, kFailBeforeStart, kUnqueue, kWorkerOf } from '../plumbing/symbols.ts';
import { writeCall } from './frames.ts';
import { BODY_HIGH_WATER, BODY_SLICE, CANCELLED, OUT_BYTES, type OutMessage, type SerializedError } from './protocol.ts';
import type { CallNews, WorkerSlot } from './slot.ts';
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

/** The body of a call: all here (a Site has read it), read in pieces (a spooled file), arriving (a stream), or none. */
export type CallBody = Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array> | null;

/** One call for the pool to run. */
export interface CallSpec {
  readonly app: AppRef;
  readonly environ: CgiEnviron;
  readonly body: CallBody;
  readonly sink: CallSink;
}

/** A call handed to the pool. */
export interface CallHandle {
  /** The client went away: stop the application (it sees the end of its body, its iteration stops, `close()` runs). */
  cancel(): void;
  /** Cut the call short: its worker is stopped and replaced (for an application stuck in a loop). */
  abandon(error: Error): void;
}

/** The pool, as a call sees it. */
export interface CallHost {
  /** Take `call` back if no worker has taken it yet; false when one has (it is running). */
  [kUnqueue](call: GatewayCall): boolean;
  /** The worker running `call`, or null while none has taken it. */
  [kWorkerOf](call: GatewayCall): WorkerSlot | null;
  /** The worker is done with `call`: its queue slot can carry another. */
  [kCallOver](call: GatewayCall): void;
}

/** The main thread's half of one call: body in, response out, cancellation. */
export class GatewayCall implements CallHandle {
  readonly id: number;
  /** The call's slot in the call queue, or -1 while it waits for one. */
  queueSlot = -1;
  readonly #spec: CallSpec;
  readonly #host: CallHost;
  /** What must follow by the port once a worker has taken the call. */
  #environToPost: string | null = null;
  #bodyToPump: Exclude<CallBody, null> | null = null;
  #headSent = false;
  #settled = false;
  #over = false;
  #cancelled = false;
  #bodyInFlight = 0;
  /** Response bytes written to a full client buffer, counted as sent at its next drain. */
  #undrained = 0;
  #bodyRoom: (() => void) | null = null;
  #onSettled: (() => void)[] = [];

  constructor(spec: CallSpec, id: number, host: CallHost) {
    this.#spec = spec;
    this.id = id;
    this.#host = host;
  }

  /** Write the call into its queue slot; returns the bytes written. What did not fit is kept for the port. */
  writeInto(slot: Buffer): number {
    const { app, environ, body } = this.#spec;
    const whole = body instanceof Uint8Array ? body : null;
    const written = writeCall(slot, {
      id: this.id, module: app.module, exportName: app.exportName, environ, body: whole, bodyEnd: body === null || whole !== null,
    });
    if (!written.environHere) this.#environToPost = JSON.stringify(environ);
    if (!written.bodyHere && body !== null) this.#bodyToPump = body;
    return written.length;
  }

  /** News from the worker running this call. */
  onMessage(message: CallNews, slot: WorkerSlot | null): void {
    if (message.t === 'out' && message.done) this.#workerDone();
    if (this.#settled) return; // The sink already has its answer (the call failed on this side).
    try {
      if (message.t === 'out') this.#output(message, slot);
      else if (message.t === 'ack') this.#acked(message.bytes);
      else if (message.t === 'log') this.#spec.sink.log(message.text);
      else if (slot !== null) this.#taken(slot);
    } catch (error) {
      // A sink that throws (a response Node refuses) must fail this call, never the server.
      this.cancel();
      this[kCrashed](error instanceof Error ? error : new Error(String(error)));
    }
  }

  cancel(): void {
    if (this.#settled || this.#cancelled) return;
    this.#cancelled = true;
    const worker = this.#host[kWorkerOf](this);
    if (worker === null) {
      if (this.#host[kUnqueue](this)) this.#settle();
      return;
    }
    Atomics.store(worker.signals, CANCELLED, this.id);
    worker.wake();
    this.#bodyRoom?.();
  }

  abandon(error: Error): void {
    if (this.#settled) return;
    if (this.#host[kUnqueue](this)) this[kFailBeforeStart](error);
    else this.#host[kWorkerOf](this)?.kill(error);
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
    this.#workerDone();
    if (this.#settled) return;
    this.#spec.sink.fail(error, this.#headSent);
    this.#settle();
  }

  /** The worker took the call and waits for what did not fit its slot. */
  #taken(slot: WorkerSlot): void {
    if (this.#environToPost !== null) slot.post({ t: 'environ', id: this.id, environ: this.#environToPost });
    if (this.#bodyToPump !== null) void this.#pumpBody(this.#bodyToPump, slot);
  }

  // #region gateway-call-output
  /** Response output from the worker: hand it to the sink, then let the worker go on once the client took it. */
  #output(message: OutMessage, slot: WorkerSlot | null): void {
    const { sink } = this.#spec;
    if (message.head !== null && !this.#cancelled) {
      this.#headSent = true;
      sink.head(message.head[0], message.head[1], message.head[2]);
    }
    let room = true;
    if (!this.#cancelled) for (const chunk of message.chunks) room = sink.write(chunk) && room;
    if (message.bytes > 0 && slot !== null) {
      if (room || this.#cancelled) this.#sent(message.bytes, slot);
      else this.#sentOnDrain(message.bytes, slot);
    }
    if (message.done) this.#done(message.error);
  }

  /**
   * Count `bytes` as sent once the client's buffer has drained. Several messages can
   * arrive while it is full; they share one drain listener rather than adding one each.
   */
  #sentOnDrain(bytes: number, slot: WorkerSlot): void {
    const alreadyWaiting = this.#undrained > 0;
    this.#undrained += bytes;
    if (alreadyWaiting) return;
    this.#spec.sink.onDrain(() => {
      const drained = this.#undrained;
      this.#undrained = 0;
      this.#sent(drained, slot);
    });
  }

  /** `bytes` reached the client: lower the in-flight count and wake a worker waiting on it. */
  #sent(bytes: number, slot: WorkerSlot): void {
    if (this.#over) return; // The worker has moved on; its count belongs to its next call.
    Atomics.sub(slot.signals, OUT_BYTES, bytes);
    Atomics.notify(slot.signals, OUT_BYTES);
  }

  #done(error: SerializedError | null): void {
    const { sink } = this.#spec;
    if (error !== null) sink.fail(revive(error), this.#headSent);
    else if (!this.#cancelled) sink.end();
    this.#settle();
  }
  // #endregion gateway-call-output

  // #region gateway-call-body
  /** Post the body in slices, staying at most BODY_HIGH_WATER bytes ahead of what the worker has read. */
  async #pumpBody(body: Exclude<CallBody, null>, slot: WorkerSlot): Promise<void> {
    try {
      for await (const piece of body instanceof Uint8Array ? [body] : body) {
        for (let at = 0; at < piece.byteLength; at += BODY_SLICE) {
          if (this.#settled || this.#cancelled) return;
          const slice = ownCopy(piece.subarray(at, at + BODY_SLICE));
          this.#bodyInFlight += slice.byteLength;
          slot.post({ t: 'body', id: this.id, chunk: slice }, [slice.buffer as ArrayBuffer]);
          if (this.#bodyInFlight > BODY_HIGH_WATER) await new Promise<void>((resolve) => (this.#bodyRoom = resolve));
        }
      }
    } catch {
      // The body stream failed (the client went away mid-upload): the application sees the end of the body.
    }
    if (!this.#settled && !this.#cancelled) slot.post({ t: 'body', id: this.id, chunk: null });
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

  /** The worker will not touch this call again: hand its queue slot back. */
  #workerDone(): void {
    if (this.#over) return;
    this.#over = true;
    this.#host[kCallOver](this);
  }

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
