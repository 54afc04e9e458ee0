/**
 * @module
 * The program around a server: the options that come before the command
 * (`loom --daemon --pidfile loom.pid --logfile server.log web …`), and the life every
 * server gets from them: a pidfile, a server log, "Listening on" lines, then, on
 * SIGTERM or SIGINT, a graceful stop within a grace period; a second signal stops at once.
 *
 * Twisted counterpart: `twistd`'s own options (`--pidfile`, `--logfile`, `--nodaemon`,
 * `-y`/`--python`) and `twisted.application.app` running the reactor. Loom differs:
 * - foreground is the default and `--daemon` detaches (twistd detaches unless `-n`);
 * - the pidfile is only written when asked for (`--pidfile`) or when daemonized
 *   (`loom.pid`, Twisted's `twistd.pid`);
 * - `--grace SECONDS` bounds the graceful stop, where twistd waits for the reactor's
 *   shutdown triggers however long they take;
 * - a daemon that cannot start (a port in use) says why, and exits non-zero, in the
 *   terminal it was started from (lib/app/daemon.ts).
 * As in twistd, `--logfile` here is the server's log, and `loom web --logfile` is the
 * access log; without the latter, access lines go to the server's log.
 * Tests: `test/app/program.test.ts`, `test/app/daemon.test.ts`.
 * Lesson 25 (running-a-server) teaches it.
 */

import { createWriteStream, type WriteStream } from 'node:fs';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { LoomError } from '../errors.ts';
import { streamLogger, type Logger } from '../logger.ts';
import { claimPidFile, releasePidFile } from '../plumbing/pid-file.ts';
import { usageError, type CommandSpec } from './options.ts';

/** Where the program reads and writes, and how it learns it must stop: the process, or a test's doubles. */
export interface ProgramIO {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly cwd: string;
  /** Resolves when the program should stop (the first SIGINT or SIGTERM). */
  readonly stopRequested: Promise<string>;
  /** Resolves on a second signal: stop at once, without waiting for requests in flight. */
  readonly stopNow?: Promise<string>;
  /** How to run this program again (node, its flags, the script), for `--daemon`. */
  readonly relaunch?: readonly string[];
  /** In a process `--daemon` started: how to tell the parent it is up, or why not. */
  readonly parent?: DaemonParent;
}

/** The daemon's line back to the terminal that started it (lib/app/daemon.ts). */
export interface DaemonParent {
  ready(urls: readonly string[]): void;
  failed(message: string, code: number): void;
}

/** What the options before the command say. */
export interface ProgramOptions {
  daemon: boolean;
  pidfile: string | null;
  logfile: string | null;
  /** Seconds requests in flight get to finish after a signal. */
  grace: number;
  config: string | null;
  version: boolean;
}

/** Seconds a graceful stop may take by default. */
export const DEFAULT_GRACE_SECONDS = 10;
/** The daemon's pidfile when `--pidfile` names none (Twisted's is `twistd.pid`). */
export const DEFAULT_PIDFILE = 'loom.pid';
/** The daemon's log when `--logfile` names none (Twisted's is `twistd.log`). */
export const DEFAULT_LOGFILE = 'loom.log';

// #region program-options
/** The options of `loom` itself, written before the command. */
export function programCommand(): CommandSpec<ProgramOptions> {
  return {
    name: '',
    description: 'Run a web server: loom [options] web [web options], or loom [options] --config FILE.',
    initial: () => ({ daemon: false, pidfile: null, logfile: null, grace: DEFAULT_GRACE_SECONDS, config: null, version: false }),
    options: [
      { name: 'config', short: 'y', value: 'FILE', help: 'Run the services a config file exports as `application` (Twisted\'s -y).',
        apply: (o, v) => void (o.config = v) },
      { name: 'daemon', help: 'Run in the background, detached from the terminal, with a pidfile and a log file.',
        apply: (o) => void (o.daemon = true) },
      { name: 'pidfile', value: 'FILE', help: `Write the server's process id to FILE; refuse to start if a live server's is there. [default with --daemon: ${DEFAULT_PIDFILE}]`,
        apply: (o, v) => void (o.pidfile = v) },
      { name: 'logfile', short: 'l', value: 'FILE', help: `Write the server's log (and access lines, unless web --logfile) to FILE. [default with --daemon: ${DEFAULT_LOGFILE}]`,
        apply: (o, v) => void (o.logfile = v) },
      { name: 'grace', value: 'SECONDS', help: `On SIGTERM or SIGINT, give requests in flight this long to finish. [default: ${DEFAULT_GRACE_SECONDS}]`,
        apply: (o, v) => void (o.grace = seconds(v)) },
      { name: 'version', help: 'Print the version and exit.', apply: (o) => void (o.version = true) },
    ],
  };
}
// #endregion program-options

/**
 * Split `loom`'s arguments at the command: the program's options come before it, the
 * command's after. A value option's value is skipped over, so `--pidfile web.pid web`
 * finds the command `web`.
 */
