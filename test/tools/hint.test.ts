import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProgress } from '../../tools/workbook/progress.ts';
import { makeWorkbook, type FixtureWorkbook } from './fixture-workbook.ts';
import { runTool } from './run-tool.ts';

let workbook: FixtureWorkbook;

beforeAll(() => {
  workbook = makeWorkbook();
  workbook.write('exercises/01-greeting/greet.ts', '// TODO\n');
  workbook.write('exercises/01-greeting/hints.md', '## Hint 1\n\nFirst nudge.\n\n## Hint 2\n\nSecond nudge.\n\n## Hint 3\n\nRead lib/resource.ts.\n');
  workbook.write('exercises/02-farewell/bye.ts', '// TODO\n');
});

afterAll(() => workbook.remove());

const hint = (...args: string[]) => runTool('hint.ts', args, { root: workbook.root });

// Each test starts commands as child processes: allow for a loaded machine.
describe('npm run hint', { timeout: 60_000 }, () => {
  it('shows one more hint each time, remembering the level in the progress file', async () => {
    const first = await hint('01');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Hint 1 of 3 for 01-greeting:\n\nFirst nudge.');
    expect(first.stdout).toContain('Still stuck? npm run hint 01 shows hint 2.');
    expect(loadProgress(workbook.root).get('01-greeting')?.hints).toBe(1);

    const second = await hint('1');
    expect(second.stdout).toContain('Hint 2 of 3 for 01-greeting:\n\nSecond nudge.');
    expect(second.stdout).not.toContain('First nudge.');
    expect(loadProgress(workbook.root).get('01-greeting')?.hints).toBe(2);
  });

  it('shows every hint with --all, and then repeats the last one', async () => {
    const all = await hint('01', '--all');
    expect(all.stdout).toMatch(/First nudge\.[\s\S]*Second nudge\.[\s\S]*Read lib\/resource\.ts\./);
    expect(all.stdout).toContain('That is the last hint.');
    expect(loadProgress(workbook.root).get('01-greeting')?.hints).toBe(3);
    const again = await hint('01');
    expect(again.stdout).toContain('Hint 3 of 3 for 01-greeting');
  });

  it('still shows every hint when npm kept --all for itself (npm run hint 01 --all, without the --)', async () => {
    const run = await runTool('hint.ts', ['01'], { root: workbook.root, env: { npm_config_all: 'true' } });
    expect(run.stdout).toMatch(/First nudge\.[\s\S]*Second nudge\.[\s\S]*Read lib\/resource\.ts\./);
  });

  it('says so when an exercise has no hints, or does not exist', async () => {
    const none = await hint('02');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('02-farewell has no hints.md yet.');
    const missing = await hint('9');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('There is no exercise 9. The exercises are: 01 greeting, 02 farewell.');
  });
});
