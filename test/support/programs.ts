/**
 * Checks for the outside programs some tests run for real (perl, php-cgi). Under CI a
 * missing program is a failure, because CI installs them; elsewhere the tests that need
 * one are skipped, and the skip names the program.
 */
import { spawnSync } from 'node:child_process';

/** The absolute path of `program` on PATH, or null. */
export function which(program: string): string | null {
  const found = spawnSync('sh', ['-c', `command -v "$0"`, program], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path !== '' ? path : null;
}

/**
 * Whether the tests needing `program` should run: true when it is installed, and also
 * under CI (where a missing program must make those tests fail, not vanish).
 */
export function shouldRunWith(program: string): boolean {
  return which(program) !== null || process.env.CI === 'true';
}
