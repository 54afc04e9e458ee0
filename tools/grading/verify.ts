/**
 * `npx tsx tools/grading/verify.ts [NN …] [--json]`: checks exercises the way `npm test`
 * does (see checks.ts): the reference solution passes, the untouched starter fails,
 * everything type-checks, the hints and files are in place. For exercise authors; the
 * exit code is 0 only when every exercise checked is sound. `--json` prints the verdicts
 * as one JSON line instead (test/exercises.test.ts reads it); `--fast` lets test files
 * share modules (see checkExercises), as npm test does.
 */
import { runCommand, type CommandLine } from '../workbook/args.ts';
import { listExercises } from '../workbook/catalog.ts';
import { pickExercise, workbookRoot } from '../workbook/cli.ts';
import { palette, wantsColor } from '../workbook/colors.ts';
import { checkExercises, type Verdict } from './checks.ts';

const COMMAND_LINE: CommandLine<'json' | 'fast'> = {
  command: 'npx tsx tools/grading/verify.ts',
  synopsis: '[NN …] [--json] [--fast]',
  description: 'Checks exercises (all of them, or NN …) the way npm test does: the solution passes, the\n' +
    'starter fails, everything type-checks, the hints and files are in place. Exits with 0 only when\n' +
    'every exercise checked is sound.',
  flags: {
    json: { help: 'Print the verdicts as one JSON line (test/exercises.test.ts reads it).' },
    fast: { help: 'Let test files share modules, as npm test does (see checkExercises).' },
  },
};

runCommand(COMMAND_LINE, async ({ flags, args }) => {
  const root = workbookRoot();
  const all = listExercises(root);
  const chosen = args.length === 0 ? all : args.map((q) => pickExercise(all, q));
  const verdicts = await checkExercises(root, chosen, { isolate: !flags.fast });
  if (flags.json) process.stdout.write(`\n${JSON.stringify({ verdicts })}\n`);
  else console.log(formatVerdicts(verdicts));
  return verdicts.every((v) => v.problems.length === 0) ? 0 : 1;
});

function formatVerdicts(verdicts: readonly Verdict[]): string {
  if (verdicts.length === 0) return 'There are no exercises to check.';
  const paint = palette(wantsColor(process.stdout));
  return verdicts.map((v) => {
    const head = `${v.problems.length === 0 ? paint.green('✓') : paint.red('✗')} ${v.exercise}  ` +
      paint.dim(`solution ${v.solution.passed}/${v.solution.total}, starter ${v.starter.passed}/${v.starter.total}`);
    return [head, ...v.problems.map((p) => `    ${p.message.replace(/\n/g, '\n    ')}`)].join('\n');
  }).join('\n');
}
