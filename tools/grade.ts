/**
 * `npm run grade [NN …] [-- --watch] [-- --verbose]`: grades your exercise files.
 *
 * It type-checks them, runs their graded tests, prints a table of where each exercise
 * stands and explains every failure with the request sent and the response received.
 * The result is saved in `.loom-progress.md`. The exit code is 0 only when everything
 * graded passes. `--watch` grades again each time you save a file in an exercise.
 */
import { watch, type FSWatcher } from 'node:fs';
import { runCommand, type CommandLine } from './workbook/args.ts';
import { listExercises, type Exercise } from './workbook/catalog.ts';
import { pickExercise, workbookRoot } from './workbook/cli.ts';
import { palette, wantsColor } from './workbook/colors.ts';
import { loadProgress, progressOf, saveProgress, withGrade } from './workbook/progress.ts';
import { onStop } from './workbook/stopping.ts';
import { gradeExercises } from './grading/grader.ts';
import { formatReport, type ExerciseGrade } from './grading/report.ts';

const COMMAND_LINE: CommandLine<'watch' | 'verbose'> = {
  command: 'npm run grade',
  synopsis: '[NN …] [-- --watch] [-- --verbose]',
  description: 'Grades your exercise files (all of them, or exercises NN …): type-checks them, runs their\n' +
    'graded tests, prints where each exercise stands and explains each failure. Exits with 0 only\n' +
    'when everything graded passes.',
  flags: {
    watch: { short: 'w', help: 'Grade again each time you save a file in an exercise.', fromNpm: true },
    verbose: { short: 'v', help: 'Explain the failures of every failing exercise, not only the first.', fromNpm: true },
  },
};

runCommand(COMMAND_LINE, async ({ flags, args }) => {
  const root = workbookRoot();
  const all = listExercises(root);
  if (all.length === 0) {
    console.log('There are no exercises yet: nothing to grade.');
    return 0;
  }
  const chosen = args.length === 0 ? all : args.map((q) => pickExercise(all, q));
  const allDetails = flags.verbose || args.length > 0;
  const grades = await gradeAndReport(root, chosen, allDetails);
  if (!flags.watch) return grades.every((g) => g.status === 'passed') ? 0 : 1;
  return watchAndGrade(root, chosen, allDetails);
});

/** Grade, print the report, save progress. */
async function gradeAndReport(root: string, exercises: readonly Exercise[], allDetails: boolean): Promise<ExerciseGrade[]> {
  const color = wantsColor(process.stdout);
  const grades = await gradeExercises(root, exercises, { color });
  const progress = loadProgress(root);
  const now = new Date();
  for (const g of grades) progress.set(g.exercise.name, withGrade(progressOf(progress, g.exercise.name), g, now));
  saveProgress(root, progress);
  process.stdout.write(formatReport(grades, { root, paint: palette(color), allDetails }));
  return grades;
}

/**
 * Watch each exercise folder (folders, not files: editors that save by writing a new
 * file and renaming it over the old one would otherwise be missed) and grade again the
 * exercise whose `.ts` files changed. Changes made while a grade runs are graded next.
 */
function watchAndGrade(root: string, exercises: readonly Exercise[], allDetails: boolean): Promise<number> {
  const changed = new Set<Exercise>();
  let timer: NodeJS.Timeout | undefined;
  let grading = false;
  const announce = () => console.log(`\nWatching ${exercises.length === 1 ? exercises[0]!.name : 'your exercises'} for changes. Ctrl-C stops.`);

  const regrade = async () => {
    if (grading || changed.size === 0) return;
    grading = true;
    const batch = exercises.filter((e) => changed.has(e));
    changed.clear();
    console.log(`\n── ${new Date().toLocaleTimeString()}: grading ${batch.map((e) => e.name).join(', ')} ──\n`);
    try {
      await gradeAndReport(root, batch, allDetails);
    } catch (error) {
      console.error(error instanceof Error ? error.message : String(error));
    }
    grading = false;
    announce();
    if (changed.size > 0) void regrade();
  };

  const watchers: FSWatcher[] = exercises.map((exercise) =>
    watch(exercise.dir, (_event, file) => {
      if (file !== null && !String(file).endsWith('.ts')) return;
      changed.add(exercise);
      clearTimeout(timer);
      timer = setTimeout(() => void regrade(), 150); // one grade for an editor's burst of writes
    }));
  announce();
  return new Promise((resolve) => {
    // Listening once: a second Ctrl-C, during a grade, then ends the process at once.
    const stopListening = onStop(() => {
      stopListening();
      for (const w of watchers) w.close();
      clearTimeout(timer);
      resolve(0); // Ctrl-C is how watching ends, not a failure (npm would print an error for 1)
    });
  });
}