export function splitAtCommand(args: readonly string[]): { before: string[]; command: string | undefined; after: string[] } {
  const takesValue = new Set(programCommand().options.filter((o) => o.value !== undefined).flatMap((o) => [`--${o.name}`, ...(o.short === undefined ? [] : [`-${o.short}`])]));
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('-')) return { before: args.slice(0, i), command: arg, after: args.slice(i + 1) };
    if (takesValue.has(arg)) i++;
  }
  return { before: [...args], command: undefined, after: [] };
}

/** Options of `loom` itself that a user may put after the command by mistake. */
export function refuseMisplaced(args: readonly string[], command: string): void {
  for (const arg of args) {
    const name = arg.split('=')[0]!;
    if (['--daemon', '--pidfile', '--grace', '--config', '-y'].includes(name)) {
      throw usageError(`${name} is an option of loom itself, not of loom ${command}: write it before the command, e.g. loom ${name === '--daemon' ? '--daemon' : `${name} …`} ${command} ….`);
    }
  }
}

/** A server the program has started. */
export interface Started {
  readonly urls: readonly string[];
  /** Stop gracefully (the server's own grace period applies). */
  stop(): Promise<void>;
}

/** Where a server logs: failures and warnings, and access lines unless it has its own access log. */
export interface ServerLog {
  readonly logger: Logger;
  readonly access: Writable;
}

// #region program-run
/**
 * Run a server for its whole life: claim the pidfile, start it, say where it listens,
 * wait for a signal, stop it gracefully, release the pidfile. Returns the exit code.
 */
export async function runServer(io: ProgramIO, options: ProgramOptions, start: (log: ServerLog) => Promise<Started>): Promise<number> {
  const { log, file, close } = openLog(io, options);
  const pidfile = pidfileOf(io, options);
  try {
    if (pidfile !== null) claim(pidfile, log.logger);
    let started: Started;
    try {
      started = await start(log);
    } catch (error) {
      if (pidfile !== null) releasePidFile(pidfile);
      throw error;
    }
    for (const url of started.urls) announce(io.stdout, file, `Listening on ${url}`);
    io.parent?.ready(started.urls);
    const signal = await io.stopRequested;
    announce(io.stderr, file, `loom: ${signal}, stopping: requests in flight have ${options.grace} s to finish; a second signal stops at once.`);
    const code = await stopWithin(started, io, options.grace, log.logger);
    if (pidfile !== null) releasePidFile(pidfile);
    return code;
  } finally {
    await close();
  }
}
// #endregion program-run

/** Stop the server; a second signal, or the grace period (and a second) running out, ends the wait. */
async function stopWithin(started: Started, io: ProgramIO, grace: number, logger: Logger): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), (grace + 1) * 1000)));
  const now = (io.stopNow ?? new Promise<never>(() => {})).then(() => 'now' as const);
  const outcome = await Promise.race([started.stop().then(() => 'stopped' as const), late, now]);
  clearTimeout(timer);
  if (outcome === 'stopped') return 0;
  logger.warn(outcome === 'now' ? 'A second signal: stopping at once.' : `Still stopping after ${grace} s: giving up on what is left.`);
  return 1;
}

function claim(pidfile: string, logger: Logger): void {
  const claimed = claimPidFile(pidfile);
  if (!claimed.claimed) {
    const who = claimed.owner === null ? 'another server' : `another server, process ${claimed.owner},`;
    throw new LoomError('LOOM_ERR_ALREADY_RUNNING', `The pidfile ${pidfile} says ${who} is running. Stop it first` +
      `${claimed.owner === null ? '' : ` (kill ${claimed.owner})`}, or give this one another --pidfile.`);
  }
  if (claimed.replaced !== null) logger.info(`Removed the stale pidfile ${pidfile}: process ${claimed.replaced} is not running.`);
}

/** The pidfile to hold: the one named, or the daemon's default, or none. */
function pidfileOf(io: ProgramIO, options: ProgramOptions): string | null {
  if (options.pidfile !== null) return resolve(io.cwd, options.pidfile);
  return io.parent !== undefined ? resolve(io.cwd, DEFAULT_PIDFILE) : null;
}

/**
 * The server's log. A daemon's standard output and error already are its log file
 * (lib/app/daemon.ts opened it), so it writes there; in the foreground `--logfile`
 * opens the file, and without it the log goes to standard error, access lines to
 * standard output.
 */
function openLog(io: ProgramIO, options: ProgramOptions): { log: ServerLog; file: WriteStream | null; close: () => Promise<void> } {
  if (options.logfile === null || io.parent !== undefined) {
    return { log: { logger: streamLogger(io.stderr), access: io.stdout }, file: null, close: async () => {} };
  }
  const file = createWriteStream(resolve(io.cwd, options.logfile), { flags: 'a' });
  return { log: { logger: streamLogger(file), access: file }, file, close: () => new Promise((done) => file.end(done)) };
}

/** A line for the terminal, and for the log file too when the log is not the terminal. */
function announce(out: Writable, file: WriteStream | null, line: string): void {
  out.write(`${line}\n`);
  file?.write(`${new Date().toISOString()} [info] ${line}\n`);
}

function seconds(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(n > 0)) throw usageError(`--grace needs a number of seconds above 0, got "${value}".`);
  return n;
}
