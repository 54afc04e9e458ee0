/**
 * @module
 * `loom web --workers N`: one site served by N processes that share its listeners, so
 * that a machine's cores all answer requests.
 *
 * The process the user started becomes the primary. It serves nothing itself: it forks
 * N workers with node:cluster, each running `loom web` with the same options, and keeps
 * them running. Node's cluster lets the workers listen on the same port (or socket):
 * the primary accepts each connection and hands it to the workers in turn. The
 * `Supervisor` below decides what happens when a worker exits:
 * - while the server is starting, a worker that exits is a failed start: the others are
 *   stopped and the program exits 1 (the worker has printed why, a port in use, a module
 *   that does not load);
 * - later, a worker that dies after serving a while is replaced at once; one that dies
 *   while starting, or soon after, is replaced after a pause that doubles each time
 *   (0.5 s, 1 s, 2 s, … up to 30 s), so a worker that cannot start does not make the
 *   machine fork in a loop. The pause starts again from 0.5 s once a worker has lived 5 s;
 * - SIGTERM or Ctrl-C stops every worker with SIGTERM, and each drains: it stops
 *   accepting, finishes the requests in flight, then exits (a worker still there after
 *   15 s is killed). The primary exits 0 when the last one has.
 * The workers' output comes to the primary through pipes and is written a whole line at
 * a time, so two workers' access-log lines never interleave on standard output; with
 * `--logfile`, each worker appends whole lines to the file itself.
 *
 * Twisted has no counterpart (`twistd` runs one process; the howto's answer is several
 * servers behind a proxy, which lesson 31 also shows). Loom differs from a bare
 * `cluster.fork()` loop in the back-off and in draining on SIGTERM.
 * Tests: `test/app/workers.test.ts` (the supervisor, with a fake clock and fake workers,
 * and the real program). Lesson 31 teaches it.
 */

import cluster, { type Worker } from 'node:cluster';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { LoomError } from '../errors.ts';
import type { Clock, DelayedCall } from '../clock.ts';

/** The first pause before replacing a worker that died while starting, in seconds. */
export const FIRST_BACKOFF = 0.5;
/** The longest pause, in seconds. */
export const MAX_BACKOFF = 30;
/** A worker that has lived this many seconds counts as started: its death resets the pause. */
export const STABLE_AFTER = 5;
/** Seconds a worker has to drain after SIGTERM before it is killed (the Site's own grace is 10 s). */
export const STOP_GRACE = 15;

/** What the supervisor is told about a worker it forked. */
export interface WorkerEvents {
  /** The worker listens and has said where. */
  ready(urls: readonly string[]): void;
  /** The worker process has exited. */
  exit(code: number | null, signal: string | null): void;
}

/** A worker process, as the supervisor drives it. */
export interface WorkerHandle {
  readonly pid: number | undefined;
  /** Send a signal: SIGTERM to drain, SIGKILL to end it now. */
  kill(signal: 'SIGTERM' | 'SIGKILL'): void;
}

/** Starts a worker. The real one forks with node:cluster; tests pass a fake. */
export type Forker = (events: WorkerEvents) => WorkerHandle;

/** Options for a {@link Supervisor}. */
export interface SupervisorOptions {
  /** How many workers to keep running. */
  readonly count: number;
  readonly fork: Forker;
  /** Where pauses and uptimes are measured. */
  readonly clock: Clock;
  /** Where the supervisor says what it does (a line each, without the newline). */
  readonly log: (line: string) => void;
}

interface Slot {
  readonly handle: WorkerHandle;
  /** When it said it was ready, by the clock; null until then. */
  readySince: number | null;
  exited: boolean;
}

// #region workers-supervisor
/** Keeps `count` workers running: replaces the dead, backs off from those that die young, drains on stop. */
export class Supervisor {
  readonly #options: SupervisorOptions;
  readonly #slots = new Set<Slot>();
  #starting = true;
  #stopping = false;
  /** Workers that died young in a row: the pause before the next fork doubles with each. */
  #youngDeaths = 0;
  readonly #pending = new Set<DelayedCall>();
  #started: { resolve(urls: readonly string[]): void; reject(error: Error): void } | null = null;
  #urls: readonly string[] = [];
  #allExited: (() => void) | null = null;
  #stopped: Promise<void> | null = null;

  constructor(options: SupervisorOptions) {
    if (!Number.isInteger(options.count) || options.count < 1) {
      throw new LoomError('LOOM_ERR_INVALID_ARGUMENT', `The number of workers must be a whole number of at least 1, got ${String(options.count)}.`);
    }
    this.#options = options;
  }

  /** How many workers are running now. */
  get running(): number {
    return this.#slots.size;
  }

