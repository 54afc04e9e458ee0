import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkbook, type FixtureWorkbook } from './fixture-workbook.ts';
import { runTool } from './run-tool.ts';

let workbook: FixtureWorkbook;

beforeAll(() => {
  workbook = makeWorkbook();
  workbook.write('exercises/01-greeting/greet.ts', '// TODO: greet\n');
  workbook.write('solutions/01-greeting/greet.ts', 'export const greeting = "the reference answer";\n');
});

afterAll(() => workbook.remove());

const solution = (...args: string[]) => runTool('solution.ts', args, { root: workbook.root });

// Each test starts commands as child processes: allow for a loaded machine.
describe('npm run solution', { timeout: 60_000 }, () => {
  it('keeps the solution shut until the exercise passes, and says how to get there', async () => {
    const run = await solution('01');
    expect(run.code).toBe(1);
    expect(run.stdout).not.toContain('the reference answer');
    expect(run.stderr).toContain('The solution to 01-greeting opens once your exercise passes: npm run grade 01');
    expect(run.stderr).toContain('npm run solution 01 -- --force');
  });

  it('shows it with --force', async () => {
    const run = await solution('01', '--force');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('── solutions/01-greeting/greet.ts ──\n\nexport const greeting = "the reference answer";');
  });

  it('shows it once the progress file says the exercise passed, with how to compare', async () => {
    workbook.write('.loom-progress.md', '| 01-greeting | passed | 2/2 | 0 | 2026-11-21 10:00 |\n');
    const run = await solution('01');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('the reference answer');
    expect(run.stdout).toContain('git diff --no-index exercises/01-greeting/greet.ts solutions/01-greeting/greet.ts');
  });
});
