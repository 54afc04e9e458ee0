/**
 * @module
 * `loom --daemon`: run the server in the background, detached from the terminal.
 *
 * Node cannot fork, so the program starts itself again: the same node, flags, script and
 * arguments, as a detached child (its own session, so closing the terminal does not stop
 * it) whose standard output and error are the log file, with an IPC channel back. The
 * child sees `LOOM_DAEMON=1`, runs the server as the foreground program does, writes
 * the pidfile (`loom.pid` unless `--pidfile`), and reports over the channel that it is
 * listening, or why it is not. The parent prints that and exits: 0 once the server is
 * up, the server's own exit code if it could not start. `kill $(cat loom.pid)` sends
 * SIGTERM, which stops it gracefully.
 *
 * Twisted counterpart: `twisted.scripts._twistd_unix.daemonize` (fork, setsid, fork,
 * with a pipe on which the child reports a failure to start). Loom differs: one child
 * instead of a double fork (Node's `detached` already makes it a session leader), and
 * the child stays in the working folder, where relative paths on the command line point
 * (twistd chdirs to `--rundir`, `.` by default, too).
 * Tests: `test/app/daemon.test.ts`. Lesson 25 (running-a-server) shows it.
 */

import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { resolve } from 'node:path';
import { LoomError } from '../errors.ts';
import { isAlive, readPid } from '../plumbing/pid-file.ts';
import { DEFAULT_LOGFILE, DEFAULT_PIDFILE, type DaemonParent, type ProgramIO, type ProgramOptions } from './program.ts';

/** Set in the environment of the process `--daemon` starts. */
export const DAEMON_ENV = 'LOOM_DAEMON';

/** What the daemon tells the terminal that started it. */
type Report =
  | { readonly kind: 'ready'; readonly urls: readonly string[] }
  | { readonly kind: 'failed'; readonly message: string; readonly code: number };

// #region daemon-start
/**
 * Start `loom ARGS` again in the background and wait until it is listening (exit 0) or
 * has failed (its exit code, its reason on standard error).
 */
export async function startDaemon(io: ProgramIO, args: readonly string[], options: ProgramOptions): Promise<number> {
  if (io.relaunch === undefined || io.relaunch.length === 0) {
    throw new LoomError('LOOM_ERR_USAGE', '--daemon needs the loom program itself (bin/loom.mjs) to start again in the background.');
  }
  const pidfile = resolve(io.cwd, options.pidfile ?? DEFAULT_PIDFILE);
  const owner = readPid(pidfile);
  // Checked here too, so that a second `loom --daemon` says so at once, in the terminal.
  if (owner !== null && isAlive(owner)) {
    throw new LoomError('LOOM_ERR_ALREADY_RUNNING', `The pidfile ${pidfile} says another server, process ${owner}, is running. Stop it first (kill ${owner}), or give this one another --pidfile.`);
  }
  const logfile = resolve(io.cwd, options.logfile ?? DEFAULT_LOGFILE);
  const log = openSync(logfile, 'a');
  const [node, ...rest] = io.relaunch as [string, ...string[]];
  const child = spawn(node, [...rest, ...args], {
    cwd: io.cwd, detached: true, stdio: ['ignore', log, log, 'ipc'], env: { ...process.env, [DAEMON_ENV]: '1' },
  });
  closeSync(log); // the child has its own copy
  const report = await new Promise<Report>((done) => {
    child.once('message', (message) => done(asReport(message)));
    child.once('exit', (code) => done({ kind: 'failed', message: `The server exited (code ${code ?? 'none'}) before it was listening; see ${logfile}.`, code: code || 1 }));
    child.once('error', (error) => done({ kind: 'failed', message: `Could not start the server: ${error.message}`, code: 1 }));
  });
  child.removeAllListeners();
  if (child.connected) child.disconnect();
  child.unref();
  if (report.kind === 'failed') {
    io.stderr.write(`loom: ${report.message}\n`);
    return report.code;
  }
  for (const url of report.urls) io.stdout.write(`Listening on ${url}\n`);
  io.stdout.write(`loom: running in the background as process ${child.pid} (pidfile ${pidfile}, log ${logfile}). Stop it with: kill $(cat ${pidfile})\n`);
  return 0;
}
// #endregion daemon-start

/** In the daemon: the channel to the parent, if this process is one `--daemon` started. */
export function daemonParent(): DaemonParent | undefined {
  if (process.env[DAEMON_ENV] !== '1' || process.send === undefined) return undefined;
  const send = (report: Report): void => {
    if (!process.connected) return;
    // Let go of the channel once the parent has the report: it must not keep either process alive.
    process.send!(report, () => process.disconnect());
  };
  return {
    ready: (urls) => send({ kind: 'ready', urls }),
    failed: (message, code) => send({ kind: 'failed', message, code }),
  };
}

function asReport(message: unknown): Report {
  const m = message as Partial<{ kind: string; urls: unknown; message: unknown; code: unknown }> | null;
  if (m?.kind === 'ready' && Array.isArray(m.urls)) return { kind: 'ready', urls: m.urls.map(String) };
  if (m?.kind === 'failed') return { kind: 'failed', message: String(m.message), code: typeof m.code === 'number' && m.code > 0 ? m.code : 1 };
  return { kind: 'failed', message: `The server sent something unexpected: ${JSON.stringify(message)}`, code: 1 };
}
