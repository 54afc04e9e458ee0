/**
 * @module
 * `loom web`: serve a folder, a resource script, a class or a gateway application from
 * the command line.
 *
 * `loom web --path ./site` serves `./site` as a `File` tree in which `.rsx.ts` files are
 * resource scripts, `.cgi` files CGI programs and `.asis` files as-is responses. Options
 * that change that File (`--mime-type`, `--ignore-ext`, `--allow-ignore-ext`,
 * `--processor`) must come after `--path`, because they are applied in order, to the
 * root made so far; `--index` replaces the list of index names. The root options
 * (`--path`, `--resource-script`, `--class`, `--gateway`, `--user`) replace each other:
 * the last one wins.
 *
 * Spreading out: `--user` serves every user's `~/public_html` at `/~name/` and their
 * personal server at `/~name.loom/`; `--personal` serves the site as that personal
 * server, on `~/.loom-web.sock` unless `--listen` says otherwise; `--sessions
 * redis://…` keeps sessions in Redis so several processes share them, and `--log-format
 * proxied` logs the client address a proxy in front passed in `X-Forwarded-For`;
 * `--workers N` serves from N processes (lib/app/workers.ts).
 *
 * Twisted counterpart: `twisted.web.tap` (`twistd web`, `python -m twisted web`).
 * Loom differs:
 * - `.asis` is installed beside `.rsx.ts` (Twisted's `.rpy`) and `.cgi`; there is no `.epy`;
 * - `--path`, `--resource-script` and `--processor` check that what they name exists,
 *   so a typo is a usage error now rather than a 404 or a 500 later;
 * - `--processor .ext=MODULE:EXPORT` names a module file (or one of Loom's own exports,
 *   `--processor .php=PHPScript`) instead of a Python dotted name;
 * - `--gateway ./app.ts:application` (with `--gateway-threads N`) is Twisted's `--wsgi`;
 * - `--index` only applies to a `--path` root, and says so, where Twisted sets it on any
 *   root and nothing happens;
 * - `--https PORT` serves HTTP/2 and HTTP/1.1 (lib/plumbing/servers.ts), and
 *   `--certificate`/`--privkey` without it are a usage error, where Twisted ignores them;
 * - `--add-header` also reaches a leaf root (lib/app/add-headers.ts);
 * - access lines go to standard output unless `--logfile`;
 * - `--user` takes its users from `--passwd FILE` when given (a passwd-format file, for
 *   tests and for sites whose users are not the machine's); `--personal` speaks HTTP on
 *   `~/.loom-web.sock` (Twisted's Perspective Broker on `~/.twistd-web-pb`) and removes a
 *   socket left there by a server that died;
 * - `--sessions`, `--log-format`, `--workers` and the timeouts are Loom's (Twisted keeps
 *   sessions in one process, and has one idle `timeout`).
 * `--notracebacks` is kept, doing nothing, as in Twisted.
 * Tests: `test/app/web.test.ts` (in memory) and `test/app/cli.test.ts` (the real program).
 * Lesson 25 (running-a-server) teaches it; lesson 23 configures a File
 * the same way.
 */

import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { combinedLogFormatter, proxiedLogFormatter, type LogFormatter } from '../access-log.ts';
import { ASISProcessor } from '../asis.ts';
import { CGIScript } from '../cgi.ts';
import { PasswdFile } from '../distrib/passwd.ts';
import { ResourcePublisher, personalSocketPath, removeStaleSocket } from '../distrib/publisher.ts';
import { UserDirectory } from '../distrib/user-directory.ts';
import { assertNever, isLoomError } from '../errors.ts';
import { DEFAULT_TLS_KEY_FILE, formatEndpoint } from '../plumbing/endpoints.ts';
import { loadGatewayResource } from '../gateway/loader.ts';
import type { Logger } from '../logger.ts';
import { Resource, type IResource } from '../resource.ts';
import type { Request } from '../request.ts';
import { parseEndpoint } from '../plumbing/endpoints.ts';
import { ResourceScript, ResourceScriptWrapper } from '../script.ts';
import { RedisSessionStore } from '../session/redis.ts';
import type { SessionStore } from '../session/session.ts';
import { Site, type ListeningPort, type SiteOptions } from '../site.ts';
import { File, type Processor } from '../static/file.ts';
import { AddHeadersResource, parseAddedHeader, type AddedHeader } from './add-headers.ts';
import { compressRoot } from './compress.ts';
import { construct, loadExport, toProcessor } from './load.ts';
import { usageError, type CommandSpec } from './options.ts';

