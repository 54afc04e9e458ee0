/**
 * What `npm run grade` prints: type errors first (they stop an exercise's tests from
 * running), then the progress table, then each failure explained, then what to do next.
 * Pure functions from grades to text, so the layout is tested without running anything
 * (`test/tools/report.test.ts`).
 */
import type { Exercise } from '../workbook/catalog.ts';
import type { Palette } from '../workbook/colors.ts';
import type { Status } from '../workbook/progress.ts';
import { formatTable } from '../workbook/table.ts';
import type { Failure } from './explain.ts';
import { formatTypeProblem, type TypeProblem } from './typecheck.ts';

/** One exercise's grade. */
export interface ExerciseGrade {
  readonly exercise: Exercise;
  readonly status: Exclude<Status, 'not graded'>;
  readonly passed: number;
  readonly total: number;
  readonly failures: readonly Failure[];
  readonly typeProblems: readonly TypeProblem[];
}

/** How much to print. */
export interface ReportOptions {
  readonly root: string;
  readonly paint: Palette;
  /**
   * Explain the failures of every failing exercise, not only the first. Off when
   * grading everything, where the first failing exercise is the one to work on and the
   * others' transcripts would bury it.
   */
  readonly allDetails: boolean;
}

/** The whole report. */
export function formatReport(grades: readonly ExerciseGrade[], options: ReportOptions): string {
  const parts: string[] = [];
  const typeErrors = formatTypeErrors(grades, options);
  if (typeErrors !== '') parts.push(typeErrors);
  parts.push(formatGradeTable(grades, options.paint));
  const failing = grades.filter((g) => g.status === 'failing');
  const detailed = options.allDetails ? failing : failing.slice(0, 1);
  for (const grade of detailed) parts.push(formatFailures(grade, options));
  const rest = failing.slice(detailed.length);
  if (rest.length > 0) {
    parts.push(`Also failing: ${rest.map((g) => g.exercise.number).join(', ')}. ` +
      `\`npm run grade ${rest[0]!.exercise.number}\` explains one; \`npm run grade -- --verbose\` explains them all.`);
  }
  parts.push(formatNextStep(grades, options.paint));
  return `${parts.join('\n\n')}\n`;
}

/** The type errors of every exercise that has some, or `''`. */
export function formatTypeErrors(grades: readonly ExerciseGrade[], options: Pick<ReportOptions, 'root' | 'paint'>): string {
  const problems = grades.flatMap((g) => g.typeProblems);
  if (problems.length === 0) return '';
  const lines = problems.map((p) => `  ${formatTypeProblem(p, options.root)}`);
  const heading = options.paint.red(options.paint.bold('Type errors')) + ' (fix these first: the tests of an exercise with a type error do not run)';
  return [heading, '', ...lines].join('\n');
}

/** The progress table: exercise, status, tests passed out of total. */
export function formatGradeTable(grades: readonly ExerciseGrade[], paint: Palette): string {
  const rows = grades.map((g) => [
    g.exercise.name,
    g.status === 'passed' ? paint.green('✓ passed') : paint.red(`✗ ${g.status}`),
    g.status === 'type error' ? '–' : `${g.passed}/${g.total}`,
  ]);
  return formatTable(['exercise', 'status', 'tests'], rows, ['left', 'left', 'right']);
}

/** Every failure of one exercise, explained. */
export function formatFailures(grade: ExerciseGrade, options: Pick<ReportOptions, 'paint'>): string {
  const { paint } = options;
  const failed = grade.total - grade.passed;
  const heading = paint.bold(`${grade.exercise.name}: ${failed} of ${grade.total} graded test${grade.total === 1 ? '' : 's'} failed`);
  const blocks = grade.failures.map((f) => {
    const lines = [paint.red(`✗ ${f.test}`), indent(f.message, '  ')];
    if (f.where !== undefined) lines.push(paint.dim(`  at ${f.where}`));
    if (f.logs.length > 0) lines.push('  Your code printed:', indent(clipLines(f.logs.join('').trimEnd(), 30), '  | '));
    return lines.join('\n');
  });
  return [heading, ...blocks].join('\n\n');
}

/** One line on where things stand and what to do next. */
export function formatNextStep(grades: readonly ExerciseGrade[], paint: Palette): string {
  const passing = grades.filter((g) => g.status === 'passed').length;
  if (grades.length === 1) {
    const { exercise, status } = grades[0]!;
    if (status === 'passed') {
      return paint.green(`${exercise.name} passes.`) + ` Compare with the reference solution: npm run solution ${exercise.number}`;
    }
    return `Not yet. Stuck? npm run hint ${exercise.number}`;
  }
  if (passing === grades.length) return paint.green(`All ${grades.length} exercises pass.`);
  const next = grades.find((g) => g.status !== 'passed')!;
  return `${passing} of ${grades.length} exercises pass. Next up: ${next.exercise.name} (npm run grade ${next.exercise.number}; stuck? npm run hint ${next.exercise.number})`;
}

function indent(text: string, prefix: string): string {
  return text.split('\n').map((line) => (line === '' ? prefix.trimEnd() : prefix + line)).join('\n');
}

function clipLines(text: string, max: number): string {
  const lines = text.split('\n');
  return lines.length <= max ? text : [...lines.slice(0, max), `… (${lines.length - max} more lines)`].join('\n');
}
