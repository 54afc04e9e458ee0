/**
 * Loads the file a graded test is grading: the learner's own file in exercises/, or,
 * when `LOOM_SUBJECT=solution`, the reference solution kept apart in solutions/.
 *
 * `npm run grade` grades the learner's files; `npm test` grades both the solutions
 * (which must pass) and the untouched starters (which must fail), through this one door.
 *
 * @example
 * // exercises/02-dynamic-content/clock-page.test.ts
 * const { ClockPage } = await subject<typeof import('./clock-page.ts')>(import.meta.url, 'clock-page.ts');
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root (two folders above this file). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Which copy of an exercise file to load: the learner's starter, or the reference solution. */
export function subjectKind(): 'exercise' | 'solution' {
  return process.env.LOOM_SUBJECT === 'solution' ? 'solution' : 'exercise';
}

/**
 * The path of `file` for the exercise whose test lives at `testUrl`. The solution of
 * `exercises/NN-slug/` is in the `solutions/NN-slug/` beside that `exercises/` folder
 * (for the real workbook: under {@link ROOT}; the runner's tests grade fixture workbooks
 * kept elsewhere).
 */
export function subjectPath(testUrl: string, file: string): string {
  const exerciseDir = dirname(fileURLToPath(testUrl));
  if (subjectKind() === 'exercise') return join(exerciseDir, file);
  const workbook = dirname(dirname(exerciseDir));
  const solution = join(workbook, 'solutions', basename(exerciseDir), file);
  if (!existsSync(solution)) throw new Error(`No reference solution at ${solution}`);
  return solution;
}

/** Import the module under test. `T` is its type, taken from the starter: `typeof import('./file.ts')`. */
export async function subject<T>(testUrl: string, file: string): Promise<T> {
  return (await import(pathToFileURL(subjectPath(testUrl, file)).href)) as T;
}
