/**
 * @module
 * A call and its answer as bytes in a slot of the call queue (lib/gateway/call-queue.ts):
 * what the main thread writes for a worker to read, and what the worker writes back.
 *
 * The layout is plain: numbers are 32-bit little-endian, strings are a byte length and
 * UTF-8 bytes, bytes are a length and the bytes. A call is its id, a flags byte, the
 * application's module and export, the environ (the lengths of its names and values, then
 * all of them as one string), and the body when it is small and all here. An answer is
 * what one `OutMessage` carries: the status line and headers (if the application got
 * that far), the body, and the error (if it failed).
 * Writing stops with {@link TooBig} when the slot is full; the caller then sends that
 * part by the worker's port instead. The previous design posted the call as JSON text
 * (the structured-clone copy of an object was slower still); bytes written in place are
 * cheaper than either, and reading them is one `toString` per string (one for the whole
 * environ).
 *
 * Twisted counterpart: none; a Python thread is handed the environ dict itself.
 * Tests: `test/gateway/frames.test.ts`.
 */

import type { CallMessage, OutMessage, SerializedError } from './protocol.ts';
import type { CgiEnviron, Header } from './spec.ts';

/** Thrown by a writer when the slot has no room for what is written next. */
export class TooBig extends Error {}

const ENVIRON_HERE = 1;
const BODY_HERE = 2;
const BODY_END = 4;
const HAS_HEAD = 1;
const HAS_ERROR = 2;
const HAS_STACK = 4;
const HAS_CODE = 8;

/**
 * A DataView over the memory under `buffer`. Numbers go through one: Buffer's
 * writeUInt32LE checks its value and offset in JavaScript on every call, and an environ
 * writes some fifty of them. Every slot of the call queue lies in the same shared memory,
 * so the view of the last memory asked about is kept: making a DataView per call cost
 * about as much as the numbers it saved.
 */
function viewOf(buffer: Buffer): DataView {
  if (buffer.buffer !== lastMemory) {
    lastMemory = buffer.buffer;
    lastView = new DataView(buffer.buffer);
  }
  return lastView!;
}
let lastMemory: ArrayBufferLike | null = null;
let lastView: DataView | null = null;

/** Writes numbers, strings and bytes one after another into a buffer. */
class FrameWriter {
  readonly #buffer: Buffer;
  readonly #view: DataView;
  /** Where `buffer` starts in the view's memory. */
  readonly #base: number;
  at = 0;

  constructor(buffer: Buffer) {
    this.#buffer = buffer;
    this.#view = viewOf(buffer);
    this.#base = buffer.byteOffset;
  }