/** Where `loom web` listens when no `--listen` or `--port` is given (Twisted's default). */
export const DEFAULT_LISTEN = 'tcp:8080';

// #region web-default-processors
/**
 * The processors a `--path` root starts with: resource scripts, CGI programs and as-is
 * files. Twisted's `twistd web --path` installs `.rpy`, `.epy` and `.cgi`.
 */
export function defaultProcessors(): Map<string, Processor> {
  return new Map<string, Processor>([
    ['.rsx.ts', ResourceScript],
    ['.cgi', (path, registry) => new CGIScript(path, registry)],
    ['.asis', (path, registry) => new ASISProcessor(path, registry)],
  ]);
}
// #endregion web-default-processors

/** What the root of the site will be. Later root options replace earlier ones. */
export type RootChoice =
  | { readonly kind: 'demo' }
  | { readonly kind: 'path'; readonly file: File; readonly processors: Map<string, Processor>; readonly pending: PendingProcessor[] }
  | { readonly kind: 'resource-script'; readonly path: string }
  | { readonly kind: 'class'; readonly spec: string }
  | { readonly kind: 'gateway'; readonly spec: string }
  | { readonly kind: 'user' };

/** A `--processor` whose module is loaded when the site is built (loading is asynchronous). */
export interface PendingProcessor {
  readonly ext: string;
  readonly spec: string;
}

/** Everything `loom web`'s options say. */
export interface WebConfig {
  root: RootChoice;
  /** Endpoints from `--listen`, in order. */
  readonly listen: string[];
  /** Endpoints from `--port`, added after the `--listen` ones (as Twisted does). */
  readonly ports: string[];
  /** The port of `--https`, which becomes an `ssl:` endpoint after all the others. */
  https: number | null;
  /** `--certificate` and `--privkey`, for `--https` (null: Twisted's `server.pem`). */
  certificate: string | null;
  privkey: string | null;
  /** Headers from `--add-header`, in order. */
  readonly headers: AddedHeader[];
  /** `--compress`: Brotli or gzip for clients that take it (lib/app/compress.ts). */
  compress: boolean;
  /** Index names from `--index`; when any are given they replace the File's list. */
  readonly indexes: string[];
  logfile: string | null;
  displayTracebacks: boolean;
  gatewayThreads: number | null;
  /** `--timeout`, `--headers-timeout`, …: the Site's limits that were given (lib/timeouts.ts). */
  readonly limits: Pick<SiteOptions, 'timeout' | 'headersTimeout' | 'bodyTimeout' | 'bodyMinRate' | 'responseTimeout'>;
  /** `--passwd`: the user database for `--user` (null: /etc/passwd). */
  passwd: string | null;
  /** `--personal`: serve as a personal server (a ResourcePublisher) for a front with `--user`. */
  personal: boolean;
  /** `--sessions`: `memory` (null) or a Redis URL. */
  sessions: string | null;
  /** `--log-format`: how the access log names the client. */
  logFormat: LogFormat;
  /** `--workers`: how many processes serve (1: this one; see lib/app/workers.ts). */
  workers: number;
  /** The folder relative paths are taken from. */
  readonly cwd: string;
}

/** The access log's formats: the connection's address, or the first `X-Forwarded-For` entry. */
export const LOG_FORMATS: ReadonlyMap<string, LogFormatter> = new Map([['combined', combinedLogFormatter], ['proxied', proxiedLogFormatter]]);
export type LogFormat = 'combined' | 'proxied';

