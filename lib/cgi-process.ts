/**
 * @module
 * Running a CGI program for one request: spawn it with the request's environment, feed
 * the body to its standard input, read its header block and stream the rest of its
 * output as the response, log what it writes to standard error, and stop it (with
 * everything it started) when the client goes away.
 *
 * Twisted counterpart: `twisted.web.twcgi.CGIProcessProtocol`. The resources that
 * decide which program runs and with what environment are in lib/cgi.ts; as-is files
 * (lib/asis.ts) share `applyHeaderBlock`. Loom differs as lib/cgi.ts lists: an explicit
 * `Status` wins over `Location`'s 302, framing headers are dropped, a header block over
 * 64 KiB is refused, and a program whose client left is stopped (SIGTERM, then SIGKILL).
 * Tests: `test/cgi-process.test.ts`, `test/cgi.test.ts`. Lesson 26 (cgi-and-asis) teaches it.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { LoomError } from './errors.ts';
import { errorPage } from './pages.ts';
import { findHeaderEnd, parseHeaderLine, parseStatus } from './plumbing/header-block.ts';
import { processingFailed, render } from './render.ts';
import type { IResource } from './resource.ts';
import type { Request } from './request.ts';

/** How long a program may run after SIGTERM (the client left) before SIGKILL. */
const KILL_GRACE_MS = 5_000;

/** A header block longer than this is an error (a program that never ends its headers). */
const MAX_HEADER_BYTES = 64 * 1024;

// #region cgi-run
/**
 * Run `command args` for `request`: body to stdin (then closed), stdout parsed as
 * headers then streamed as the body, stderr logged. The program gets its own process
 * group, so stopping it also stops anything it started (a shell script's `sleep`).
 */
