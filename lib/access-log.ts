/**
 * @module
 * The access log: one line per finished request, in the combined log format that log
 * analysers read.
 *
 *     "127.0.0.1" - - [21/Nov/2026:19:26:33 +0000] "GET /hello.txt HTTP/1.1" 200 12 "-" "curl/7.88.1"
 *
 * Twisted counterpart: `twisted.web.http.combinedLogFormatter`,
 * `proxiedLogFormatter` and `HTTPFactory.log`. Kept from Twisted: the quoted client
 * address, `-` for a zero-length body, UTC timestamps refreshed once a second, fields
 * escaped like a Python bytes repr, and only finished requests are logged.
 * Loom differs: the timestamp comes from the Site's injected clock, so tests can pin it;
 * and a log that cannot be written (the disk is full) is said once in the Site's log and
 * then skipped, so the server keeps serving (a stream's unhandled 'error' event would
 * otherwise end the process).
 * Tests: `test/access-log.test.ts`. Lesson 14 (access-logging) teaches it.
 */

import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { Clock } from './clock.ts';
import type { Logger } from './logger.ts';
import { kUseClock } from './plumbing/symbols.ts';
import type { Request } from './request.ts';

/** Turns a finished request into one log line (without the newline). */
export type LogFormatter = (timestamp: string, request: Request) => string;

// #region access-log-combined
/** The combined log format, with the client address taken from the connection. */
export function combinedLogFormatter(timestamp: string, request: Request): string {
  const client = request.getClientAddress();
  const ip = client.type === 'UNIX' ? '-' : client.host;
  return formatLine(ip, timestamp, request);
}

/**
 * The combined log format for a server behind a proxy: the client address is the first
 * entry of `X-Forwarded-For`, or `-` when there is none.
 */
export function proxiedLogFormatter(timestamp: string, request: Request): string {
  const forwarded = request.getHeader('x-forwarded-for');
  const ip = forwarded === undefined ? '-' : forwarded.split(',')[0]!.trim();
  return formatLine(ip, timestamp, request);
}

function formatLine(ip: string, timestamp: string, request: Request): string {
  const length = request.sentLength === 0 ? '-' : String(request.sentLength);
  return `"${escapeField(ip)}" - - ${timestamp} "${escapeField(request.method)} ${escapeField(request.uri)} ` +
    `${escapeField(request.clientproto)}" ${request.code} ${length} ` +
    `"${escapeField(request.getHeader('referer') ?? '-')}" "${escapeField(request.getHeader('user-agent') ?? '-')}"`;
}
// #endregion access-log-combined

/**
 * Escape a field the way a Python bytes repr does (Twisted's rule): backslash, `"` and
 * control characters are escaped, and each byte outside printable ASCII becomes `\xNN`,
 * so a client cannot forge log lines or break the format.
 */
export function escapeField(text: string): string {
  if (/^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/.test(text)) return text; // the common case: nothing to do
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    if (byte === 0x5c) out += '\\\\';
    else if (byte === 0x22) out += '\\"';
    else if (byte === 0x09) out += '\\t';
    else if (byte === 0x0a) out += '\\n';
    else if (byte === 0x0d) out += '\\r';
    else if (byte < 0x20 || byte > 0x7e) out += `\\x${byte.toString(16).padStart(2, '0')}`;
    else out += String.fromCharCode(byte);
  }
  return out;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `[21/Nov/2026:19:26:33 +0000]` for `seconds` since the epoch, always in UTC. */
export function logTimestamp(seconds: number): string {
  const d = new Date(Math.floor(seconds) * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `[${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000]`;
}

/** Options for {@link AccessLog}. */
export interface AccessLogOptions {
  /** @default combinedLogFormatter */
  formatter?: LogFormatter;
}

// #region access-log-writer
/** Writes one formatted line per finished request to a file (appended) or a stream. */
export class AccessLog {
  readonly #out: Writable;
  readonly #ownsStream: boolean;
  readonly #formatter: LogFormatter;
  #clock: Clock | null = null;
  #logger: Logger | null = null;
  // Set by the first write error: from then on lines are dropped, not written.
  #broken: Error | null = null;
  #second = -1;
  #stamp = '';

  /** `destination` is a file path (opened for appending) or a writable stream. */
  constructor(destination: string | Writable, options: AccessLogOptions = {}) {
    this.#ownsStream = typeof destination === 'string';
    this.#out = typeof destination === 'string' ? createWriteStream(destination, { flags: 'a' }) : destination;
    this.#formatter = options.formatter ?? combinedLogFormatter;
    // A stream error with no listener would end the process: a full disk must not stop the server.
    // (Only a real stream can fail: a bare `{ write }` stand-in has no events.)
    if (typeof this.#out.on === 'function') this.#out.on('error', (error: Error) => this.#fail(error));
  }

  /** The Site hands over its clock, so log times follow it, and its logger, for write errors. */
  [kUseClock](clock: Clock, logger?: Logger): void {
    this.#clock = clock;
    this.#logger = logger ?? null;
  }

  /** The write error that stopped this log, or null while it is writing. */
  get error(): Error | null {
    return this.#broken;
  }

  /** Log a finished request (dropped once the log has failed). */
  log(request: Request): void {
    if (this.#broken !== null) return;
    this.#out.write(`${this.#formatter(this.#timestamp(), request)}\n`);
  }

  /** Close the file, if this log opened it. */
  close(): Promise<void> {
    if (!this.#ownsStream || this.#broken !== null) return Promise.resolve();
    return new Promise((resolve) => this.#out.end(resolve));
  }

  /** Say it once, then drop lines: logging every failed line would flood the server log. */
  #fail(error: Error): void {
    if (this.#broken !== null) return;
    this.#broken = error;
    const message = `The access log cannot be written (${(error as NodeJS.ErrnoException).code ?? error.message}); requests are still served, but not logged until the server restarts.`;
    if (this.#logger === null) process.stderr.write(`${message}\n`);
    else this.#logger.error(message);
  }

  // Formatting a date is not free and a busy server logs thousands of lines a second:
  // the timestamp is rebuilt only when the second changes.
  #timestamp(): string {
    const now = Math.floor(this.#clock === null ? Date.now() / 1000 : this.#clock.seconds());
    if (now !== this.#second) {
      this.#second = now;
      this.#stamp = logTimestamp(now);
    }
    return this.#stamp;
  }
}
// #endregion access-log-writer
