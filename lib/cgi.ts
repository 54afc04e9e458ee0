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

import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { percentDecode } from './plumbing/url.ts';
import { LoomError } from './errors.ts';
import { runCGI } from './cgi-process.ts';
import { errorPage, notFound } from './pages.ts';
import { Registry } from './static/registry.ts';
import { NOT_DONE_YET, Resource, type IResource, type RenderResult } from './resource.ts';
import type { Request } from './request.ts';
import { VERSION } from './plumbing/version.ts';

/** Server environment variables a CGI program gets unless told otherwise. */
export const DEFAULT_PASS_ENV: readonly string[] = ['PATH'];

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

function fileNotFound(): IResource {
  return notFound('No Such Resource', 'File not found.');
}
