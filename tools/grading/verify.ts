/**
 * `npx tsx tools/grading/verify.ts [NN …] [--json]`: checks exercises the way `npm test`
 * does (see checks.ts): the reference solution passes, the untouched starter fails,
 * everything type-checks, the hints and files are in place. For exercise authors; the
 * exit code is 0 only when every exercise checked is sound. `--json` prints the verdicts
 * as one JSON line instead (test/exercises.test.ts reads it); `--fast` lets test files
 * share modules (see checkExercises), as npm test does.
 */
import { parseArgs } from 'node:util';
import { describeItems, findItem, listExercises, type Exercise } from '../workbook/catalog.ts';
import { palette, runMain, UsageError, wantsColor, workbookRoot } from '../workbook/cli.ts';
import { checkExercises, type Verdict } from './checks.ts';

runMain(async () => {
  const { values, positionals } = parseArgs({ args: process.argv.slice(2), allowPositionals: true, options: { json: { type: 'boolean' }, fast: { type: 'boolean' } } });
  const root = workbookRoot();
  const all = listExercises(root);
  const chosen = positionals.length === 0 ? all : positionals.map((q) => pick(all, q));
  const verdicts = await checkExercises(root, chosen, { isolate: values.fast !== true });
  if (values.json === true) process.stdout.write(`\n${JSON.stringify({ verdicts })}\n`);
  else console.log(formatVerdicts(verdicts));
  return verdicts.every((v) => v.problems.length === 0) ? 0 : 1;
});

function pick(exercises: readonly Exercise[], query: string): Exercise {
  const found = findItem(exercises, query);
  if (found === undefined) throw new UsageError(`There is no exercise ${query}. The exercises are: ${describeItems(exercises)}.`);
  return found;
}

function formatVerdicts(verdicts: readonly Verdict[]): string {
  if (verdicts.length === 0) return 'There are no exercises to check.';
  const paint = palette(wantsColor(process.stdout));
  return verdicts.map((v) => {
    const head = `${v.problems.length === 0 ? paint.green('✓') : paint.red('✗')} ${v.exercise}  ` +
      paint.dim(`solution ${v.solution.passed}/${v.solution.total}, starter ${v.starter.passed}/${v.starter.total}`);
    return [head, ...v.problems.map((p) => `    ${p.message.replace(/\n/g, '\n    ')}`)].join('\n');
  }).join('\n');
}
