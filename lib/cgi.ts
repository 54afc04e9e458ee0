/**
 * @module
 * CGI: answering a request by running a program. The request becomes environment
 * variables (`REQUEST_METHOD`, `QUERY_STRING`, `HTTP_ACCEPT`, …) and standard input (the
 * body); the program's standard output is a block of header lines, a blank line, and the
 * body, which streams to the client as the program writes it.
 *
 * `CGIScript` runs an executable file; `FilteredScript` runs an interpreter on a file
 * that is not itself executable (`PHPScript` is one, for `php-cgi`); `CGIDirectory`
 * serves a folder of programs.
 *
 * Twisted counterpart: `twisted.web.twcgi` (`CGIScript`, `FilteredScript`,
 * `CGIDirectory`, `CGIProcessProtocol`). Loom differs:
 * - extra path after the script (`/env.cgi/extra/path`) becomes `PATH_INFO`, where
 *   Twisted on Python 3 answers 500;
 * - the program gets the CGI variables, `PATH` and what the operator lists, not the
 *   server's whole environment, because that leaks secrets (keys, tokens) to every
 *   script; the `Proxy` header is never passed at all (httpoxy), and header names with
 *   `_` are dropped (Apache's rule), so `X_Forwarded_For` cannot pose as
 *   `X-Forwarded-For`;
 * - repeated request headers are joined (`, `, or `; ` for cookies) as RFC 3875 asks,
 *   where Twisted keeps the last;
 * - `Status: 404 Gone Fishing` keeps its reason phrase, and an explicit `Status` wins
 *   over the 302 that `Location` implies, whichever comes first (RFC 3875 §6.3);
 * - header lines need only a colon (`Name:value`), as RFC 3875 allows; the program's
 *   `Content-Length`, `Transfer-Encoding` and `Connection` are dropped because Loom
 *   frames the body itself;
 * - when the client goes away, the program (its whole process group) is stopped with
 *   SIGTERM, then SIGKILL, instead of being left running.
 * Left out, as in Twisted: NPH (`nph-`) scripts.
 * Tests: `test/cgi.test.ts`. Lesson 26 (cgi-and-asis) teaches it.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { percentDecode } from './plumbing/args.ts';
import { LoomError } from './errors.ts';
import { errorPage, notFound } from './pages.ts';
import { Registry } from './static/registry.ts';
import { processingFailed, render } from './render.ts';
import { NOT_DONE_YET, Resource, type IResource, type RenderResult } from './resource.ts';
import type { Request } from './request.ts';
import { VERSION } from './site.ts';

/** Server environment variables a CGI program gets unless told otherwise. */
export const DEFAULT_PASS_ENV: readonly string[] = ['PATH'];

/** How long a program may run after SIGTERM (the client left) before SIGKILL. */
const KILL_GRACE_MS = 5_000;

/** A header block longer than this is an error (a program that never ends its headers). */
const MAX_HEADER_BYTES = 64 * 1024;

/** Options for {@link CGIScript} and its subclasses. */
export interface CGIOptions {
  /** Extra environment variables, e.g. `{ LANG: 'C.UTF-8' }`. The CGI variables win over these. */
  env?: Readonly<Record<string, string>>;
  /** Names of the server's own environment variables to hand on. @default ['PATH'] */
  passEnv?: readonly string[];
}

// #region cgi-script
/**
 * A CGI program: each request runs it once. It is a leaf, so any path below it becomes
 * `PATH_INFO`. A query string without `=` (an ISINDEX query, `?foo+bar`) is also given
 * as command-line arguments, as RFC 3875 §4.4 says.
 *
 * @example
 * root.putChild('env.cgi', new CGIScript('/srv/cgi-bin/env.cgi'));
 */
export class CGIScript extends Resource {
  override isLeaf = true;
  /** The program (or, for a FilteredScript, the file the filter runs). */
  readonly filename: string;
  readonly registry: Registry;
  readonly options: CGIOptions;

  constructor(filename: string, registry: Registry = new Registry(), options: CGIOptions = {}) {
    super();
    this.filename = filename;
    this.registry = registry;
    this.options = options;
  }