// #region web-options
/** The options of `loom web`, in the order `--help` lists them; relative paths are taken from `cwd`. */
export function webCommand(cwd: string = process.cwd()): CommandSpec<WebConfig> {
  return {
    name: 'web',
    description: 'Serve a directory (with resource scripts, CGI programs and as-is files), a resource script,\n' +
      'a resource class or a gateway application over HTTP, in the foreground. Ctrl-C stops it.',
    initial: () => ({
      root: { kind: 'demo' }, listen: [], ports: [], https: null, certificate: null, privkey: null, headers: [], compress: false,
      indexes: [], logfile: null, displayTracebacks: false, gatewayThreads: null, limits: {},
      passwd: null, personal: false, sessions: null, logFormat: 'combined', workers: 1, cwd,
    }),
    options: [
      { name: 'listen', value: 'ENDPOINT', help: `Listen on ENDPOINT, e.g. tcp:8080:interface=127.0.0.1 or unix:/tmp/web.sock. Repeatable. [default: ${DEFAULT_LISTEN}]`,
        apply: (c, v) => void c.listen.push(v) },
      { name: 'port', short: 'p', value: 'PORT', help: 'Listen on PORT (a number or an endpoint), after any --listen.',
        apply: (c, v) => void c.ports.push(v) },
      { name: 'https', value: 'PORT', help: 'Also listen with TLS (HTTP/2 and HTTP/1.1) on PORT, with --certificate and --privkey.',
        apply: (c, v) => void (c.https = portNumber(v, '--https')) },
      { name: 'certificate', short: 'c', value: 'FILE', help: `The certificate for --https, PEM. [default: ${DEFAULT_TLS_KEY_FILE}]`,
        apply: (c, v) => void (c.certificate = v) },
      { name: 'privkey', short: 'k', value: 'FILE', help: `The private key for --https, PEM. [default: ${DEFAULT_TLS_KEY_FILE}]`,
        apply: (c, v) => void (c.privkey = v) },
      { name: 'path', value: 'DIR', help: 'Serve DIR (or one file): .rsx.ts files run as resource scripts, .cgi as CGI, .asis as-is.',
        apply: (c, v) => setPathRoot(c, v) },
      { name: 'resource-script', value: 'FILE', help: 'Use the resource script FILE (.rsx.ts) as the root, run again on every request.',
        apply: (c, v) => void (c.root = { kind: 'resource-script', path: existing(c, v, '--resource-script', 'file') }) },
      { name: 'class', value: 'MODULE:EXPORT', help: 'Use new EXPORT() from MODULE (a resource class) as the root.',
        apply: (c, v) => void (c.root = { kind: 'class', spec: v }) },
      { name: 'gateway', value: 'MODULE:EXPORT', help: 'Serve the gateway application EXPORT of MODULE on worker threads (Twisted\'s --wsgi).',
        apply: (c, v) => void (c.root = { kind: 'gateway', spec: v }) },
      { name: 'gateway-threads', value: 'N', help: 'Worker threads for --gateway. [default: 4]',
        apply: (c, v) => void (c.gatewayThreads = positiveInteger(v, '--gateway-threads')) },
      { name: 'index', short: 'i', value: 'NAME', help: 'A file name to try for a directory; repeatable. Replaces the default list (index, index.html, index.htm, index.rsx.ts).',
        apply: (c, v) => void c.indexes.push(v) },
      { name: 'mime-type', short: 'm', value: 'TYPE', help: 'The type of files whose extension is unknown. Only after --path. [default: text/html]',
        apply: (c, v) => void (fileRoot(c, 'mime-type').file.defaultType = v) },
      { name: 'ignore-ext', value: 'EXT', help: 'Also try NAME+EXT for a NAME that does not exist (e.g. .html); repeatable, tried in order. Only after --path.',
        apply: (c, v) => fileRoot(c, 'ignore-ext').file.ignoreExt(v) },
      { name: 'allow-ignore-ext', help: 'Serve foo.* for a request for foo. Only after --path.',
        apply: (c) => fileRoot(c, 'allow-ignore-ext').file.ignoreExt('*') },
      { name: 'processor', value: 'EXT=MODULE:EXPORT', help: 'Make files ending in EXT resources of EXPORT (a class or function), e.g. .php=PHPScript. Only after --path.',
        apply: (c, v) => addProcessor(c, v) },
      { name: 'logfile', short: 'l', value: 'FILE', help: 'Write the access log (combined format) to FILE. [default: standard output]',
        apply: (c, v) => void (c.logfile = v) },
      { name: 'display-tracebacks', help: 'Show the stack of a failure in 500 pages. Never on a public server.',
        apply: (c) => void (c.displayTracebacks = true) },
      { name: 'notracebacks', short: 'n', help: 'Does nothing: tracebacks are off unless --display-tracebacks. Kept for twistd\'s command lines.',
        apply: () => {} },
      { name: 'add-header', value: '"NAME: VALUE"', help: 'Add this header to every response; repeatable.',
        apply: (c, v) => void c.headers.push(parseAddedHeader(v)) },
      { name: 'compress', help: 'Compress responses (Brotli or gzip) for clients that accept it. Off by default: compressing secrets beside attacker-chosen text leaks them (BREACH).',
        apply: (c) => void (c.compress = true) },
      { name: 'timeout', value: 'SECONDS', help: 'Close a kept-alive connection idle this long. [default: 60]',
        apply: (c, v) => void (c.limits.timeout = seconds(v, '--timeout', false)) },
      { name: 'headers-timeout', value: 'SECONDS', help: 'Answer 408 when the request headers take longer. [default: 30]',
        apply: (c, v) => void (c.limits.headersTimeout = seconds(v, '--headers-timeout', false)) },
      { name: 'body-timeout', value: 'SECONDS', help: 'Time a request body has before it must keep up --body-min-rate; then 408. [default: 20]',
        apply: (c, v) => void (c.limits.bodyTimeout = seconds(v, '--body-timeout', false)) },
      { name: 'body-min-rate', value: 'BYTES', help: 'Bytes per second a body must average after --body-timeout; 0 for a plain deadline. [default: 500]',
        apply: (c, v) => void (c.limits.bodyMinRate = seconds(v, '--body-min-rate', true)) },
      { name: 'response-timeout', value: 'SECONDS', help: 'Answer 503 when a resource has not started its response in this time. [default: 0, no limit]',
        apply: (c, v) => void (c.limits.responseTimeout = seconds(v, '--response-timeout', true)) },
      // #region web-spread-options
      { name: 'user', short: 'u', help: "Serve each user's ~/public_html at /~NAME/ and their personal server at /~NAME.loom/.",
        apply: (c) => void (c.root = { kind: 'user' }) },
      { name: 'passwd', value: 'FILE', help: 'Read the users for --user from FILE (passwd format). [default: /etc/passwd]',
        apply: (c, v) => void (c.passwd = existing(c, v, '--passwd', 'file')) },
      { name: 'personal', help: 'Serve this site as your personal server, for a front server with --user. [default listen: unix:~/.loom-web.sock]',
        apply: (c) => void (c.personal = true) },
      { name: 'sessions', value: 'STORE', help: 'Where sessions live: memory, or redis://HOST:PORT/DB to share them between processes. [default: memory]',
        apply: (c, v) => void (c.sessions = sessionStoreURL(v)) },
      { name: 'log-format', value: 'FORMAT', help: 'combined (the connection\'s address) or proxied (the first X-Forwarded-For address, behind a proxy). [default: combined]',
        apply: (c, v) => void (c.logFormat = logFormat(v)) },
      { name: 'workers', value: 'N', help: 'Serve from N processes sharing the listeners; a worker that dies is replaced. [default: 1]',
        apply: (c, v) => void (c.workers = positiveInteger(v, '--workers')) },
      // #endregion web-spread-options
    ],
    finish(config) {
      if (config.indexes.length > 0 && config.root.kind !== 'path') throw usageError('--index only applies to a directory served with --path.');
      if (config.gatewayThreads !== null && config.root.kind !== 'gateway') throw usageError('--gateway-threads only applies with --gateway.');
      if (config.passwd !== null && config.root.kind !== 'user') throw usageError('--passwd only applies with --user.');
      if ((config.certificate !== null || config.privkey !== null) && config.https === null) {
        throw usageError('--certificate and --privkey only apply with --https PORT; on a --listen endpoint write ssl:PORT:privateKey=KEY.pem:certKey=CERT.pem.');
      }
    },
  };
}
// #endregion web-options

