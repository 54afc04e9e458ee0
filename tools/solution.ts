/**
 * `npm run solution NN`: shows the reference solution of exercise NN, once your own
 * passes (`npm run grade NN` records that in the progress file). Reading it after
 * solving is how you compare approaches; reading it before is how you skip the
 * learning, so that takes `-- --force`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { runCommand, usageMistake, type CommandLine } from './workbook/args.ts';
import { listExercises, type Exercise } from './workbook/catalog.ts';
import { pickExercise, UsageError, workbookRoot } from './workbook/cli.ts';
import { palette, wantsColor } from './workbook/colors.ts';
import { loadProgress, progressOf } from './workbook/progress.ts';

const COMMAND_LINE: CommandLine<'force'> = {
  command: 'npm run solution',
  synopsis: 'NN [-- --force]',
  description: 'Shows the reference solution of exercise NN, once your own passes (npm run grade NN).',
  flags: { force: { short: 'f', help: 'Show it even though your exercise does not pass yet.' } },
  maxArguments: 1,
};

runCommand(COMMAND_LINE, async ({ flags, args }) => {
  const root = workbookRoot();
  const exercises = listExercises(root);
  if (args.length === 0) throw usageMistake(COMMAND_LINE, 'Which exercise? Name it: npm run solution NN.');
  const exercise = pickExercise(exercises, args[0]!);
  const n = exercise.number;
  if (!flags.force && progressOf(loadProgress(root), exercise.name).status !== 'passed') {
    console.error([
      `The solution to ${exercise.name} opens once your exercise passes: npm run grade ${n}`,
      `Stuck? npm run hint ${n} gives a hint at a time. To read it anyway: npm run solution ${n} -- --force`,
    ].join('\n'));
    return 1;
  }
  console.log(formatSolution(root, exercise));
  return 0;
});

/** Each solution file, under a heading naming it, then how to compare it with yours. */
function formatSolution(root: string, exercise: Exercise): string {
  const paint = palette(wantsColor(process.stdout));
  const files = exercise.starterFiles.map((f) => join(exercise.solutionDir, basename(f))).filter((f) => existsSync(f));
  if (files.length === 0) throw new UsageError(`There is no reference solution for ${exercise.name} yet (looked in ${relative(root, exercise.solutionDir)}/).`);
  const blocks = files.map((f) => `${paint.bold(`── ${relative(root, f)} ──`)}\n\n${readFileSync(f, 'utf8').trimEnd()}`);
  const compare = files.map((f) => `git diff --no-index ${relative(root, join(exercise.dir, basename(f)))} ${relative(root, f)}`);
  return [...blocks, paint.dim(`Compare with yours:\n  ${compare.join('\n  ')}`)].join('\n\n');
}
