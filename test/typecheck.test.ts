/**
 * The whole project type-checks under strict TypeScript: the library, lessons,
 * exercises, solutions, tools, tests and benchmarks (tsconfig.json), and, apart, the
 * resource scripts with their ambient names (tsconfig.scripts.json). Run here rather than
 * as a step before Vitest, so it overlaps with the other test files instead of adding to
 * the wall time.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

function typecheck(project: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [tsc, '--noEmit', '-p', project], { cwd: new URL('..', import.meta.url), maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, output: `${stdout}${stderr}` });
    });
  });
}

describe('the project', { timeout: 240_000 }, () => {
  it('type-checks (tsconfig.json and tsconfig.scripts.json)', async () => {
    const [main, scripts] = await Promise.all([typecheck('tsconfig.json'), typecheck('tsconfig.scripts.json')]);
    expect(main.output.trim(), 'tsc -p tsconfig.json').toBe('');
    expect(main.code).toBe(0);
    expect(scripts.output.trim(), 'tsc -p tsconfig.scripts.json').toBe('');
    expect(scripts.code).toBe(0);
  });
});
