/**
 * `npm run hint NN`: shows the next hint for exercise NN, one more each time (the
 * progress file remembers how many you have seen). `npm run hint NN -- --all` shows
 * them all. Without NN, it helps with the first exercise that does not pass yet.
 */
import { existsSync, readFileSync } from 'node:fs';
import { runCommand, type CommandLine } from './workbook/args.ts';
import { listExercises, type Exercise } from './workbook/catalog.ts';
import { pickExercise, UsageError, workbookRoot } from './workbook/cli.ts';
import { palette, wantsColor } from './workbook/colors.ts';
import { nextHintLevel, parseHints, type Hint } from './workbook/hints.ts';
import { loadProgress, progressOf, saveProgress, type Progress } from './workbook/progress.ts';

const COMMAND_LINE: CommandLine<'all'> = {
  command: 'npm run hint',
  synopsis: '[NN] [-- --all]',
  description: 'Shows the next hint for exercise NN, one more each time; without NN, for the first exercise that\ndoes not pass yet.',
  flags: { all: { short: 'a', help: 'Show every hint at once.', fromNpm: true } },
  maxArguments: 1,
};

runCommand(COMMAND_LINE, async ({ flags, args }) => {
  const root = workbookRoot();
  const exercises = listExercises(root);
  const progress = loadProgress(root);
  const exercise = choose(exercises, progress, args[0]);
  if (!existsSync(exercise.hintsPath)) throw new UsageError(`${exercise.name} has no hints.md yet.`);
  const { hints } = parseHints(readFileSync(exercise.hintsPath, 'utf8'));
  if (hints.length === 0) throw new UsageError(`exercises/${exercise.name}/hints.md has no "## Hint 1" section.`);

  const entry = progressOf(progress, exercise.name);
  const level = flags.all ? hints.length : nextHintLevel(entry.hints, hints.length);
  const shown = flags.all ? hints : [hints[level - 1]!];
  console.log(formatHints(exercise, shown, hints.length, level));
  progress.set(exercise.name, { ...entry, hints: Math.max(entry.hints, level) });
  saveProgress(root, progress);
  return 0;
});

/** The exercise named on the command line, or the first one not passed yet. */
function choose(exercises: readonly Exercise[], progress: Progress, query: string | undefined): Exercise {
  if (exercises.length === 0) throw new UsageError('There are no exercises yet.');
  if (query === undefined) {
    const next = exercises.find((e) => progressOf(progress, e.name).status !== 'passed');
    if (next === undefined) throw new UsageError('Every exercise passes: no hints needed. (npm run hint NN shows the hints of exercise NN.)');
    return next;
  }
  return pickExercise(exercises, query);
}

function formatHints(exercise: Exercise, shown: readonly Hint[], count: number, level: number): string {
  const paint = palette(wantsColor(process.stdout));
  const blocks = shown.map((h) => `${paint.bold(`Hint ${h.level} of ${count}`)} for ${exercise.name}:\n\n${h.text}`);
  const n = exercise.number;
  const footer = level < count
    ? `Still stuck? npm run hint ${n} shows hint ${level + 1}.`
    : `That is the last hint. Once your exercise passes (npm run grade ${n}), npm run solution ${n} shows the reference solution.`;
  return [...blocks, paint.dim(footer)].join('\n\n');
}
