/**
 * The outside programs some tests run for real: perl, php-cgi, curl, redis-server,
 * nginx, Twisted, Chromium. `.ci/run` installs them, so under `CI=true` a missing one is
 * a failure; elsewhere the tests that need it are skipped, and the skip says why and
 * how to install it. Every such test goes through `requires()`, so the rule is kept in
 * one place.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { beforeAll, describe, it } from 'vitest';

/** The absolute path of `program` on PATH (or in /usr/sbin, where Debian puts daemons), or null. */
export function which(program: string): string | null {
  const found = spawnSync('sh', ['-c', 'command -v "$0"', program], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status === 0 && path !== '') return path;
  const sbin = `/usr/sbin/${program}`;
  return existsSync(sbin) ? sbin : null;
}

/** Where tests that need a program find it, and how they skip or fail without it. */
export interface Requirement {
  /** What is needed, as a person would say it: `php-cgi`, `python3-twisted`. */
  readonly name: string;
  /** The program's path, or null when it is missing. */
  readonly path: string | null;
  /** True when the tests run: the program is here, or CI says it must be. */
  readonly runs: boolean;
  /** Why the tests are skipped (or would fail under CI), with the install command. */
  readonly reason: string;
  /** `describe`, skipped with the reason outside CI; under CI, failing with it. */
  describe(title: string, body: () => void): void;
  /** `it`, the same way. */
  it(title: string, body: () => unknown, timeout?: number): void;
}

/** Options for {@link requires}. */
export interface RequireOptions {
  /** How to install it. @default `apt-get install <name>` */
  install?: string;
  /** How to find it, when it is not a program on PATH (a Python module, say). @default which(name) */
  find?: () => string | null;
}

/**
 * What the tests that need `name` should do here.
 *
 * @example
 * const perl = requires('perl');
 * perl.describe('with Perl', () => { … perl.path … });
 */
export function requires(name: string, options: RequireOptions = {}): Requirement {
  const path = (options.find ?? (() => which(name)))();
  const inCI = process.env.CI === 'true';
  const reason = `${name} is not installed (${options.install ?? `apt-get install ${name}`})`;
  const runs = path !== null || inCI;
  // Under CI the tests run and fail at once with the reason, rather than vanish.
  const failInCI = (): void => {
    if (path === null) throw new Error(`${reason}; CI must run these tests, and .ci/run installs it.`);
  };
  return {
    name, path, runs, reason,
    describe(title, body) {
      if (!runs) return describe.skip(`${title} [skipped: ${reason}]`, body);
      describe(title, () => {
        beforeAll(failInCI);
        body();
      });
    },
    it(title, body, timeout) {
      if (!runs) return it.skip(`${title} [skipped: ${reason}]`, () => {});
      it(title, async () => {
        failInCI();
        await body();
      }, timeout);
    },
  };
}

/**
 * Run curl with `args` and resolve with the status code and body it got. Asynchronous
 * on purpose: the server answering it runs on this process's event loop, which a
 * synchronous spawn would block. `-w` puts the code after the body's last byte.
 */
export function curl(...args: string[]): Promise<{ code: string; body: string }> {
  return new Promise((resolve, reject) => {
    execFile('curl', ['-s', '-w', '\n%{http_code}', ...args], { encoding: 'utf8', timeout: 10_000 }, (error, stdout) => {
      if (error !== null) return reject(error);
      const end = stdout.lastIndexOf('\n');
      resolve({ code: stdout.slice(end + 1), body: stdout.slice(0, end) });
    });
  });
}