function setPathRoot(config: WebConfig, value: string): void {
  const path = existing(config, value, '--path', 'any');
  const processors = defaultProcessors();
  config.root = { kind: 'path', file: new File(path, { processors }), processors, pending: [] };
}

/** The File made by an earlier `--path`, for options that change it (Twisted's "only after --path" rule). */
function fileRoot(config: WebConfig, option: string): Extract<RootChoice, { kind: 'path' }> {
  if (config.root.kind !== 'path') throw usageError(`You can only use --${option} after --path.`);
  return config.root;
}

function addProcessor(config: WebConfig, value: string): void {
  const root = fileRoot(config, 'processor');
  const eq = value.indexOf('=');
  if (eq <= 0 || eq === value.length - 1) throw usageError(`--processor needs EXT=MODULE:EXPORT, e.g. --processor .php=PHPScript; got "${value}".`);
  const ext = value.slice(0, eq);
  root.pending.push({ ext: ext.startsWith('.') ? ext : `.${ext}`, spec: value.slice(eq + 1) });
}

/** `value` resolved against the working folder, which must exist (and be a file, when asked). */
function existing(config: WebConfig, value: string, option: string, kind: 'file' | 'any'): string {
  const path = resolve(config.cwd, value);
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) throw usageError(`${option}: no such file or directory: ${value}`);
  if (kind === 'file' && !stat.isFile()) throw usageError(`${option}: ${value} is not a file.`);
  return path;
}

