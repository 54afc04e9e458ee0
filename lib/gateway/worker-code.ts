/**
 * @module
 * The code a gateway worker thread starts from: lib/gateway/worker.ts and what it imports,
 * bundled once per process into one plain JavaScript module, so that a worker needs no
 * TypeScript loader to start.
 *
 * Why: on Node 20 a thread that registers tsx gets a loader thread of its own, a second
 * JavaScript engine with esbuild in it. Measured idle, a worker booted through tsx cost
 * about 33 MB, one running plain JavaScript about 13 MB: a 4-thread pool went from
 * 210 MB to about 130 (docs/guide/performance.md). So the main thread runs esbuild's
 * binary once (about 10 ms, and nothing is left running, unlike esbuild's synchronous
 * API, which keeps a helper thread alive: 21 MB more, measured) and writes the bundle into the
 * system's temporary folder under a name made from its content (another process reuses
 * the file only when it is its own user's and unchanged); every pool of the process
 * starts its threads from that file. A worker registers tsx only when an
 * application it loads is TypeScript (lib/gateway/worker.ts, `loadApp`), and it starts
 * without the process's own `--import tsx`, which a thread would otherwise inherit
 * (`startWorker`).
 *
 * When esbuild cannot be run, the workers start as before, from lib/gateway/boot.mjs,
 * which registers tsx first.
 *
 * Twisted counterpart: none; a Python thread runs in the interpreter that started it.
 * Tests: `test/gateway/worker-code.test.ts`.
 */

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, lstatSync, openSync, readFileSync, readSync, renameSync, writeFileSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Where tsx's two hooks are, for a worker that must load TypeScript after all. */
export interface TypeScriptHooks {
  readonly esm: string;
  readonly cjs: string;
}

/** How a worker thread starts: the file to run, and what it needs to load TypeScript. */
export interface WorkerCode {
  /** The bundle, or boot.mjs, which registers tsx and then imports `entry`. */
  readonly url: URL;
  /** The worker's own code, for boot.mjs to import. */
  readonly entry: string;
  /** tsx's hooks, for a bundled worker to register when an application is TypeScript. */
  readonly tsx: TypeScriptHooks | null;
  /** Node's flags for the thread: the process's own, less those that would load tsx in it anyway. */
  execArgv: readonly string[];
}

const ENTRY = new URL('./worker.ts', import.meta.url);
const BOOT = new URL('./boot.mjs', import.meta.url);
const require = createRequire(import.meta.url);

let cached: WorkerCode | null = null;

/** The code every worker of this process starts from, built on first use. */
export function workerCode(): WorkerCode {
  cached ??= bundled() ?? { url: BOOT, entry: ENTRY.href, tsx: null, execArgv: process.execArgv };
  return cached;
}

/**
 * Start a worker thread from `code`. Flags given to a worker explicitly are checked, and
 * the process-wide ones (`--expose-gc`, `--max-old-space-size`, …) are refused, where an
 * inherited list would have dropped them quietly: so drop the ones Node names, once, and
 * start the thread with the rest (and every later thread too).
 */
export function startWorker(code: WorkerCode, options: Omit<WorkerOptions, 'execArgv'>): Worker {
  try {
    return new Worker(code.url, { ...options, execArgv: [...code.execArgv] });
  } catch (error) {
    const message = (error as { code?: unknown; message?: unknown }).code === 'ERR_WORKER_INVALID_EXEC_ARGV' ? String((error as Error).message) : null;
    if (message === null) throw error;
    const refused = new Set(message.slice(message.indexOf(':') + 1).split(',').map((flag) => flag.trim()));
    code.execArgv = code.execArgv.filter((flag) => !refused.has(flag));
    return new Worker(code.url, { ...options, execArgv: [...code.execArgv] });
  }
}

/** The bundle, or null when esbuild could not make it. */
function bundled(): WorkerCode | null {
  let file: string;
  try {
    file = saved(runEsbuild(fileURLToPath(ENTRY)));
  } catch {
    return null; // No esbuild here (or it failed, or the file could not be written): boot.mjs still works, at a higher cost.
  }
  const tsx = { esm: resolved('tsx/esm/api'), cjs: resolved('tsx/cjs/api') };
  return { url: pathToFileURL(file), entry: ENTRY.href, tsx, execArgv: withoutTsx(process.execArgv) };
}

const PRELOADS = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader']);

/**
 * `argv` without the preloads that name tsx. A worker takes the process's flags by
 * default, so a program started as `node --import tsx` (as the bench and `npx tsx` start
 * theirs) would load tsx into every thread again, and pay for it, bundle or not.
 */
export function withoutTsx(argv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const [name, inline] = flag.includes('=') ? [flag.slice(0, flag.indexOf('=')), flag.slice(flag.indexOf('=') + 1)] : [flag, undefined];
    if (!PRELOADS.has(name)) kept.push(flag);
    else if (inline !== undefined) {
      if (!inline.includes('tsx')) kept.push(flag);
    } else if (!(argv[i + 1] ?? '').includes('tsx')) kept.push(flag, argv[++i]!);
    else i++;
  }
  return kept;
}

/** Bundle `entry` for Node as an ES module, by esbuild's command (see the top comment for why not its API). */
function runEsbuild(entry: string): string {
  const esbuild = require.resolve('esbuild/bin/esbuild');
  const args = [entry, '--bundle', '--format=esm', '--platform=node', '--target=node20', '--log-level=error'];
  // Installed normally, bin/esbuild is the native binary; without its install script it is a Node script.
  const [command, argv] = isScript(esbuild) ? [process.execPath, [esbuild, ...args]] : [esbuild, args];
  return execFileSync(command, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
}

function isScript(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const start = Buffer.alloc(2);
    readSync(fd, start, 0, 2, 0);
    return start.toString('latin1') === '#!';
  } finally {
    closeSync(fd);
  }
}

/**
 * Write `code` under a name from its hash, once: the next process that builds the same
 * bundle reuses the file, but only one that is ours, as we would write it. The
 * temporary folder is shared, and a file planted there under the expected name would
 * otherwise run in every worker.
 */
export function saved(code: string): string {
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const path = join(tmpdir(), `loom-gateway-worker-${hash}.mjs`);
  if (isOurs(path, code)) return path;
  // Written aside (failing if that name is taken) and renamed, so that a worker of
  // another process never reads half a file. Renaming over another user's file fails.
  const aside = `${path}.${process.pid}.tmp`;
  writeFileSync(aside, code, { mode: 0o600, flag: 'wx' });
  renameSync(aside, path);
  return path;
}

/** True when `path` is a file of this user's that no one else can write, holding `code`. */
function isOurs(path: string, code: string): boolean {
  let stat: Stats;
  try {
    stat = lstatSync(path);
  } catch {
    return false;
  }
  const uid = process.getuid?.() ?? stat.uid;
  return stat.isFile() && stat.uid === uid && (stat.mode & 0o022) === 0 && readFileSync(path, 'utf8') === code;
}

/**
 * The ES module build of a tsx entry. `require.resolve` finds its CommonJS build (which
 * registers the wrong loader path when imported), so take the `.mjs` file beside it.
 */
function resolved(specifier: string): string {
  return pathToFileURL(require.resolve(specifier).replace(/\.cjs$/, '.mjs')).href;
}
