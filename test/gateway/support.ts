/**
 * Helpers shared by the gateway tests: naming a fixture application, a sink that records
 * a call's response and lets a test wait for what it is waiting for (no timers), a body
 * the test drips piece by piece, and a logger the test can wait on.
 */
import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { appRef } from '../../lib/gateway/loader.ts';
import type { CallSink } from '../../lib/gateway/call.ts';
import type { AppRef, Header } from '../../lib/gateway/spec.ts';
import type { Logger } from '../../lib/logger.ts';
import { within } from '../support/within.ts';

export const FIXTURES = new URL('./fixtures/apps.ts', import.meta.url);

/** The fixture application exported as `name`. */
export function fixture(name: string): AppRef {
  return appRef(FIXTURES, name);
}

/** Something that changes, and promises that resolve when a condition on it holds. */
class Watched {
  #waiters: { test: () => boolean; resolve: () => void }[] = [];

  /** Resolve once `test()` is true (checked now and after every change). */
  until(test: () => boolean): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ test, resolve }));
  }

  protected changed(): void {
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.test()) return true;
      w.resolve();
      return false;
    });
  }
}

/** A call sink that records everything. */
export class RecordingSink extends Watched implements CallSink {
  status: { code: number; reason: string; headers: Header[] } | null = null;
  readonly chunks: Buffer[] = [];
  readonly logged: string[] = [];
  ended = false;
  failure: { error: Error; headSent: boolean } | null = null;
  /** When false, `write` reports a full buffer until `drain()` is called. */
  room = true;
  #drainListeners: (() => void)[] = [];

  get text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }

  get settled(): boolean {
    return this.ended || this.failure !== null;
  }

  head(code: number, reason: string, headers: Header[]): void {
    this.status = { code, reason, headers };
    this.changed();
  }

  write(chunk: Uint8Array): boolean {
    this.chunks.push(Buffer.from(chunk));
    this.changed();
    return this.room;
  }

  onDrain(listener: () => void): void {
    this.#drainListeners.push(listener);
  }

  drain(): void {
    this.room = true;
    for (const l of this.#drainListeners.splice(0)) l();
  }

  end(): void {
    this.ended = true;
    this.changed();
  }

  fail(error: Error, headSent: boolean): void {
    this.failure = { error, headSent };
    this.changed();
  }

  log(text: string): void {
    this.logged.push(text);
    this.changed();
  }

  done(): Promise<void> {
    return this.until(() => this.settled);
  }
}

/** A request body the test sends piece by piece, as an async iterable. */
export class Drip implements AsyncIterable<Uint8Array> {
  readonly #pieces: (Uint8Array | null)[] = [];
  #wake: (() => void) | null = null;

  push(piece: string | Uint8Array): void {
    this.#pieces.push(typeof piece === 'string' ? Buffer.from(piece) : piece);
    this.#wake?.();
  }

  end(): void {
    this.#pieces.push(null);
    this.#wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      while (this.#pieces.length === 0) await new Promise<void>((resolve) => (this.#wake = resolve));
      const piece = this.#pieces.shift()!;
      if (piece === null) return;
      yield piece;
    }
  }
}

/** A logger whose messages a test can wait for. */
export class WatchedLogger extends Watched implements Logger {
  readonly messages: { level: string; message: string; error?: unknown }[] = [];

  info(message: string): void {
    this.messages.push({ level: 'info', message });
    this.changed();
  }

  warn(message: string): void {
    this.messages.push({ level: 'warn', message });
    this.changed();
  }

  error(message: string, error?: unknown): void {
    this.messages.push({ level: 'error', message, error });
    this.changed();
  }

  /**
   * Resolve once a message containing `text` was logged; reject after `ms` with what the
   * log holds, so a missing line fails in seconds and says why.
   */
  sees(text: string, ms = 5_000): Promise<void> {
    return within(this.until(() => this.has(text)), ms, `the log to show "${text}"`,
      () => this.messages.map((m) => `  [${m.level}] ${m.message}`).join('\n'));
  }

  has(text: string): boolean {
    return this.messages.some((m) => m.message.includes(text));
  }
}

/** A minimal CGI environ for calls made straight to a pool. */
export function cgi(extra: Record<string, string> = {}): Record<string, string> {
  return {
    REQUEST_METHOD: 'GET', SCRIPT_NAME: '', PATH_INFO: '/', QUERY_STRING: '', CONTENT_TYPE: '', CONTENT_LENGTH: '',
    SERVER_NAME: 'localhost', SERVER_PORT: '80', SERVER_PROTOCOL: 'HTTP/1.1', ...extra,
  };
}

/** What came back over a real socket, raw headers and all. */
export interface RawAnswer {
  readonly status: number;
  readonly reason: string;
  /** Node's flat `[name, value, …]` array, repeated names kept. */
  readonly rawHeaders: string[];
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
  /** True when the connection was cut before the response ended. */
  readonly cut: boolean;
}

/** Send one request with node:http (no connection reuse) and collect the answer, even a cut one. */
export function send(url: string, options: { method?: string; headers?: Record<string, string>; body?: string | Uint8Array } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let cut = false;
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('aborted', () => (cut = true));
      res.on('error', () => (cut = true));
      res.on('close', () => resolve({
        status: res.statusCode ?? 0, reason: res.statusMessage ?? '', rawHeaders: res.rawHeaders, headers: res.headers,
        body: Buffer.concat(chunks), cut: cut || !res.complete,
      }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const SCRIPT = fileURLToPath(new URL('./fixtures/app.cgi.ts', import.meta.url));

/** What a CGI script printed, split into its head lines and body. */
export interface CGIOutput {
  lines: string[];
  body: Buffer;
  stderr: string;
  exitCode: number | null;
}

/** Run the fixture CGI script (test/gateway/fixtures/app.cgi.ts) as a CGI server would: a fresh process, CGI variables, the body on stdin. */
export function runScript(env: Record<string, string>, body = ''): Promise<CGIOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], {
      env: { PATH: process.env.PATH ?? '', ...env, CONTENT_LENGTH: env.CONTENT_LENGTH ?? String(Buffer.byteLength(body)) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (exitCode) => {
      const all = Buffer.concat(out);
      const split = all.indexOf('\r\n\r\n');
      resolve({ lines: all.toString('latin1', 0, split).split('\r\n'), body: all.subarray(split + 4), stderr: Buffer.concat(err).toString(), exitCode });
    });
    child.stdin.end(body);
  });
}