/** A number of seconds (or bytes a second) from the command line: zero only where `zeroAllowed`. */
function seconds(value: string, option: string, zeroAllowed: boolean): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || (n === 0 && !zeroAllowed)) {
    throw usageError(`${option} needs a number ${zeroAllowed ? 'of 0 or more' : 'greater than 0'}, e.g. ${option} 30; got "${value}".`);
  }
  return n;
}

/** `memory` (null) or a `redis://` / `rediss://` URL, checked now so a typo is a usage error. */
function sessionStoreURL(value: string): string | null {
  if (value === 'memory') return null;
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    url = null;
  }
  if (url === null || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '') {
    throw usageError(`--sessions needs "memory" or a Redis URL such as redis://127.0.0.1:6379/0, got "${value}".`);
  }
  return value;
}

function logFormat(value: string): LogFormat {
  if (value !== 'combined' && value !== 'proxied') throw usageError(`--log-format is "combined" or "proxied", got "${value}".`);
  return value;
}

function portNumber(value: string, option: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw usageError(`${option} needs a port number from 0 to 65535, got "${value}".`);
  return Number(value);
}

function positiveInteger(value: string, option: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw usageError(`${option} needs a whole number of at least 1, got "${value}".`);
  return n;
}

/** The root resource built from the options, and what must be stopped with it. */
export interface WebRoot {
  readonly resource: IResource;
  /** Stops what the root started (a gateway's thread pool). */
  stop(): Promise<void>;
}

// #region web-build-root
/** Build the root resource: load `--processor`, `--class` and `--gateway` modules, apply `--index`, wrap it for `--add-header` and `--compress`. */
export async function buildWebRoot(config: WebConfig): Promise<WebRoot> {
  const root = await rootOf(config);
  const headed = config.headers.length === 0 ? root.resource : new AddHeadersResource(root.resource, config.headers);
  return { resource: config.compress ? compressRoot(headed, config.root.kind === 'path' ? config.root.file : null) : headed, stop: root.stop };
}

async function rootOf(config: WebConfig): Promise<WebRoot> {
  const root = config.root;
  switch (root.kind) {
    case 'demo':
      return { resource: new DemoPage(), stop: async () => {} };
    case 'path':
      for (const { ext, spec } of root.pending) root.processors.set(ext, toProcessor(await loadExport(spec, config.cwd, '--processor'), spec));
      if (config.indexes.length > 0) root.file.indexNames = [...config.indexes];
      return { resource: root.file, stop: async () => {} };
    case 'resource-script':
      return { resource: new ResourceScriptWrapper(root.path), stop: async () => {} };
    case 'class':
      return { resource: construct(await loadExport(root.spec, config.cwd, '--class'), root.spec), stop: async () => {} };
    case 'gateway': {
      const { resource, pool } = await loadGatewayResource(root.spec, { cwd: config.cwd, ...(config.gatewayThreads === null ? {} : { threads: config.gatewayThreads }) });
      return { resource, stop: () => pool.stop() };
    }
    case 'user': {
      const directory = new UserDirectory(config.passwd === null ? {} : { users: new PasswdFile(config.passwd) });
      return { resource: directory, stop: () => directory.close() };
    }
    default:
      return assertNever(root, 'root choice');
  }
}
// #endregion web-build-root

