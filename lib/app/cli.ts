/**
 * @module
 * The `loom` program: `loom COMMAND [options]`. Each command is a table of options
 * (lib/app/options.ts) and a function that runs it; today there is `web`.
 *
 * Exit codes: 0 after a clean stop (Ctrl-C or SIGTERM) or `--help`; 2 for a usage error,
 * printed as one clear line followed by the usage, never a stack trace; 1 when the
 * server cannot start (a port in use, a module that fails to load).
 *
 * Twisted counterpart: `twistd` with its `web` plugin (`twisted.application.app`,
 * `twisted.scripts.twistd`). Loom differs: no daemonizing, pidfile or reactor choice;
 * the program runs in the foreground and stops cleanly on a signal.
 * `loom web --workers N` makes this process the primary of N worker processes
 * (lib/app/workers.ts), each running `loom web` with the same options.
 * `bin/loom.mjs` starts it with TypeScript support (tsx). Tests: `test/app/cli.test.ts`,
 * `test/app/workers.test.ts`.
 */

import type { Writable } from 'node:stream';
import { realClock } from '../clock.ts';
import { isLoomError } from '../errors.ts';
import { VERSION } from '../plumbing/version.ts';
import { parseCommand, usageText } from './options.ts';
import { startWebServer, webCommand, type WebConfig, type WebServer } from './web.ts';
import { Supervisor, clusterForker, isWorker, reportReady } from './workers.ts';

/** Where the program reads and writes, and how it learns it must stop: the process, or a test's doubles. */
export interface ProgramIO {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly cwd: string;
  /** Resolves when the program should stop (a signal). */
  readonly stopRequested: Promise<string>;
}

const PROGRAM = 'loom';

/** Each command: its one-line summary, and what runs it. */
const COMMANDS: ReadonlyMap<string, { summary: string; run: (args: readonly string[], io: ProgramIO) => Promise<number> }> = new Map([
  ['web', { summary: 'Serve a directory, a resource script or a gateway application over HTTP.', run: runWeb }],
]);

/** Run `loom` with `args` (without the program name) and return the exit code. */
export async function main(args: readonly string[], io: ProgramIO = processIO()): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(programUsage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    io.stdout.write(`${PROGRAM} ${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.get(name);
  if (command === undefined) {
    io.stderr.write(`${PROGRAM}: unknown command "${name}".\n\n${programUsage()}`);
    return 2;
  }
  return command.run(rest, io);
}

/** `loom web`: parse, build, listen, print where, then wait for a signal and stop cleanly. */
async function runWeb(args: readonly string[], io: ProgramIO): Promise<number> {
  const command = webCommand(io.cwd);
  let server: WebServer;
  try {
    const parsed = parseCommand(command, args);
    if (parsed.kind === 'help') {
      io.stdout.write(usageText(PROGRAM, command));
      return 0;
    }
    if (parsed.config.workers > 1 && !isWorker()) return await runWorkers(args, parsed.config, io);
    server = await startWebServer(parsed.config);
  } catch (error) {
    return reportFailure(error, io, usageText(PROGRAM, command));
  }
  // A worker tells the primary, which prints the lines once for all of them.
  if (isWorker()) reportReady(server.ports.map((port) => port.url));
  else for (const port of server.ports) io.stdout.write(`Listening on ${port.url}\n`);
  const signal = await io.stopRequested;
  io.stderr.write(`${PROGRAM} web: ${signal}, stopping.\n`);
  await server.stop();
  return 0;
}

// #region cli-workers
/**
 * `--workers N`: this process forks N workers running `loom web ARGS` and keeps them
 * running (lib/app/workers.ts); it prints where they listen once all are ready, and on
 * a signal stops them all, each draining its requests.
 */
async function runWorkers(args: readonly string[], config: WebConfig, io: ProgramIO): Promise<number> {
  const supervisor = new Supervisor({
    count: config.workers, clock: realClock, fork: clusterForker(['web', ...args], io.stdout, io.stderr),
    log: (line) => io.stderr.write(`${PROGRAM} web: ${line}\n`),
  });
  const urls = await supervisor.start();
  for (const url of urls) io.stdout.write(`Listening on ${url}\n`);
  io.stderr.write(`${PROGRAM} web: ${config.workers} workers (pids ${supervisor.pids.join(', ')}).\n`);
  const signal = await io.stopRequested;
  io.stderr.write(`${PROGRAM} web: ${signal}, stopping ${supervisor.running} workers.\n`);
  await supervisor.stop();
  return 0;
}
// #endregion cli-workers

/** Usage errors get the message and the usage (exit 2); other startup failures the message (exit 1). */
function reportFailure(error: unknown, io: ProgramIO, usage: string): number {
  if (isLoomError(error, 'LOOM_ERR_USAGE')) {
    io.stderr.write(`${PROGRAM} web: ${error.message}\n\n${usage}`);
    return 2;
  }
  if (isLoomError(error)) {
    io.stderr.write(`${PROGRAM} web: ${error.message}\n`);
    return 1;
  }
  throw error; // a bug, not a user's mistake: let the stack show
}

function programUsage(): string {
  const lines = [...COMMANDS].map(([name, c]) => `  ${name.padEnd(8)}${c.summary}`);
  return `Usage: ${PROGRAM} COMMAND [options]\n\nCommands:\n${lines.join('\n')}\n\nRun "${PROGRAM} COMMAND --help" for a command's options.\n`;
}

/** The real process: its streams and folder, and SIGINT/SIGTERM as the request to stop. */
export function processIO(): ProgramIO {
  const stopRequested = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), stopRequested };
}
