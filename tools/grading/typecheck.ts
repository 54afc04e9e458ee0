/**
 * Type-checks exercise files before their tests run, so that a type error is reported
 * as what it is (file, line, message) rather than as a puzzling runtime failure: the
 * tests run through Vitest, which strips types without checking them.
 *
 * It uses the TypeScript compiler API with the repository's own `tsconfig.json`
 * settings, and reports problems only in the files asked about: an import of `lib/`
 * is checked for how it is used, not for `lib/`'s own health. The check runs in a
 * worker thread (`typecheck-worker.mjs`), so that it can overlap with the tests, and so
 * that nothing which only formats a problem loads the compiler. Tests:
 * `test/tools/typecheck.test.ts`.
 */
import { relative, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ROOT } from './subject.ts';

/** One type error, at a place in a file. */
export interface TypeProblem {
  /** Absolute path. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  /** The TypeScript error number: 2322 for TS2322. */
  readonly code: number;
  readonly message: string;
}

const WORKER = new URL('./typecheck-worker.mjs', import.meta.url);

/** Type-check `files` (absolute paths) together; the problems found in them, in file order. */
export function typeCheck(files: readonly string[]): Promise<TypeProblem[]> {
  if (files.length === 0) return Promise.resolve([]);
  return new Promise((resolvePromise, reject) => {
    // No execArgv: the worker is plain JavaScript and needs none of the parent's loaders.
    const worker = new Worker(WORKER, { workerData: { files: [...files], tsconfig: resolve(ROOT, 'tsconfig.json') }, execArgv: [] });
    let problems: TypeProblem[] | undefined;
    worker.once('message', (message: TypeProblem[]) => (problems = message));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (problems !== undefined) resolvePromise(problems.sort(byPlace));
      else reject(new Error(`The type-check worker stopped (exit code ${code}) without an answer.`));
    });
  });
}

/** `exercises/07-x/form.ts:12:5 - error TS2322: Type 'number' is not …`, paths relative to `from`. */
export function formatTypeProblem(problem: TypeProblem, from: string): string {
  const message = problem.message.replace(/\n/g, '\n    ');
  return `${relative(from, problem.file)}:${problem.line}:${problem.column} - error TS${problem.code}: ${message}`;
}

function byPlace(a: TypeProblem, b: TypeProblem): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column;
}
