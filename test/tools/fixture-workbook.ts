/**
 * Small throwaway workbooks for the runner's tests: a folder with `exercises/`,
 * `solutions/` (and whatever else a test writes), made under the repository's git-ignored
 * `scratch/` folder. Inside the repository, because a graded test imports `vitest`, the
 * grading helpers and `lib/` exactly as a real exercise does, and those imports must
 * resolve. Not under `test/`, because the library's own test run would pick up the
 * fixtures' `*.test.ts` files (and `tsc` would check their deliberate type errors).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { ROOT } from '../../tools/grading/subject.ts';

/** A temporary workbook. */
export interface FixtureWorkbook {
  readonly root: string;
  /** Write `text` at `path` (relative to the root), making folders as needed. */
  write(path: string, text: string): void;
  /** Delete the workbook. */
  remove(): void;
}

/** Make an empty workbook under `scratch/`. */
export function makeWorkbook(): FixtureWorkbook {
  mkdirSync(join(ROOT, 'scratch'), { recursive: true });
  const root = mkdtempSync(join(ROOT, 'scratch', 'workbook-'));
  return {
    root,
    write(path, text) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    },
    remove() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Hints that pass the authoring checks. */
export const GOOD_HINTS = '## Hint 1\n\nReturn a string.\n\n## Hint 2\n\nSee how lib/resource.ts renders.\n';

/**
 * The shape every fixture exercise shares: `greet.ts` exports `greet(name)`, and the
 * graded test expects `Hello, NAME!`. Exercises differ only in what the starter and the
 * solution return, which is what the checks are about:
 * - `starterBody`/`solutionBody`: the body of `greet` in each.
 */
export function writeGreetExercise(workbook: FixtureWorkbook, name: string, options: { starterBody: string; solutionBody: string; hints?: string | null }): void {
  const subjectImport = relative(join(workbook.root, 'exercises', name), join(ROOT, 'tools', 'grading', 'subject.ts')).split('\\').join('/');
  const wireImport = subjectImport.replace(/subject\.ts$/, 'wire.ts');
  workbook.write(`exercises/${name}/greet.ts`, `// TODO: greet by name.\nexport function greet(name: string): string {\n  ${options.starterBody}\n}\n`);
  workbook.write(`solutions/${name}/greet.ts`, `export function greet(name: string): string {\n  ${options.solutionBody}\n}\n`);
  workbook.write(`exercises/${name}/greet.test.ts`, [
    "import { expect, it } from 'vitest';",
    `import { subject } from '${subjectImport}';`,
    `import { GradingError } from '${wireImport}';`,
    "const { greet } = await subject<typeof import('./greet.ts')>(import.meta.url, 'greet.ts');",
    '',
    "it('greets Ada by name', () => {",
    "  const got = greet('Ada');",
    "  if (got !== 'Hello, Ada!') throw new GradingError(`greet(\"Ada\") returned ${JSON.stringify(got)}; expected \"Hello, Ada!\"`);",
    '});',
    '',
    "it('returns a string', () => {",
    "  expect(typeof greet('Bob')).toBe('string');",
    '});',
    '',
  ].join('\n'));
  if (options.hints !== null) workbook.write(`exercises/${name}/hints.md`, options.hints ?? GOOD_HINTS);
}