/** A running `loom web`. */
export interface WebServer {
  readonly site: Site;
  readonly ports: readonly ListeningPort[];
  /** Stop listening, let requests in flight finish, close the log, stop the root. */
  stop(): Promise<void>;
}

// #region web-start
/** Build the site from `config` and listen on every endpoint it names. */
export async function startWebServer(config: WebConfig, options: { logger?: Logger; accessLog?: SiteOptions['accessLog']; closeGrace?: number } = {}): Promise<WebServer> {
  const root = await buildWebRoot(config);
  // A personal server is a Site that first restores the front server's view of each request.
  const SiteClass = config.personal ? ResourcePublisher : Site;
  const site = new SiteClass(root.resource, {
    displayTracebacks: config.displayTracebacks,
    ...config.limits,
    ...(options.closeGrace === undefined ? {} : { closeGrace: options.closeGrace }),
    accessLog: config.logfile !== null ? resolve(config.cwd, config.logfile) : (options.accessLog ?? process.stdout),
    logFormatter: LOG_FORMATS.get(config.logFormat)!,
    ...sessionOptions(config),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  const endpoints = endpointsOf(config);
  const ports: ListeningPort[] = [];
  const stop = async (): Promise<void> => {
    await site.close();
    await root.stop();
  };
  try {
    for (const endpoint of endpoints) {
      if (config.personal) await removeStale(endpoint);
      ports.push(await site.listen(endpoint));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { site, ports, stop };
}
// #endregion web-start

function sessionOptions(config: WebConfig): { sessionStore?: SessionStore } {
  return config.sessions === null ? {} : { sessionStore: new RedisSessionStore({ url: config.sessions }) };
}

/** A personal server restarted after a crash finds its old socket file: remove it if nobody answers there. */
async function removeStale(endpoint: string): Promise<void> {
  const parsed = parseEndpoint(endpoint);
  if (parsed.kind === 'unix') await removeStaleSocket(parsed.path);
}

// #region web-endpoints
/**
 * Where to listen: every `--listen`, then every `--port`, then `--https` (the order
 * Twisted's `postOptions` builds), or the default: `tcp:8080`, or
 * `unix:~/.loom-web.sock` for a personal server (Twisted's rule).
 */
export function endpointsOf(config: WebConfig): string[] {
  const endpoints = [...config.listen, ...config.ports];
  if (config.https !== null) {
    const key = resolve(config.cwd, config.privkey ?? DEFAULT_TLS_KEY_FILE);
    const cert = resolve(config.cwd, config.certificate ?? DEFAULT_TLS_KEY_FILE);
    endpoints.push(formatEndpoint({ kind: 'ssl', port: config.https, interface: undefined, backlog: undefined, privateKey: key, certKey: cert, extraCertChain: undefined }));
  }
  if (endpoints.length > 0) return endpoints;
  return [config.personal ? `unix:${personalSocketPath()}` : DEFAULT_LISTEN];
}
// #endregion web-endpoints

/** The page `loom web` serves with no root option (Twisted serves its `demo.Test`). */
class DemoPage extends Resource {
  override isLeaf = true;
  render_GET(request: Request): string {
    request.setHeader('content-type', 'text/html; charset=utf-8');
    return '<!DOCTYPE html>\n<html><head><title>Loom Web Demo</title></head><body>\n<h1>Loom Web Demo</h1>\n' +
      '<p>It works. Serve a folder with <code>loom web --path DIR</code>; see <code>loom web --help</code>.</p>\n</body></html>\n';
  }
}

/** True when `error` is a usage error (so the program prints the usage and exits with 2). */
export function isUsageError(error: unknown): boolean {
  return isLoomError(error, 'LOOM_ERR_USAGE');
}

