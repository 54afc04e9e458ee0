/**
 * The real `loom` program in a child process, as a user runs it: `node bin/loom.mjs …`,
 * started with the environment and folder a test gives, read until it has printed its
 * "Listening on" lines. Every program started is killed after the test file if the test
 * did not stop it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'bin', 'loom.mjs');

/** A running `loom`. */
export interface LoomProgram {
  readonly child: ChildProcess;
  /** What each "Listening on" line named, in order. */
  readonly urls: string[];
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (null after a signal). */
  readonly exited: Promise<number | null>;
  /** Resolves once stdout or stderr (`where`) matches `pattern`; rejects if the program exits first. */
  waitFor(pattern: RegExp, where?: 'stdout' | 'stderr'): Promise<RegExpMatchArray>;
  /** Resolves once `pattern` (without flags) matches `count` lines of `where`; rejects if the program exits first. */
  waitForLines(pattern: RegExp, count: number, where?: 'stdout' | 'stderr'): Promise<string[]>;
  /** Send `signal` and wait for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const running = new Set<ChildProcess>();
afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
});

export interface StartOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** How many "Listening on" lines to wait for. @default 1 */
  readonly listening?: number;
  /** Run as this user and group (the test must be root). */
  readonly uid?: number;
  readonly gid?: number;
}

/** Start `loom ARGS` and resolve once it has printed `listening` "Listening on" lines. */
export async function startLoom(args: readonly string[], options: StartOptions = {}): Promise<LoomProgram> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.uid === undefined ? {} : { uid: options.uid }), ...(options.gid === undefined ? {} : { gid: options.gid }),
  });
  running.add(child);
  const out = { stdout: '', stderr: '' };
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    running.delete(child);
    resolve(code);
  }));
  child.stdout!.on('data', (d: Buffer) => void (out.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => void (out.stderr += d.toString()));
  const waitUntil = <T>(where: 'stdout' | 'stderr', found: (text: string) => T | null, what: string): Promise<T> => new Promise((resolve, reject) => {
    const stream = where === 'stdout' ? child.stdout! : child.stderr!;
    const check = (): boolean => {
      const result = found(out[where]);
      if (result === null) return false;
      stream.off('data', onData);
      resolve(result);
      return true;
    };
    // The listener that appends to `out` was added first, so it has run by now.
    const onData = (): void => void check();
    if (check()) return;
    stream.on('data', onData);
    void exited.then((code) => {
      if (!check()) reject(new Error(`loom exited (${code}) before printing ${what}:\n${out.stdout}\n${out.stderr}`));
    });
  });
  const waitFor = (pattern: RegExp, where: 'stdout' | 'stderr' = 'stdout'): Promise<RegExpMatchArray> =>
    waitUntil(where, (text) => text.match(pattern), String(pattern));
  // Line by line: a pattern repeated over the whole output could backtrack for ever on long lines.
  const waitForLines = (pattern: RegExp, count: number, where: 'stdout' | 'stderr' = 'stdout'): Promise<string[]> =>
    waitUntil(where, (text) => {
      const lines = text.split('\n').filter((line) => pattern.test(line));
      return lines.length >= count ? lines : null;
    }, `${count} lines matching ${pattern}`);
  const urls = (await waitForLines(/^Listening on \S+$/, options.listening ?? 1)).map((line) => line.slice('Listening on '.length));
  return {
    child, urls, exited, waitFor, waitForLines,
    stdout: () => out.stdout,
    stderr: () => out.stderr,
    stop: (signal = 'SIGTERM') => {
      child.kill(signal);
      return exited;
    },
  };
}