  /** Every method is handed to the program, which decides what it answers. */
  override render(request: Request): RenderResult {
    const env = cgiEnvironment(request, this.filename, this.options);
    // A NUL (from `%00`) cannot be put in an environment variable or an argument.
    if (Object.values(env).some((value) => value.includes('\0'))) {
      return errorPage(400, 'Bad Request', 'The request contains a NUL character, which cannot be passed to a CGI program.').render(request);
    }
    this.runProcess(env, request, isindexArguments(request.uri));
    return NOT_DONE_YET;
  }

  /**
   * Start the program with `env` and feed it `request`. Override to run something else
   * (see {@link FilteredScript}); the program's directory is its working directory.
   */
  runProcess(env: Record<string, string>, request: Request, qargs: readonly string[]): void {
    runCGI(this, this.filename, qargs, env, dirname(this.filename), request);
  }
}
// #endregion cgi-script

// #region cgi-filtered-script
/**
 * A file run by an interpreter: `filter filename [isindex arguments]`. Subclass it and
 * set `filter`, or pass `{ filter }`:
 *
 * @example
 * class PerlScript extends FilteredScript {
 *   override filter = '/usr/bin/perl';
 * }
 */
export class FilteredScript extends CGIScript {
  /** The interpreter to run. Twisted's default, `cat`, shows the file (as its own headers and body). */
  filter = '/usr/bin/cat';

  constructor(filename: string, registry: Registry = new Registry(), options: CGIOptions & { filter?: string } = {}) {
    super(filename, registry, options);
    if (options.filter !== undefined) this.filter = options.filter;
  }

  override runProcess(env: Record<string, string>, request: Request, qargs: readonly string[]): void {
    runCGI(this, this.filter, [this.filename, ...qargs], env, dirname(this.filename), request);
  }
}
// #endregion cgi-filtered-script

/**
 * A PHP page, run by Debian's `php-cgi` (`apt-get install php-cgi`). `php-cgi` refuses
 * to run unless it sees `REDIRECT_STATUS`, its sign that a web server (not a visitor)
 * started it, so this sets it.
 */
export class PHPScript extends FilteredScript {
  override filter = 'php-cgi';

  override runProcess(env: Record<string, string>, request: Request, qargs: readonly string[]): void {
    env.REDIRECT_STATUS = '200';
    super.runProcess(env, request, qargs);
  }
}

// #region cgi-directory
/**
 * A folder of CGI programs: each file is a {@link CGIScript}, each subfolder another
 * `CGIDirectory`. There is no listing: the folder itself answers 404.
 */
export class CGIDirectory extends Resource {
  readonly path: string;
  readonly registry: Registry;
  readonly options: CGIOptions;

  constructor(path: string, registry: Registry = new Registry(), options: CGIOptions = {}) {
    super();
    this.path = path;
    this.registry = registry;
    this.options = options;
  }

  override getChild(name: string, _request: Request): IResource {
    // Security: one decoded segment must name an entry of this folder, never step out.
    if (name === '..' || name.includes('/') || name.includes('\\') || name.includes('\0')) return fileNotFound();
    if (name === '' || name === '.') return this;
    const child = join(this.path, name);
    const stat = statSync(child, { throwIfNoEntry: false });
    if (stat === undefined) return fileNotFound();
    if (stat.isDirectory()) return new CGIDirectory(child, this.registry, this.options);
    return new CGIScript(child, this.registry, this.options);
  }

  override render(request: Request): Uint8Array {
    return NO_LISTING.render(request);
  }
}
// #endregion cgi-directory

const NO_LISTING = errorPage(404, 'No Such Resource', 'CGI directories do not support directory listing.');

// #region cgi-environment
/**
 * The environment a CGI program runs with (RFC 3875 §4.1): the request as meta-variables,
 * each request header as `HTTP_NAME`, then only the server variables the options name.
 */
export function cgiEnvironment(request: Request, filename: string, options: CGIOptions = {}): Record<string, string> {
  const env: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const name of options.passEnv ?? DEFAULT_PASS_ENV) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, options.env);
  const q = request.uri.indexOf('?');
  const client = request.getClientAddress();
  env.SERVER_SOFTWARE = request.site?.serverHeader ?? `Loom/${VERSION}`;
  env.SERVER_NAME = request.getRequestHostname();
  env.GATEWAY_INTERFACE = 'CGI/1.1';
  env.SERVER_PROTOCOL = request.clientproto;
  env.SERVER_PORT = String(request.getHost().port);
  env.REQUEST_METHOD = request.method;
  env.SCRIPT_NAME = `/${request.prepath.join('/')}`;
  env.SCRIPT_FILENAME = filename;
  env.REQUEST_URI = request.uri;
  env.QUERY_STRING = q < 0 ? '' : request.uri.slice(q + 1);
  env.CONTENT_LENGTH = String(request.content.length);
  if (request.postpath.length > 0) env.PATH_INFO = `/${request.postpath.join('/')}`;
  if (client.type !== 'UNIX') {
    env.REMOTE_ADDR = client.host;
    env.REMOTE_PORT = String(client.port);
  }
  if (request.isSecure()) env.HTTPS = 'on';
  addHeaderVariables(env, request);
  return env;
}

