/**
 * @module
 * The `loom` program: `loom [options] COMMAND [command options]`, or
 * `loom [options] --config FILE`. The options before the command are the program's
 * (lib/app/program.ts: `--daemon`, `--pidfile`, `--logfile`, `--grace`, `--config`);
 * each command is a table of options (lib/app/options.ts) and a function that runs it;
 * today there is `web`.
 *
 * Exit codes: 0 after a clean stop (Ctrl-C or SIGTERM) or `--help`; 2 for a usage error,
 * printed as one clear line and `See: loom web --help`, never a stack trace; 1 when the
 * server cannot start (a port in use, a module that fails to load, a live pidfile) or
 * did not stop within its grace period.
 *
 * Twisted counterpart: `twistd` with its `web` plugin (`twisted.application.app`,
 * `twisted.scripts.twistd`). Loom differs: foreground is the default (`--daemon`
 * detaches, lib/app/daemon.ts), and there is no reactor to choose.
 * `loom web --workers N` makes this process the primary of N worker processes
 * (lib/app/workers.ts), each running `loom web` with the same options.
 * `bin/loom.mjs` starts it with TypeScript support (tsx). Tests: `test/app/cli.test.ts`,
 * `test/app/workers.test.ts`.
 */

import { realClock } from '../clock.ts';
import { isLoomError } from '../errors.ts';
import { VERSION } from '../plumbing/version.ts';
import { startConfigFile } from './config-file.ts';
import { daemonParent, startDaemon } from './daemon.ts';
import { parseCommand, usageError, usageText } from './options.ts';
import { programCommand, refuseMisplaced, runServer, splitAtCommand, type ProgramIO, type ProgramOptions, type ServerLog, type Started } from './program.ts';
import { startWebServer, webCommand, type WebConfig } from './web.ts';
import { Supervisor, clusterForker, isWorker, reportReady } from './workers.ts';

export type { ProgramIO } from './program.ts';

const PROGRAM = 'loom';

/** What runs a command: its arguments, the program's options, and every argument as typed (for `--daemon`). */
type Run = (args: readonly string[], io: ProgramIO, options: ProgramOptions, all: readonly string[]) => Promise<number>;

/** Each command: its one-line summary, and what runs it. */
const COMMANDS: ReadonlyMap<string, { summary: string; run: Run }> = new Map([
  ['web', { summary: 'Serve a directory, a resource script or a gateway application over HTTP.', run: runWeb }],
]);

/** Run `loom` with `args` (without the program name) and return the exit code. */
export async function main(args: readonly string[], io: ProgramIO = processIO()): Promise<number> {
  const { before, command, after } = splitAtCommand(args);
  let options: ProgramOptions;
  try {
    const parsed = parseCommand(programCommand(), before);
    if (parsed.kind === 'help' || command === 'help') {
      io.stdout.write(programUsage());
      return 0;
    }
    options = parsed.config;
    if (options.config !== null && command !== undefined) {
      throw usageError(`--config runs the services its file exports, so it takes no command; got "${command}".`);
    }
  } catch (error) {
    return reportFailure(error, io, PROGRAM);
  }
  if (options.version) {
    io.stdout.write(`${PROGRAM} ${VERSION}\n`);
    return 0;
  }
  if (options.config !== null) {
    const file = options.config;
    return serve(io, args, options, async () => startConfigFile(file, io.cwd), PROGRAM);
  }
  if (command === undefined) {
    io.stdout.write(programUsage());
    return 2;
  }
  const found = COMMANDS.get(command);
  if (found === undefined) {
    io.stderr.write(`${PROGRAM}: unknown command "${command}".\nSee: ${PROGRAM} --help\n`);
    return 2;
  }
  return found.run(after, io, options, args);
}

/** `loom web`: parse, then serve until a signal (or start a daemon that does). */
async function runWeb(args: readonly string[], io: ProgramIO, options: ProgramOptions, all: readonly string[]): Promise<number> {
  const command = webCommand(io.cwd);
  const usage = usageText(PROGRAM, command);
  try {
    refuseMisplaced(args, 'web');
    const parsed = parseCommand(command, args);
    if (parsed.kind === 'help') {
      io.stdout.write(usage);
      return 0;
    }
    const config = parsed.config;
    if (config.workers > 1 && !isWorker()) return await runWorkers(args, config, io);
    return await serve(io, all, options, async (log) => {
      const server = await startWebServer(config, { logger: log.logger, accessLog: log.access, closeGrace: options.grace });
      const urls = server.ports.map((port) => port.url);
      // A worker tells the primary, which prints the lines once for all of them.
      if (isWorker()) reportReady(urls);
      return { urls: isWorker() ? [] : urls, stop: () => server.stop() };
    }, `${PROGRAM} web`);
  } catch (error) {
    return reportFailure(error, io, `${PROGRAM} web`);
  }
}

/**
 * Run the server in this process, or, with `--daemon`, in a background one. A daemon
 * that cannot start tells the terminal that started it why, and with which exit code.
 */
async function serve(io: ProgramIO, all: readonly string[], options: ProgramOptions, start: (log: ServerLog) => Promise<Started>,
  who: string): Promise<number> {
  try {
    if (options.daemon && io.parent === undefined) return await startDaemon(io, all, options);
    return await runServer(io, options, start);
  } catch (error) {
    const code = reportFailure(error, io, who);
    io.parent?.failed(isLoomError(error) ? error.message : String(error), code);
    return code;
  }
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

/**
 * Usage errors get the message and where the usage is (exit 2): the whole usage is many
 * screens and would push the one line that matters out of sight. Other startup failures
 * get the message (exit 1).
 */
function reportFailure(error: unknown, io: ProgramIO, who = `${PROGRAM} web`): number {
  if (isLoomError(error, 'LOOM_ERR_USAGE')) {
    io.stderr.write(`${who}: ${error.message}\nSee: ${who} --help\n`);
    return 2;
  }
  if (isLoomError(error)) {
    io.stderr.write(`${who}: ${error.message}\n`);
    return 1;
  }
  throw error; // a bug, not a user's mistake: let the stack show
}

function programUsage(): string {
  const lines = [...COMMANDS].map(([name, c]) => `  ${name.padEnd(8)}${c.summary}`);
  const options = usageText(PROGRAM, programCommand()).split('\nOptions:\n')[1] ?? '';
  return `Usage: ${PROGRAM} [options] COMMAND [command options]\n       ${PROGRAM} [options] --config FILE\n\n` +
    `Commands:\n${lines.join('\n')}\n\nOptions (before the command):\n${options}\nRun "${PROGRAM} COMMAND --help" for a command's options.\n`;
}

/**
 * The real process: its streams and folder, SIGINT/SIGTERM as the request to stop (a
 * second one as the request to stop at once), how to start itself again for `--daemon`,
 * and the line back to the parent when it is a daemon.
 */
export function processIO(): ProgramIO {
  let signals = 0;
  let stop!: (signal: string) => void;
  let stopNow!: (signal: string) => void;
  const stopRequested = new Promise<string>((resolve) => (stop = resolve));
  const stopAtOnce = new Promise<string>((resolve) => (stopNow = resolve));
  const onSignal = (signal: string): void => (signals++ === 0 ? stop(signal) : stopNow(signal));
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const script = process.argv[1];
  const parent = daemonParent();
  return {
    stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), stopRequested, stopNow: stopAtOnce,
    ...(script === undefined ? {} : { relaunch: [process.execPath, ...process.execArgv, script] }),
    ...(parent === undefined ? {} : { parent }),
  };
}
