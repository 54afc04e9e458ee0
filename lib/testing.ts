/**
 * @module
 * Test doubles for code that uses Loom: a fake clock you move by hand, an in-memory
 * channel, and helpers that send a request through a resource (or a whole Site) with no
 * socket, using exactly the Request, traversal and rendering code a live server runs.
 *
 * Twisted counterpart: `twisted.internet.task.Clock` and `twisted.web.test.requesthelper`
 * (`DummyRequest`, `DummyChannel`) plus the `_render` helper of Twisted's tests.
 * Loom differs: there is no separate dummy request class that could drift from the real
 * one; the in-memory request *is* a `Request`, on a `MemoryChannel`.
 * Tests: `test/testing.test.ts`. Every exercise grader builds on this file.
 */

import type { Address, Channel } from './plumbing/channel.ts';
import type { Clock, DelayedCall } from './clock.ts';
import { Content } from './plumbing/content.ts';
import { Headers } from './plumbing/headers.ts';
import { render as renderResource } from './render.ts';
import type { IResource } from './resource.ts';
import { Request } from './request.ts';
import { Site, type SiteOptions } from './site.ts';
import { EventTracer, type TraceEvent, type TracedRequest } from './trace.ts';
import type { Logger } from './logger.ts';

// The fake clock and its delayed calls share these doors; nothing outside this file can.
const kSchedule = Symbol('loom.fakeClock.schedule');
const kUnschedule = Symbol('loom.fakeClock.unschedule');

// #region testing-fake-clock
/**
 * A clock that only moves when told to. `advance(5)` runs, in order, every call that
 * falls due within those 5 seconds. Twisted's `task.Clock`.
 */
export class FakeClock implements Clock {
  #now: number;
  #calls: FakeDelayedCall[] = [];

  /** @param start the time to start at, in seconds since the epoch. */
  constructor(start = 0) {
    this.#now = start;
  }

  seconds(): number {
    return this.#now;
  }

  callLater(seconds: number, fn: () => void): DelayedCall {
    const call = new FakeDelayedCall(this, this.#now + seconds, fn);
    this.#schedule(call);
    return call;
  }

  /** Move time forward by `seconds`, running each call that falls due, in time order. */
  advance(seconds: number): void {
    const until = this.#now + seconds;
    for (let next = this.#calls[0]; next !== undefined && next.getTime() <= until; next = this.#calls[0]) {
      this.#calls.shift();
      this.#now = next.getTime();
      next.run();
    }
    this.#now = until;
  }

  /** Advance by each amount in turn (Twisted's `pump`). */
  pump(steps: readonly number[]): void {
    for (const step of steps) this.advance(step);
  }

  /** The calls still pending, soonest first. */
  getDelayedCalls(): readonly DelayedCall[] {
    return [...this.#calls];
  }

  /** A delayed call of this clock's was reset: queue it again at its new time. */
  [kSchedule](call: FakeDelayedCall): void {
    this.#schedule(call);
  }

  /** A delayed call of this clock's was cancelled. */
  [kUnschedule](call: FakeDelayedCall): void {
    this.#calls = this.#calls.filter((c) => c !== call);
  }

  #schedule(call: FakeDelayedCall): void {
    const at = this.#calls.findIndex((c) => c.getTime() > call.getTime());
    if (at < 0) this.#calls.push(call);
    else this.#calls.splice(at, 0, call);
  }
}
// #endregion testing-fake-clock

class FakeDelayedCall implements DelayedCall {
  readonly #clock: FakeClock;
  readonly #fn: () => void;
  #due: number;
  #active = true;

  constructor(clock: FakeClock, due: number, fn: () => void) {
    this.#clock = clock;
    this.#due = due;
    this.#fn = fn;
  }

