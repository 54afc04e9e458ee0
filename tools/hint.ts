/**
 * `npm run hint NN`: shows the next hint for exercise NN, one more each time (the
 * progress file remembers how many you have seen). `npm run hint NN -- --all` shows
 * them all. Without NN, it helps with the first exercise that does not pass yet.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { listExercises, type Exercise } from './workbook/catalog.ts';
import { npmPassedFlag, palette, pickExercise, runMain, UsageError, wantsColor, workbookRoot } from './workbook/cli.ts';
import { nextHintLevel, parseHints, type Hint } from './workbook/hints.ts';
import { loadProgress, progressOf, saveProgress, type Progress } from './workbook/progress.ts';

const USAGE = 'Usage: npm run hint [NN] [-- --all]';

runMain(async () => {
  const { values, positionals } = parseOptions(process.argv.slice(2));
  const root = workbookRoot();
  const exercises = listExercises(root);
  const progress = loadProgress(root);
  const exercise = choose(exercises, progress, positionals[0]);
  if (!existsSync(exercise.hintsPath)) throw new UsageError(`${exercise.name} has no hints.md yet.`);
  const { hints } = parseHints(readFileSync(exercise.hintsPath, 'utf8'));
  if (hints.length === 0) throw new UsageError(`exercises/${exercise.name}/hints.md has no "## Hint 1" section.`);

  const entry = progressOf(progress, exercise.name);
  const all = values.all === true || npmPassedFlag('all');
  const level = all ? hints.length : nextHintLevel(entry.hints, hints.length);
  const shown = all ? hints : [hints[level - 1]!];
  console.log(formatHints(exercise, shown, hints.length, level));
  progress.set(exercise.name, { ...entry, hints: Math.max(entry.hints, level) });
  saveProgress(root, progress);
  return 0;
});

function parseOptions(args: string[]) {
  try {
    return parseArgs({ args, allowPositionals: true, options: { all: { type: 'boolean', short: 'a' } } });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
}

/** The exercise named on the command line, or the first one not passed yet. */
function choose(exercises: readonly Exercise[], progress: Progress, query: string | undefined): Exercise {
  if (exercises.length === 0) throw new UsageError('There are no exercises yet.');
  if (query === undefined) {
    const next = exercises.find((e) => progressOf(progress, e.name).status !== 'passed');
    if (next === undefined) throw new UsageError(`Every exercise passes: no hints needed. (${USAGE})`);
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