  u32(n: number): void {
    if (this.at + 4 > this.#buffer.length) throw new TooBig();
    this.#view.setUint32(this.#base + this.at, n, true);
    this.at += 4;
  }

  u8(n: number): void {
    if (this.at + 1 > this.#buffer.length) throw new TooBig();
    this.#buffer[this.at++] = n;
  }

  string(text: string): void {
    const room = this.#buffer.length - this.at - 4;
    // Three bytes per UTF-16 unit at most: only a long string needs measuring first.
    if (text.length * 3 > room && Buffer.byteLength(text) > room) throw new TooBig();
    const n = this.#buffer.write(text, this.at + 4, 'utf8');
    this.u32(n);
    this.at += n;
  }

  bytes(chunks: readonly Uint8Array[], total: number): void {
    if (this.at + 4 + total > this.#buffer.length) throw new TooBig();
    this.u32(total);
    for (const chunk of chunks) {
      this.#buffer.set(chunk, this.at);
      this.at += chunk.byteLength;
    }
  }
}

/** Reads what a {@link FrameWriter} wrote, in the same order. */
class FrameReader {
  readonly #buffer: Buffer;
  readonly #view: DataView;
  readonly #base: number;
  #at = 0;

  constructor(buffer: Buffer) {
    this.#buffer = buffer;
    this.#view = viewOf(buffer);
    this.#base = buffer.byteOffset;
  }

  u32(): number {
    const n = this.#view.getUint32(this.#base + this.#at, true);
    this.#at += 4;
    return n;
  }

  u8(): number {
    return this.#buffer[this.#at++]!;
  }

  /** Step over `n` bytes, to read them later with {@link u32At}; returns where they start. */
  skip(n: number): number {
    const at = this.#at;
    this.#at += n;
    return at;
  }

  /** The number at `at`, which the reader may have passed. */
  u32At(at: number): number {
    return this.#view.getUint32(this.#base + at, true);
  }

  string(): string {
    const n = this.u32();
    this.#at += n;
    return this.#buffer.toString('utf8', this.#at - n, this.#at);
  }

  /** The bytes, copied out: the slot they lie in is reused once the call is over. */
  bytes(): Buffer {
    const n = this.u32();
    const copy = Buffer.allocUnsafe(n);
    this.#buffer.copy(copy, 0, this.#at, this.#at + n);
    this.#at += n;
    return copy;
  }
}

/** What {@link writeCall} managed to put in the slot. */
export interface WrittenCall {
  readonly length: number;
  /** False: the environ did not fit, and must follow by the port. */
  readonly environHere: boolean;
  /** False: there was a body and it did not fit (or was not all here), and must follow by the port. */
  readonly bodyHere: boolean;
}

/**
 * Write a call into `slot`: its id, the application's name, then the environ and the
 * body when they fit. `call.body` is the body when it is all here (null otherwise), and
 * `call.bodyEnd` says there is no more body than that.
 */
export function writeCall(slot: Buffer, call: CallMessage): WrittenCall {
  const out = new FrameWriter(slot);
  out.u32(call.id);
  const flagsAt = out.at;
  out.u8(0);
  out.string(call.module);
  out.string(call.exportName);
  let flags = 0;
  const environAt = out.at;
  if (call.environ !== null && fits(() => writeEnviron(out, call.environ!))) flags |= ENVIRON_HERE;
  else out.at = environAt;
  const bodyAt = out.at;
  if (call.body !== null && fits(() => out.bytes([call.body!], call.body!.byteLength))) flags |= BODY_HERE;
  else out.at = bodyAt;
  const bodyHere = call.body === null ? call.bodyEnd : (flags & BODY_HERE) !== 0;
  if (bodyHere && call.bodyEnd) flags |= BODY_END;
  slot[flagsAt] = flags;
  return { length: out.at, environHere: (flags & ENVIRON_HERE) !== 0, bodyHere };
}

/** Read a call from the bytes {@link writeCall} wrote. */
export function readCall(frame: Buffer): CallMessage {
  const input = new FrameReader(frame);
  const id = input.u32();
  const flags = input.u8();
  const module = input.string();
  const exportName = input.string();
  let environ: CgiEnviron | null = null;
  if ((flags & ENVIRON_HERE) !== 0) environ = readEnviron(input);
  const body = (flags & BODY_HERE) !== 0 ? input.bytes() : null;
  return { id, module, exportName, environ, body, bodyEnd: (flags & BODY_END) !== 0 };
}

/**
 * Environ names nearly every call carries: each goes as its number in this list instead
 * of as text. On the worker a name cut out of the text is a new string, and making it a
 * property name means looking it up in V8's table of names, which took about 0.8 µs of
 * a call's 1.8 µs of reading; a name from this list is a constant, already in the table.
 * Both threads run this same module, so they agree on the numbers. The first twelve are
 * `environFromRequest`'s names in its order, which `readEnviron` reads fastest.
 */
const KNOWN_NAMES = [
  'REQUEST_METHOD', 'SCRIPT_NAME', 'PATH_INFO', 'QUERY_STRING', 'CONTENT_TYPE', 'CONTENT_LENGTH',
  'SERVER_NAME', 'SERVER_PORT', 'SERVER_PROTOCOL', 'REMOTE_ADDR', 'REMOTE_PORT', 'gateway.url_scheme',
  'HTTP_HOST', 'HTTP_USER_AGENT', 'HTTP_ACCEPT', 'HTTP_ACCEPT_ENCODING', 'HTTP_ACCEPT_LANGUAGE',
  'HTTP_CONNECTION', 'HTTP_COOKIE', 'HTTP_REFERER', 'HTTP_CACHE_CONTROL', 'HTTP_ORIGIN',
  'HTTP_AUTHORIZATION', 'HTTP_IF_NONE_MATCH', 'HTTP_IF_MODIFIED_SINCE', 'HTTP_UPGRADE_INSECURE_REQUESTS',
  'HTTP_SEC_FETCH_DEST', 'HTTP_SEC_FETCH_MODE', 'HTTP_SEC_FETCH_SITE', 'HTTP_SEC_FETCH_USER',
  'HTTP_X_FORWARDED_FOR', 'HTTP_X_FORWARDED_HOST', 'HTTP_X_FORWARDED_PROTO', 'HTTP_PRAGMA',
] as const;
const KNOWN_NUMBER: ReadonlyMap<string, number> = new Map(KNOWN_NAMES.map((name, i) => [name, i]));
/** Set in a name's length to say the number below it is a known name's. */
const KNOWN = 0x8000_0000;

/**
 * The environ as its count, for each pair its name's length (or a known name's number,
 * {@link KNOWN_NAMES}) and its value's length in UTF-16 units, then the other names and
 * all values as one string: one `write` for the lot, not two per pair (forty-odd calls
 * into Node per request), and on the worker one UTF-8 decoding, then slices. A length in
 * UTF-16 units survives the trip: UTF-8 gives back as many units as it was given, a lone
 * surrogate coming back as one U+FFFD, as it would written alone.
 */
function writeEnviron(out: FrameWriter, environ: CgiEnviron): void {
  const keys = Object.keys(environ);
  out.u32(keys.length);
  let joined = '';
  for (const key of keys) {
    const value = environ[key]!;
    const known = KNOWN_NUMBER.get(key);
    if (known === undefined) {
      out.u32(key.length);
      joined += key;
    } else {
      out.u32(KNOWN | known);
    }
    out.u32(value.length);
    joined += value;
  }
  out.string(joined);
}

function readEnviron(input: FrameReader): CgiEnviron {
  const n = input.u32();
  // The lengths come first and the text after them: step over the lengths to the text,
  // then read them in place as the text is cut up.
  const lengths = input.skip(8 * n);
  const joined = input.string();
  let i = 0;
  let at = 0;
  let environ: CgiEnviron;
  if (startsAsUsual(input, lengths, n)) {
    // An object literal gets its shape at once, where twelve separate stores would each
    // look the name up: the names every call from a Request begins with, in their order.
    const e = USUAL_ENDS;
    for (let k = 0; k < USUAL_START; k++) e[k] = at += input.u32At(lengths + 8 * k + 4);
    environ = {
      REQUEST_METHOD: joined.slice(0, e[0]), SCRIPT_NAME: joined.slice(e[0], e[1]), PATH_INFO: joined.slice(e[1], e[2]),
      QUERY_STRING: joined.slice(e[2], e[3]), CONTENT_TYPE: joined.slice(e[3], e[4]), CONTENT_LENGTH: joined.slice(e[4], e[5]),
      SERVER_NAME: joined.slice(e[5], e[6]), SERVER_PORT: joined.slice(e[6], e[7]), SERVER_PROTOCOL: joined.slice(e[7], e[8]),
      REMOTE_ADDR: joined.slice(e[8], e[9]), REMOTE_PORT: joined.slice(e[9], e[10]), 'gateway.url_scheme': joined.slice(e[10], e[11]),
    };
    i = USUAL_START;
  } else {
    environ = {};
  }
  for (; i < n; i++) {
    const name = input.u32At(lengths + 8 * i);
    const key = (name & KNOWN) !== 0 ? KNOWN_NAMES[name & ~KNOWN]! : joined.slice(at, (at += name));
    environ[key] = joined.slice(at, (at += input.u32At(lengths + 8 * i + 4)));
  }
  return environ;
}

/** How many names a call from a Request begins with: {@link KNOWN_NAMES} up to `gateway.url_scheme`. */
const USUAL_START = 12;
/** Where each of those values ends in the text, for the call being read (reused: a worker reads one call at a time). */
const USUAL_ENDS = new Uint32Array(USUAL_START);

/** True when the environ's first names are the first {@link USUAL_START} known ones, in order. */
function startsAsUsual(input: FrameReader, lengths: number, n: number): boolean {
  if (n < USUAL_START) return false;
  for (let i = 0; i < USUAL_START; i++) if (input.u32At(lengths + 8 * i) !== (KNOWN | i) >>> 0) return false;
  return true;
}

/** Run `write`; false when it ran out of room. */
function fits(write: () => void): boolean {
  try {
    write();
    return true;
  } catch (error) {
    if (error instanceof TooBig) return false;
    throw error;
  }
}

/**
 * Write the whole of a call's output, its last, into `slot`: the head if any, the body,
 * the error if any. Returns the bytes written, or throws {@link TooBig}.
 */
export function writeAnswer(slot: Buffer, head: OutMessage['head'], chunks: readonly Uint8Array[], bytes: number, error: SerializedError | null): number {
  const out = new FrameWriter(slot);
  let flags = (head !== null ? HAS_HEAD : 0) | (error !== null ? HAS_ERROR : 0);
  if (error?.stack !== undefined) flags |= HAS_STACK;
  if (error?.code !== undefined) flags |= HAS_CODE;
  out.u8(flags);
  if (head !== null) {
    out.u32(head[0]);
    out.string(head[1]);
    out.u32(head[2].length);
    for (const [name, value] of head[2]) {
      out.string(name);
      out.string(value);
    }
  }
  out.bytes(chunks, bytes);
  if (error !== null) {
    out.string(error.name);
    out.string(error.message);
    if (error.stack !== undefined) out.string(error.stack);
    if (error.code !== undefined) out.string(error.code);
  }
  return out.at;
}

/**
 * The answer in `frame` as the output message it stands for: the call's last. Its
 * `bytes` is 0 because no bytes of it were counted in flight (it never waited for room).
 */
export function readAnswer(id: number, frame: Buffer): OutMessage {
  const input = new FrameReader(frame);
  const flags = input.u8();
  let head: OutMessage['head'] = null;
  if ((flags & HAS_HEAD) !== 0) {
    const code = input.u32();
    const reason = input.string();
    const headers: Header[] = [];
    for (let n = input.u32(); n > 0; n--) headers.push([input.string(), input.string()]);
    head = [code, reason, headers];
  }
  const body = input.bytes();
  let error: SerializedError | null = null;
  if ((flags & HAS_ERROR) !== 0) {
    const name = input.string();
    const message = input.string();
    const stack = (flags & HAS_STACK) !== 0 ? input.string() : undefined;
    const code = (flags & HAS_CODE) !== 0 ? input.string() : undefined;
    error = { name, message, stack, code };
  }
  return { t: 'out', id, head, chunks: body.byteLength > 0 ? [body] : [], bytes: 0, done: true, error };
}