  /** The pids of the running workers. */
  get pids(): (number | undefined)[] {
    return [...this.#slots].map((slot) => slot.handle.pid);
  }

  /**
   * Fork every worker; resolves with where they listen once all are ready.
   * @throws LoomError `LOOM_ERR_LISTEN_FAILED` when a worker exits before all are ready.
   */
  start(): Promise<readonly string[]> {
    const started = new Promise<readonly string[]>((resolve, reject) => (this.#started = { resolve, reject }));
    for (let i = 0; i < this.#options.count; i++) this.#fork();
    return started;
  }

  /** SIGTERM every worker (each drains), kill those still there after the grace; resolves when all have exited. */
  stop(): Promise<void> {
    return (this.#stopped ??= this.#stopAll());
  }

  #stopAll(): Promise<void> {
    this.#stopping = true;
    for (const call of this.#pending) call.cancel();
    this.#pending.clear();
    if (this.#slots.size === 0) return Promise.resolve();
    const done = new Promise<void>((resolve) => (this.#allExited = resolve));
    for (const slot of this.#slots) slot.handle.kill('SIGTERM');
    const late = this.#options.clock.callLater(STOP_GRACE, () => {
      for (const slot of this.#slots) slot.handle.kill('SIGKILL');
    });
    return done.then(() => late.cancel());
  }

  #fork(): void {
    // A worker reports through events, always after fork() has returned its handle.
    let slot: Slot | null = null;
    const handle = this.#options.fork({
      ready: (urls) => slot !== null && this.#onReady(slot, urls),
      exit: (code, signal) => slot !== null && this.#onExit(slot, code, signal),
    });
    slot = { handle, readySince: null, exited: false };
    this.#slots.add(slot);
  }

  #onReady(slot: Slot, urls: readonly string[]): void {
    if (slot.exited) return;
    slot.readySince = this.#options.clock.seconds();
    if (!this.#starting) {
      this.#options.log(`worker ${slot.handle.pid} is serving.`);
      return;
    }
    this.#urls = urls;
    if ([...this.#slots].every((s) => s.readySince !== null) && this.#slots.size === this.#options.count) {
      this.#starting = false;
      this.#started?.resolve(this.#urls);
    }
  }
  // #endregion workers-supervisor

  // #region workers-replace
  #onExit(slot: Slot, code: number | null, signal: string | null): void {
    if (slot.exited) return;
    slot.exited = true;
    this.#slots.delete(slot);
    const how = signal !== null ? `signal ${signal}` : `code ${code}`;
    if (this.#stopping) {
      if (this.#slots.size === 0) this.#allExited?.();
      return;
    }
    if (this.#starting) {
      this.#failStart(`A worker (pid ${slot.handle.pid}) exited with ${how} while the server was starting.`);
      return;
    }
    const uptime = slot.readySince === null ? 0 : this.#options.clock.seconds() - slot.readySince;
    if (uptime >= STABLE_AFTER) {
      this.#youngDeaths = 0;
      this.#options.log(`worker ${slot.handle.pid} exited with ${how}; starting another.`);
      this.#fork();
      return;
    }
    this.#youngDeaths++;
    const pause = Math.min(MAX_BACKOFF, FIRST_BACKOFF * 2 ** (this.#youngDeaths - 1));
    this.#options.log(`worker ${slot.handle.pid} exited with ${how} ${slot.readySince === null ? 'while starting' : 'soon after starting'}; starting another in ${pause} s.`);
    const call = this.#options.clock.callLater(pause, () => {
      this.#pending.delete(call);
      if (!this.#stopping) this.#fork();
    });
    this.#pending.add(call);
  }
  // #endregion workers-replace

  /** A failed start: stop the workers that did start, then report. */
  #failStart(why: string): void {
    this.#starting = false;
    const started = this.#started;
    void this.stop().then(() => started?.reject(new LoomError('LOOM_ERR_LISTEN_FAILED', `${why} Its message is above; the server did not start.`)));
  }
}

/** What a worker sends the primary once it listens. */
export interface ReadyMessage {
  readonly type: 'loom-ready';
  readonly urls: readonly string[];
}

/** True when a worker's message is its ready message. */
export function isReadyMessage(message: unknown): message is ReadyMessage {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'loom-ready' &&
    Array.isArray((message as { urls?: unknown }).urls);
}

/** True in a process node:cluster forked: it serves, and reports to the primary instead of printing. */
export function isWorker(): boolean {
  return cluster.isWorker;
}

/** Tell the primary where this worker listens. */
export function reportReady(urls: readonly string[]): void {
  const message: ReadyMessage = { type: 'loom-ready', urls };
  process.send?.(message);
}

const BIN = fileURLToPath(new URL('../../bin/loom.mjs', import.meta.url));

/**
 * The real forker: `bin/loom.mjs ARGS` in a cluster worker, its standard output and
 * error relayed to `stdout` and `stderr` a whole line at a time.
 */
export function clusterForker(args: readonly string[], stdout: Writable, stderr: Writable): Forker {
  cluster.setupPrimary({ exec: BIN, args: [...args], silent: true });
  return (events) => {
    const worker: Worker = cluster.fork();
    relayLines(worker.process.stdout, stdout);
    relayLines(worker.process.stderr, stderr);
    worker.on('message', (message: unknown) => {
      if (isReadyMessage(message)) events.ready(message.urls);
    });
    worker.once('exit', (code: number | null, signal: string | null) => events.exit(code, signal));
    return { pid: worker.process.pid, kill: (signal) => void worker.process.kill(signal) };
  };
}

// #region workers-relay
/**
 * Copy `from` to `to` in whole lines: a chunk that ends mid-line keeps its tail until the
 * rest arrives. Several workers relayed to one stream so never interleave inside a line,
 * whatever its length (a pipe only keeps writes of up to 4 KiB whole).
 */
export function relayLines(from: Readable | null | undefined, to: Writable): void {
  if (from === null || from === undefined) return;
  let partial = '';
  from.setEncoding('utf8');
  from.on('data', (chunk: string) => {
    const end = chunk.lastIndexOf('\n');
    if (end < 0) {
      partial += chunk;
      return;
    }
    to.write(partial + chunk.slice(0, end + 1));
    partial = chunk.slice(end + 1);
  });
  from.on('end', () => {
    if (partial !== '') to.write(`${partial}\n`);
    partial = '';
  });
}
// #endregion workers-relay
