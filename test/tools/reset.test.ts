import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProgress } from '../../tools/workbook/progress.ts';
import { makeWorkbook, type FixtureWorkbook } from './fixture-workbook.ts';
import { runTool } from './run-tool.ts';

// A workbook that is its own git repository, with the starter committed, then edited
// by the learner (who has also seen a hint and added a file of their own).
let workbook: FixtureWorkbook;
const STARTER = '// TODO: greet by name\nexport const greet = (name: string) => "";\n';
const EDITED = 'export const greet = (name: string) => `Hello, ${name}!`;\n';

beforeAll(() => {
  workbook = makeWorkbook();
  workbook.write('exercises/01-greeting/greet.ts', STARTER);
  workbook.write('exercises/01-greeting/hints.md', '## Hint 1\n\nA.\n');
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=Loom', '-c', 'user.email=loom@example.org', ...args], { cwd: workbook.root, stdio: 'pipe' });
  git('init', '-q');
  git('add', '.');
  git('commit', '-q', '-m', 'starter');
  workbook.write('exercises/01-greeting/greet.ts', EDITED);
  workbook.write('exercises/01-greeting/notes.ts', '// mine\n');
  workbook.write('.loom-progress.md', '| 01-greeting | passed | 2/2 | 1 | 2026-11-21 10:00 |\n');
});

afterAll(() => workbook.remove());

const reset = (...args: string[]) => runTool('reset.ts', args, { root: workbook.root });
const starterFile = () => readFileSync(join(workbook.root, 'exercises/01-greeting/greet.ts'), 'utf8');

// Each test starts commands as child processes: allow for a loaded machine.
describe('npm run reset', { timeout: 60_000 }, () => {
  it('refuses to reset without --yes when there is no terminal to ask in, and changes nothing', async () => {
    const run = await reset('01');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Resetting would throw away your changes to:\n  exercises/01-greeting/greet.ts');
    expect(run.stderr).toContain('npm run reset 01 -- --yes');
    expect(starterFile()).toBe(EDITED);
  });

  it('puts back the committed starter with --yes, keeps files it does not know, and marks the exercise not graded', async () => {
    const run = await reset('01', '--yes');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Reset 01-greeting:\n  exercises/01-greeting/greet.ts');
    expect(starterFile()).toBe(STARTER);
    expect(readFileSync(join(workbook.root, 'exercises/01-greeting/notes.ts'), 'utf8')).toBe('// mine\n');
    expect(loadProgress(workbook.root).get('01-greeting')).toMatchObject({ status: 'not graded', hints: 1 });
  });

  it('says there is nothing to reset when the files are as committed', async () => {
    const run = await reset('01');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('exercises/01-greeting is already as committed: nothing to reset.');
  });
});