  cancel(): void {
    if (!this.#active) return;
    this.#active = false;
    this.#clock[kUnschedule](this);
  }

  reset(seconds: number): void {
    if (!this.#active) return;
    this.#clock[kUnschedule](this);
    this.#due = this.#clock.seconds() + seconds;
    this.#clock[kSchedule](this);
  }

  active(): boolean {
    return this.#active;
  }

  getTime(): number {
    return this.#due;
  }

  run(): void {
    this.#active = false;
    this.#fn();
  }
}

/** What a {@link MemoryChannel} was sent. */
export interface SentHead {
  readonly code: number;
  readonly message: string;
  readonly headers: Headers;
}

/** A channel that records what the response sent, and can pretend the client left. */
export class MemoryChannel implements Channel {
  readonly client: Address;
  readonly host: Address;
  readonly secure: boolean;
  /** The status and headers, once sent. */
  head: SentHead | null = null;
  /** Each body chunk, in order. */
  readonly chunks: Buffer[] = [];
  /** True once the response was ended. */
  ended = false;
  /** True when the connection should close after this response. */
  closing = false;
  #lost = false;
  #closeListeners: ((lost: boolean) => void)[] = [];

  constructor(options: { client?: Address; host?: Address; secure?: boolean } = {}) {
    this.client = options.client ?? { type: 'IPv4', host: '192.168.1.1', port: 12344 };
    this.host = options.host ?? { type: 'IPv4', host: '10.0.0.1', port: 80 };
    this.secure = options.secure ?? false;
  }

  get lost(): boolean {
    return this.#lost;
  }

  /** The body sent so far. */
  get body(): Buffer {
    return Buffer.concat(this.chunks);
  }

  writeHead(code: number, message: string, headers: string[]): void {
    if (this.head !== null) throw new Error('MemoryChannel: headers sent twice');
    const h = new Headers();
    for (let i = 0; i + 1 < headers.length; i += 2) h.addRawHeader(headers[i]!, headers[i + 1]!);
    this.head = { code, message, headers: h };
  }

  write(chunk: Uint8Array | string): boolean {
    if (this.ended) throw new Error('MemoryChannel: write after end');
    this.chunks.push(Buffer.from(chunk));
    return true;
  }

  end(chunk?: Uint8Array | string): void {
    if (this.ended) throw new Error('MemoryChannel: ended twice');
    if (chunk !== undefined) this.chunks.push(Buffer.from(chunk));
    this.ended = true;
    this.#close(false);
  }

  onClose(listener: (lost: boolean) => void): void {
    if (this.ended || this.#lost) listener(this.#lost);
    else this.#closeListeners.push(listener);
  }

  onDrain(listener: () => void): void {
    queueMicrotask(listener);
  }

  closeAfterResponse(): void {
    this.closing = true;
  }

  abort(): void {
    this.loseConnection();
  }

  /** Pretend the client went away. */
  loseConnection(): void {
    if (this.#lost || this.ended) return;
    this.#lost = true;
    this.#close(true);
  }

  #close(lost: boolean): void {
    const listeners = this.#closeListeners;
    this.#closeListeners = [];
    for (const listener of listeners) listener(lost);
  }
}

/** What to send in an in-memory request. Everything has a default. */
export interface RequestOptions {
  /** @default 'GET' */
  method?: string;
  /** The request target, query string included. @default '/' */
  uri?: string;
  /** Request headers, as an object or as `[name, value]` pairs (for repeated names). */
  headers?: Record<string, string | readonly string[]> | readonly (readonly [string, string])[];
  /** The request body. A `Content-Length` header is added when none is given. */
  body?: string | Uint8Array;
  /** @default '1.1' */
  httpVersion?: string;
  client?: Address;
  host?: Address;
  secure?: boolean;
}

/** Build an in-memory `Request` on a fresh {@link MemoryChannel}. */
export function makeRequest(options: RequestOptions = {}, site: Site | null = null): Request {
  const channel = new MemoryChannel(options);
  const raw = rawHeaders(options);
  const content = options.body === undefined ? null : Content.from(options.body);
  return new Request(site, { method: options.method ?? 'GET', url: options.uri ?? '/', httpVersion: options.httpVersion ?? '1.1', rawHeaders: raw }, channel, content);
}

/** The answer to an in-memory request. */
export interface TestResponse {
  readonly code: number;
  readonly message: string;
  readonly headers: Headers;
  readonly body: Buffer;
  /** The body decoded as UTF-8. */
  readonly text: string;
  /** The request, to look at what traversal and rendering left on it. */
  readonly request: Request;
  readonly channel: MemoryChannel;
  /**
   * The request's walk through the resource tree (lib/trace.ts), when `request()` made
   * the Site itself: graders print it under a 404, to show where the walk stopped.
   */
  readonly trace?: readonly TraceEvent[];
}

/** The walks of the requests `request()` sent through Sites it made. */
const walks = new WeakMap<TracedRequest, readonly TraceEvent[]>();

/**
 * Send an in-memory request to a resource tree (or a Site) and wait for the answer:
 * body reading aside, the same path a live request takes (traversal, render, error
 * pages). Resolves when the response is finished; rejects if the resource loses the
 * connection instead.
 *
 * @example
 * const response = await request(root, { uri: '/hello' });
 * expect(response.code).toBe(200);
 */
export async function request(target: IResource | Site, options: RequestOptions = {}): Promise<TestResponse> {
  const site = target instanceof Site
    ? target
    : new Site(target, { logger: memoryLogger(), tracer: new EventTracer((events, traced) => walks.set(traced, events)) });
  const req = makeRequest(options, site);
  const done = req.notifyFinish();
  site.dispatch(req);
  await done;
  return responseOf(req);
}

/**
 * Render one resource for `req`, with no traversal (the resource is taken to be what
 * traversal arrived at), and wait until the response is finished. Twisted's `_render`.
 */
export async function render(resource: IResource, req: Request = makeRequest()): Promise<TestResponse> {
  const done = req.notifyFinish();
  renderResource(req, resource);
  await done;
  return responseOf(req);
}

/** What the channel of `req` has recorded so far (works before the response is finished). */
export function responseOf(req: Request): TestResponse {
  const channel = req.channel as MemoryChannel;
  const head = channel.head ?? { code: req.code, message: '', headers: new Headers() };
  const body = channel.body;
  const trace = walks.get(req);
  return { code: head.code, message: head.message, headers: head.headers, body, text: body.toString('utf8'), request: req, channel, ...(trace === undefined ? {} : { trace }) };
}

/** A logger that keeps its messages, for asserting on them. */
export interface MemoryLogger extends Logger {
  readonly messages: { level: 'info' | 'warn' | 'error'; message: string; error?: unknown }[];
}

/** A logger that records messages instead of printing them. */
export function memoryLogger(): MemoryLogger {
  const messages: MemoryLogger['messages'] = [];
  return {
    messages,
    info: (message) => messages.push({ level: 'info', message }),
    warn: (message) => messages.push({ level: 'warn', message }),
    error: (message, error) => messages.push({ level: 'error', message, error }),
  };
}

/** A Site with a recording logger and a fake clock: the usual test setup. */
export function testSite(root: IResource, options: SiteOptions = {}): Site & { logger: MemoryLogger } {
  return new Site(root, { logger: memoryLogger(), clock: new FakeClock(), ...options }) as Site & { logger: MemoryLogger };
}

function rawHeaders(options: RequestOptions): string[] {
  const raw: string[] = [];
  const given = options.headers ?? {};
  const pairs: Iterable<readonly [string, string | readonly string[]]> = Array.isArray(given) ? given : Object.entries(given);
  for (const [name, value] of pairs) {
    for (const v of typeof value === 'string' ? [value] : value) raw.push(name, v);
  }
  if (options.body !== undefined && !raw.some((n, i) => i % 2 === 0 && n.toLowerCase() === 'content-length')) {
    raw.push('Content-Length', String(typeof options.body === 'string' ? Buffer.byteLength(options.body) : options.body.byteLength));
  }
  return raw;
}
