/**
 * The learner's progress, kept in `.loom-progress.md` at the workbook root: a Markdown
 * table a person can read (and edit, or delete to start over), one row per exercise
 * with its last grade and how many hints were shown.
 *
 * ```md
 * | exercise | status | tests | hints seen | last graded |
 * | --- | --- | --- | --- | --- |
 * | 07-handling-posts | failing | 3/5 | 1 | 2026-11-21 14:03 |
 * ```
 *
 * `npm run grade` writes the grade columns, `npm run hint` the hints, `npm run lesson`
 * and `npm run solution` read it. The file is git-ignored: progress is per checkout.
 * Tests: `test/tools/progress.test.ts`.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The progress file's name, at the workbook root. */
export const PROGRESS_FILE = '.loom-progress.md';

/** Where an exercise stands after its last grade. */
export type Status = 'passed' | 'failing' | 'type error' | 'not graded';

const STATUSES: readonly Status[] = ['passed', 'failing', 'type error', 'not graded'];

/** One exercise's row. */
export interface ExerciseProgress {
  readonly status: Status;
  /** Graded tests passed and run at the last grade (0/0 before any). */
  readonly passed: number;
  readonly total: number;
  /** How many hints have been shown (the next `npm run hint` shows one more). */
  readonly hints: number;
  /** When it was last graded, `YYYY-MM-DD HH:MM` local time, or `''`. */
  readonly graded: string;
}

/** Progress per exercise folder name (`07-handling-posts`). */
export type Progress = Map<string, ExerciseProgress>;

/** The row of an exercise nobody has graded or asked a hint for. */
export const NOT_STARTED: ExerciseProgress = { status: 'not graded', passed: 0, total: 0, hints: 0, graded: '' };

/** The entry for `name`, or {@link NOT_STARTED}. */
export function progressOf(progress: Progress, name: string): ExerciseProgress {
  return progress.get(name) ?? NOT_STARTED;
}

/**
 * Read the table back. Rows that cannot be understood are dropped rather than failing
 * the command: the file is meant to be edited by hand, and the worst a bad edit can do
 * is forget one exercise's progress.
 */
export function parseProgress(text: string): Progress {
  const progress: Progress = new Map();
  for (const line of text.split(/\r?\n/)) {
    if (!line.trimStart().startsWith('|')) continue;
    const cells = line.trim().replace(/^\||\|$/g, '').split('|').map((c) => c.trim());
    const [name, status, tests, hints, graded] = cells;
    if (name === undefined || !/^\d{2}-/.test(name)) continue; // the header and the --- row
    const [passed, total] = (tests ?? '').split('/').map((n) => Number.parseInt(n, 10));
    progress.set(name, {
      status: STATUSES.includes(status as Status) ? (status as Status) : 'not graded',
      passed: Number.isFinite(passed) ? passed! : 0,
      total: Number.isFinite(total) ? total! : 0,
      hints: Math.max(0, Number.parseInt(hints ?? '', 10) || 0),
      graded: graded ?? '',
    });
  }
  return progress;
}

/** The file's text: a short note, then the table sorted by exercise. */
export function formatProgress(progress: Progress): string {
  const rows = [...progress.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, p]) =>
    `| ${name} | ${p.status} | ${p.total === 0 && p.status !== 'passed' ? '–' : `${p.passed}/${p.total}`} | ${p.hints} | ${p.graded} |`);
  return [
    '# Loom progress',
    '',
    '`npm run grade` and `npm run hint` keep this file up to date. It is yours: read it, edit it,',
    'or delete it to start over. Git ignores it.',
    '',
    '| exercise | status | tests | hints seen | last graded |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

/** Progress as saved under `root`, or none yet. */
export function loadProgress(root: string): Progress {
  const path = join(root, PROGRESS_FILE);
  return existsSync(path) ? parseProgress(readFileSync(path, 'utf8')) : new Map();
}

/**
 * Save `progress` under `root`. The file is written whole and renamed into place, so a
 * grade interrupted by Ctrl-C never leaves half a table.
 */
export function saveProgress(root: string, progress: Progress): void {
  const path = join(root, PROGRESS_FILE);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, formatProgress(progress));
  renameSync(temporary, path);
}

/** `entry` after a grade, keeping the hints seen. */
export function withGrade(entry: ExerciseProgress, grade: { status: Status; passed: number; total: number }, now: Date): ExerciseProgress {
  return { ...entry, status: grade.status, passed: grade.passed, total: grade.total, graded: formatStamp(now) };
}

/** `2026-11-21 14:03`, local time: what a person wants to read in the file. */
export function formatStamp(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}`;
}