export function runCGI(resource: IResource, command: string, args: readonly string[], env: Record<string, string>, cwd: string, request: Request): void {
  const child = spawn(command, args, { env, cwd, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  const run = new CGIRun(resource, command, request, child);
  child.on('error', (error) => run.failedToStart(error));
  child.stdout.on('data', (chunk: Buffer) => run.output(chunk));
  child.stderr.on('data', (chunk: Buffer) => run.errorOutput(chunk));
  child.on('close', (code, signal) => run.ended(code, signal));
  feedStdin(child, request);
  if (!request.finished) request.signal.addEventListener('abort', () => run.clientLeft(), { once: true });
}
// #endregion cgi-run

/** Write the request body to the program's stdin in pieces, then close it (EOF). */
function feedStdin(child: ChildProcess, request: Request): void {
  const stdin = child.stdin!;
  stdin.on('error', () => {}); // EPIPE: the program exited without reading its input, which is allowed.
  const content = request.content;
  let position = 0;
  const pump = (): void => {
    while (position < content.length) {
      if (stdin.destroyed || request.finished) return;
      content.seek(position);
      const piece = content.read(64 * 1024);
      position += piece.length;
      if (!stdin.write(piece)) {
        stdin.once('drain', pump);
        return;
      }
    }
    stdin.end();
  };
  pump();
}

/** The state of one run of a CGI program. Twisted's `CGIProcessProtocol`. */
class CGIRun {
  readonly #resource: IResource;
  readonly #command: string;
  readonly #request: Request;
  readonly #child: ChildProcess;
  /** Header bytes received so far; `null` once the header block has ended. */
  #head: Buffer | null = Buffer.alloc(0);
  #stderr = '';
  #done = false;
  #killTimer: NodeJS.Timeout | null = null;

  constructor(resource: IResource, command: string, request: Request, child: ChildProcess) {
    this.#resource = resource;
    this.#command = command;
    this.#request = request;
    this.#child = child;
  }

  // #region cgi-output
  /** A chunk of stdout: more header text until the blank line, then body bytes. */
  output(chunk: Buffer): void {
    if (this.#done) return;
    if (this.#head === null) {
      this.#write(chunk);
      return;
    }
    const text = this.#head.length === 0 ? chunk : Buffer.concat([this.#head, chunk]);
    const end = findHeaderEnd(text);
    if (end === null) {
      this.#head = text;
      if (text.length > MAX_HEADER_BYTES) {
        this.#done = true;
        this.#signal('SIGTERM');
        this.#log('error', `CGI ${this.#request.uri}: the header block is longer than ${MAX_HEADER_BYTES} bytes; stopping the program.`);
        this.#answerError('CGI Script Error', 'The script sent more header text than the server accepts.');
      }
      return;
    }
    this.#head = null;
    try {
      applyHeaderBlock(this.#request, text.subarray(0, end.at).toString('latin1'), (message) => this.#log('warn', `CGI ${this.#request.uri}: ${message}`));
    } catch (error) {
      // This runs in a stream event: an exception escaping here would end the server.
      this.#done = true;
      this.#signal('SIGTERM');
      processingFailed(this.#request, error, this.#resource);
      return;
    }
    const rest = text.subarray(end.at + end.length);
    // Even with no body yet, send the headers now: a slow program's client sees the status early.
    this.#write(rest);
  }

  /** Send body bytes; when the client's buffer is full, pause the program until it drains. */
  #write(chunk: Buffer): void {
    const request = this.#request;
    if (request.finished || request.channel.lost) return;
    if (!request.write(chunk)) {
      this.#child.stdout!.pause();
      void request.waitForDrain().then(() => this.#child.stdout!.resume());
    }
  }
  // #endregion cgi-output

  errorOutput(chunk: Buffer): void {
    if (this.#stderr.length < 8192) this.#stderr += chunk.toString('utf8');
  }

  failedToStart(error: Error): void {
    if (this.#done) return;
    this.#done = true;
    const hint = (error as NodeJS.ErrnoException).code === 'EACCES' ? ' Is it executable (chmod +x)?' : '';
    processingFailed(this.#request, new LoomError('LOOM_ERR_CGI_SPAWN',
      `Could not run the CGI program ${this.#command} for ${this.#request.uri}: ${error.message}.${hint}`, { cause: error }), this.#resource);
  }

  // #region cgi-ended
  /** The program has exited and its output is all read: report, then finish the response. */
  ended(code: number | null, signal: NodeJS.Signals | null): void {
    this.#cancelKill();
    if (this.#done) return;
    this.#done = true;
    const uri = this.#request.uri;
    if (code !== 0 && code !== null) this.#log('warn', `CGI ${uri} exited with code ${code}.`);
    if (signal !== null) this.#log('warn', `CGI ${uri} was ended by ${signal}.`);
    if (this.#stderr !== '') this.#log('warn', `Errors from CGI ${uri}:\n${this.#stderr.trimEnd()}`);
    if (this.#head !== null) {
      this.#log('error', `Premature end of script headers in ${uri}: ${JSON.stringify(this.#head.toString('latin1').slice(0, 200))}`);
      this.#answerError('CGI Script Error', 'Premature end of script headers.');
      return;
    }
    if (!this.#request.finished && !this.#request.channel.lost) this.#request.finish();
  }
  // #endregion cgi-ended

  // #region cgi-client-left
  /** The client went away: stop the program (and its children), politely first. */
  clientLeft(): void {
    if (this.#done) return;
    this.#done = true;
    this.#signal('SIGTERM');
    this.#killTimer = setTimeout(() => this.#signal('SIGKILL'), KILL_GRACE_MS);
    this.#killTimer.unref();
    this.#child.once('exit', () => this.#cancelKill());
  }
  // #endregion cgi-client-left

  #signal(signal: NodeJS.Signals): void {
    const pid = this.#child.pid;
    if (pid === undefined || this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    try {
      process.kill(-pid, signal); // the whole group: the program and anything it started
    } catch {
      // Already gone.
    }
  }

  #cancelKill(): void {
    if (this.#killTimer !== null) clearTimeout(this.#killTimer);
    this.#killTimer = null;
  }

  /** Answer 500 with a CGI error page, or cut the connection if the headers are already out. */
  #answerError(brief: string, detail: string): void {
    const request = this.#request;
    if (request.finished || request.channel.lost) return;
    if (request.startedWriting) {
      request.loseConnection();
      return;
    }
    request.responseHeaders.removeHeader('content-length');
    render(request, errorPage(500, brief, detail));
  }

  #log(level: 'warn' | 'error', message: string): void {
    const logger = this.#request.site?.logger;
    if (logger !== undefined) logger[level](message);
  }
}

// #region cgi-headers
/**
 * Apply a CGI header block to the response: `Status` sets the code (and phrase),
 * `Location` implies 302 unless a `Status` says otherwise, and every other header is
 * added (repeats kept) except those Loom writes itself. Lines that are not headers are
 * reported to `warn` and skipped. `statusGiven` says a status line came first (as-is
 * files, lib/asis.ts), which a `Location` does not override.
 */
export function applyHeaderBlock(request: Request, block: string, warn: (message: string) => void, statusGiven = false): void {
  let status: { code: number; message: string | undefined } | null = null;
  let location = false;
  for (const line of block.split(/\r\n|\r|\n/)) {
    const header = parseHeaderLine(line);
    if (header === null) {
      warn(`ignoring a malformed header line: ${JSON.stringify(line)}`);
      continue;
    }
    const lower = header.name.toLowerCase();
    if (lower === 'status') {
      status = parseStatus(header.value);
      if (status === null) warn(`ignoring an invalid Status header: ${JSON.stringify(header.value)}`);
      continue;
    }
    if (lower === 'location') location = true;
    if (!IGNORED_HEADERS.has(lower)) request.responseHeaders.addRawHeader(lower, header.value);
  }
  if (status !== null) request.setResponseCode(status.code, status.message);
  else if (location && !statusGiven) request.setResponseCode(302);
  request.defaultContentType = null; // the program said what it sends; add nothing
}
// #endregion cgi-headers

/** Response headers a program may not set: Loom writes Server and Date, and frames the body itself. */
const IGNORED_HEADERS: ReadonlySet<string> = new Set(['server', 'date', 'content-length', 'transfer-encoding', 'connection', 'keep-alive']);
