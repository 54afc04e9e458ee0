/**
 * Stand-ins for the process, for running `main()` (lib/app/cli.ts) in the test's own
 * process: streams that record what the program printed, and the two signals (stop,
 * stop at once) under the test's control.
 */
import { PassThrough } from 'node:stream';
import type { ProgramIO } from '../../lib/app/program.ts';

export interface FakeProgramIO extends ProgramIO {
  out(): string;
  err(): string;
  /** The first signal: stop gracefully. */
  signal(name?: string): void;
  /** The second signal: stop at once. */
  signalAgain(name?: string): void;
  /** Resolves with the URLs of the first `count` "Listening on" lines. */
  listening(count?: number): Promise<string[]>;
}

export function fakeProgramIO(cwd: string): FakeProgramIO {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => void (out += d.toString()));
  stderr.on('data', (d: Buffer) => void (err += d.toString()));
  let stop!: (signal: string) => void;
  let stopNow!: (signal: string) => void;
  return {
    stdout, stderr, cwd,
    stopRequested: new Promise((resolve) => (stop = resolve)),
    stopNow: new Promise((resolve) => (stopNow = resolve)),
    out: () => out,
    err: () => err,
    signal: (name = 'SIGTERM') => stop(name),
    signalAgain: (name = 'SIGTERM') => stopNow(name),
    listening: (count = 1) => new Promise((resolve) => {
      const check = (): void => {
        const urls = [...out.matchAll(/^Listening on (\S+)$/gm)].map((m) => m[1]!);
        if (urls.length >= count) resolve(urls.slice(0, count));
        else stdout.once('data', () => setImmediate(check));
      };
      check();
    }),
  };
}
