/**
 * @module
 * Running a gateway application as a CGI script, and writing a response in CGI's
 * format (which SCGI and FastCGI share).
 *
 * A CGI server starts a new process for every request, with the request in environment
 * variables and the body on standard input; the script writes `Status:` and header
 * lines, a blank line and the body to standard output. `runCGI(application)` is the
 * whole script: it builds the environ from `process.env`, gives the application a
 * blocking input over stdin, and writes what it answers to stdout. Any CGI-capable
 * server can then run it: Loom's `CGIScript`, Apache, nginx through fcgiwrap.
 *
 * Twisted counterpart: none in Twisted; Python's `wsgiref.handlers.CGIHandler`. Loom
 * differs: only the request's variables reach the application (`environFromCgi`), not
 * the whole environment of the server that started the script.
 * Tests: `test/gateway/cgi.test.ts`, and the same-answer suite `test/gateway/servers.test.ts`.
 */

import { readSync, writeSync } from 'node:fs';
import { errorHTML } from '../pages.ts';
import { completeEnviron, environFromCgi } from './environ.ts';
import { ApplicationRun, type ResponseOutput } from './handler.ts';
import { BlockingInput, LogErrorStream } from './input.ts';
import type { Application, Header } from './spec.ts';

/** How a CGI script runs an application: one request per process. */
const CGI_FLAGS = { multithread: false, multiprocess: true, runOnce: true } as const;
const READ_SIZE = 64 * 1024;

// #region gateway-cgi-head
/** The head of a CGI response: a `Status:` line, the headers, and the blank line. */
export function cgiHead(code: number, reason: string, headers: readonly Header[]): string {
  let head = `Status: ${code} ${reason}\r\n`;
  for (const [name, value] of headers) head += `${name}: ${value}\r\n`;
  return `${head}\r\n`;
}
// #endregion gateway-cgi-head

/** The status, headers and page a gateway sends when the application failed before any output. */
export function errorResponse(): { head: string; body: string } {
  const body = errorHTML(500, 'Processing Failed', 'The server could not answer this request. The error has been logged.');
  return { head: cgiHead(500, 'Internal Server Error', [['Content-Type', 'text/html; charset=utf-8']]), body };
}

/** Where a CGI script reads and writes; the defaults are the process's own. */
export interface CGIOptions {
  /** @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** @default 0 (standard input) */
  stdin?: number;
  /** @default 1 (standard output) */
  stdout?: number;
  /** @default 2 (standard error) */
  stderr?: number;
}

// #region gateway-cgi-run
/**
 * Answer the one request this CGI process was started for. Call it as the last line of
 * the script. Returns false when the application failed (the exit code is set to 1).
 *
 * @example
 * #!/usr/bin/env -S npx tsx
 * import { runCGI } from 'loom-web';
 * import { application } from './app.ts';
 * runCGI(application);
 */
export function runCGI(app: Application, options: CGIOptions = {}): boolean {
  const vars = options.env ?? process.env;
  const stdout = options.stdout ?? 1;
  const stderr = options.stderr ?? 2;
  const input = new BlockingInput(stdinReader(options.stdin ?? 0, Number(vars.CONTENT_LENGTH ?? '') || 0));
  const errors = new LogErrorStream((text) => writeAll(stderr, `${text}${text.endsWith('\n') ? '' : '\n'}`));
  const environ = completeEnviron(environFromCgi(vars), input, errors, CGI_FLAGS);
  const run = new ApplicationRun(app, environ, new FileOutput(stdout));
  let failure: unknown = null;
  try {
    run.start();
    while (run.step());
    run.end();
  } catch (error) {
    failure = error;
  }
  failure = run.closeAfter(failure);
  if (failure === null) return true;
  writeAll(stderr, `Gateway application error in ${environ.REQUEST_METHOD} ${environ.SCRIPT_NAME}${environ.PATH_INFO}:${describeError(failure)}\n`);
  // Once output began, the status is gone: the best a script can do is stop.
  if (!run.headSent) {
    const { head, body } = errorResponse();
    writeAll(stdout, head + body);
  }
  process.exitCode = 1;
  return false;
}
// #endregion gateway-cgi-run

/** Reads at most `length` bytes of standard input (CONTENT_LENGTH): past it, a CGI body has ended. */
function stdinReader(fd: number, length: number): () => Uint8Array | null {
  let left = length;
  return () => {
    if (left <= 0) return null;
    const buffer = Buffer.allocUnsafe(Math.min(left, READ_SIZE));
    const got = retryOnAgain(() => readSync(fd, buffer, 0, buffer.length, null));
    if (got === 0) {
      left = 0;
      return null;
    }
    left -= got;
    return buffer.subarray(0, got);
  };
}

/** Output that writes straight to a file descriptor, blocking: a CGI script has nothing else to do. */
class FileOutput implements ResponseOutput {
  readonly #fd: number;

  constructor(fd: number) {
    this.#fd = fd;
  }

  head(code: number, reason: string, headers: Header[]): void {
    writeAll(this.#fd, cgiHead(code, reason, headers));
  }

  body(chunk: Uint8Array): void {
    writeAll(this.#fd, chunk);
  }

  flush(): void {}
}

function writeAll(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  let done = 0;
  while (done < bytes.byteLength) done += retryOnAgain(() => writeSync(fd, bytes, done, bytes.byteLength - done));
}

/**
 * Run a read or write, retrying while it fails with EAGAIN: a pipe Node has made
 * non-blocking reports "try again" instead of waiting, so wait a moment and try again.
 */
function retryOnAgain(io: () => number): number {
  for (;;) {
    try {
      return io();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? `\n${error.stack ?? error.message}` : ` ${String(error)}`;
}
