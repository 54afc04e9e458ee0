import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../tools/grading/subject.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProgress } from '../../tools/workbook/progress.ts';
import { makeWorkbook, writeGreetExercise, type FixtureWorkbook } from './fixture-workbook.ts';
import { runTool, toolEnv, type ToolRun } from './run-tool.ts';

// A learner's workbook in three states: 01 untouched (fails), 02 solved, 03 with a type
// error. `npm run grade` over all of it, over the solved one alone, and for an exercise
// that does not exist: three runs at once (most of a run is spent starting up), the
// second in a copy of the workbook, since each run saves its progress file.
let workbook: FixtureWorkbook;
let copy: FixtureWorkbook;
let all: ToolRun;
let solved: ToolRun;
let missing: ToolRun;

function threeExercises(): FixtureWorkbook {
  const made = makeWorkbook();
  const answer = 'return `Hello, ${name}!`;';
  writeGreetExercise(made, '01-greeting', { starterBody: "return '';", solutionBody: answer });
  writeGreetExercise(made, '02-solved', { starterBody: answer, solutionBody: answer });
  writeGreetExercise(made, '03-typo', { starterBody: 'return 42;', solutionBody: answer });
  return made;
}

beforeAll(async () => {
  workbook = threeExercises();
  copy = threeExercises();
  [all, solved, missing] = await Promise.all([
    runTool('grade.ts', [], { root: workbook.root }),
    runTool('grade.ts', ['2'], { root: copy.root }),
    runTool('grade.ts', ['42'], { root: workbook.root }),
  ]);
}, 120_000);

afterAll(() => {
  workbook?.remove();
  copy?.remove();
});

describe('npm run grade', { timeout: 60_000 }, () => {
  it('reports a type error as a type error, with file:line, before any test result', () => {
    const typeError = all.stdout.indexOf('exercises/03-typo/greet.ts:3:3 - error TS2322');
    expect(typeError).toBeGreaterThanOrEqual(0);
    expect(typeError).toBeLessThan(all.stdout.indexOf('01-greeting'));
  });

  it('prints a progress table with each exercise, its status and tests passed', () => {
    expect(all.stdout).toMatch(/01-greeting\s+✗ failing\s+1\/2/);
    expect(all.stdout).toMatch(/02-solved\s+✓ passed\s+2\/2/);
    expect(all.stdout).toMatch(/03-typo\s+✗ type error\s+–/);
  });

  it("explains a failure with the GradingError's message and no stack of test internals", () => {
    expect(all.stdout).toContain('✗ greets Ada by name');
    expect(all.stdout).toContain('greet("Ada") returned ""; expected "Hello, Ada!"');
    expect(all.stdout).not.toMatch(/node_modules|^\s+at .*\(/m);
  });

  it('exits with 1 when anything graded fails, and 0 when everything graded passes', () => {
    expect(all.code).toBe(1);
    expect(solved.code).toBe(0);
    expect(solved.stdout).toContain('02-solved passes.');
  });

  it('records each grade in .loom-progress.md', () => {
    const progress = parseProgress(readFileSync(join(workbook.root, '.loom-progress.md'), 'utf8'));
    expect(progress.get('01-greeting')).toMatchObject({ status: 'failing', passed: 1, total: 2 });
    expect(progress.get('02-solved')).toMatchObject({ status: 'passed', passed: 2, total: 2 });
    expect(progress.get('03-typo')).toMatchObject({ status: 'type error' });
  });

  it('names the exercises that exist when asked for one that does not', () => {
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('There is no exercise 42. The exercises are: 01 greeting, 02 solved, 03 typo.');
  });
});

describe('npm run grade -- --watch', () => {
  it('grades again when an exercise file is saved, and stops cleanly on SIGTERM', async () => {
    const watched = makeWorkbook();
    try {
      writeGreetExercise(watched, '01-greeting', { starterBody: "return '';", solutionBody: 'return `Hello, ${name}!`;' });
      const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'tools', 'grade.ts'), '01', '--watch'], {
        cwd: ROOT, env: toolEnv(watched.root), stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      const waitFor = (text: string, from: number) => new Promise<number>((resolve, reject) => {
        const check = () => {
          const at = stdout.indexOf(text, from);
          if (at >= 0) resolve(at);
          return at >= 0;
        };
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          check();
        });
        void exited.then((code) => reject(new Error(`grade --watch exited (${code}) before printing ${JSON.stringify(text)}:\n${stdout}`)));
        check();
      });
      const firstWatch = await waitFor('for changes. Ctrl-C stops.', 0);
      expect(stdout.slice(0, firstWatch)).toMatch(/01-greeting\s+✗ failing\s+1\/2/);
      watched.write('exercises/01-greeting/greet.ts', 'export function greet(name: string): string {\n  return `Hello, ${name}!`;\n}\n');
      const secondReport = await waitFor('01-greeting passes.', firstWatch);
      expect(stdout.slice(firstWatch, secondReport)).toMatch(/01-greeting\s+✓ passed\s+2\/2/);
      await waitFor('for changes. Ctrl-C stops.', secondReport);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      watched.remove();
    }
  }, 120_000);
});