/** `HTTP_USER_AGENT` and friends. Content-Type and Content-Length have their own names. */
function addHeaderVariables(env: Record<string, string>, request: Request): void {
  for (const [name, values] of request.requestHeaders.getAllRawHeaders()) {
    const lower = name.toLowerCase();
    if (lower === 'content-type') {
      env.CONTENT_TYPE = values[values.length - 1]!;
      continue;
    }
    // Proxy: httpoxy (CVE-2016-5385), an HTTP_PROXY many clients obey. Underscores:
    // `X_Real_IP` would otherwise collide with `X-Real-IP` in the variable name.
    if (lower === 'content-length' || lower === 'proxy' || !/^[A-Za-z0-9-]+$/.test(name)) continue;
    env[`HTTP_${lower.toUpperCase().replace(/-/g, '_')}`] = values.join(lower === 'cookie' ? '; ' : ', ');
  }
}
// #endregion cgi-environment

/**
 * The command-line arguments of an ISINDEX query (one with no `=`): `?foo+bar%20baz` →
 * `['foo', 'bar baz']`. Any other query gives none.
 */
export function isindexArguments(uri: string): string[] {
  const q = uri.indexOf('?');
  if (q < 0 || q === uri.length - 1) return [];
  const query = uri.slice(q + 1);
  if (query.includes('=')) return [];
  const words = query.split('+').map(percentDecode);
  return words.some((word) => word.includes('\0')) ? [] : words;
}

// ---- running the program -----------------------------------------------------------------

// #region cgi-run
/**
 * Run `command args` for `request`: body to stdin (then closed), stdout parsed as
 * headers then streamed as the body, stderr logged. The program gets its own process
 * group, so stopping it also stops anything it started (a shell script's `sleep`).
 */
function runCGI(resource: IResource, command: string, args: readonly string[], env: Record<string, string>, cwd: string, request: Request): void {
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

/**
 * Where the header block ends: the earliest blank line, whichever line ending the
 * program used (`\n\n`, `\r\n\r\n`, `\r\r`, or a mixed `\n\r\n`), as Twisted finds it.
 */
export function findHeaderEnd(bytes: Uint8Array): { at: number; length: number } | null {
  const LF = 10, CR = 13;
  for (let i = 0; i + 1 < bytes.length; i++) {
    const a = bytes[i], b = bytes[i + 1];
    if (a === LF && b === LF) return { at: i, length: 2 };
    if (a === LF && b === CR && bytes[i + 2] === LF) return { at: i, length: 3 };
    if (a === CR && b === CR) return { at: i, length: 2 };
    if (a === CR && b === LF && bytes[i + 2] === CR && bytes[i + 3] === LF) return { at: i, length: 4 };
  }
  return null;
}

/** `Name: value` → its parts; null for a line that is not a header (no colon, a bad name or value). */
export function parseHeaderLine(line: string): { name: string; value: string } | null {
  const colon = line.indexOf(':');
  if (colon <= 0) return null;
  const name = line.slice(0, colon);
  const value = line.slice(colon + 1).trim();
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || /[^\t\x20-\x7e\x80-\xff]/.test(value)) return null;
  return { name, value };
}

/**
 * `404 Not Found` → code 404 and its phrase; null when there is no valid three-digit
 * code. A 1xx is refused too: it is never a final answer, and a client would wait for one.
 */
export function parseStatus(value: string): { code: number; message: string | undefined } | null {
  const match = /^([2-9]\d\d)(?:\s+(.*))?$/.exec(value);
  if (match === null) return null;
  const message = match[2]?.trim();
  return { code: Number(match[1]), message: message === '' ? undefined : message };
}

function fileNotFound(): IResource {
  return notFound('No Such Resource', 'File not found.');
}
