/**
 * The lesson plan as lessons/README.md lists it, every number from 01 to the last, written
 * or not, so that a command asked for a lesson that is not written yet can say so rather
 * than only "no such lesson". Not Twisted's: a workbook tool.
 * Tests: `test/tools/plan.test.ts`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeItems, listLessons } from './catalog.ts';

/** One row of the plan: `20`, `request-lifecycle`, what it teaches. */
export interface PlannedLesson {
  readonly number: string;
  readonly slug: string;
  readonly teaches: string;
}

/** The rows of the lesson table in `markdown` (lessons/README.md). */
export function parsePlan(markdown: string): PlannedLesson[] {
  const rows: PlannedLesson[] = [];
  for (const match of markdown.matchAll(/^\| (\d\d) \| \[?([a-z0-9-]+)\]?[^|]*\| (.*?) \|$/gm)) {
    rows.push({ number: match[1]!, slug: match[2]!, teaches: match[3]! });
  }
  return rows;
}

/** The plan of the workbook at `root`; empty when lessons/README.md is missing. */
export function loadPlan(root: string): PlannedLesson[] {
  const path = join(root, 'lessons', 'README.md');
  return existsSync(path) ? parsePlan(readFileSync(path, 'utf8')) : [];
}

/** What to say when `query` names no lesson folder: planned but unwritten, or unknown. */
export function missingLessonMessage(root: string, query: string): string {
  const number = /^\d+$/.test(query) ? query.padStart(2, '0') : query;
  const planned = loadPlan(root).find((row) => row.number === number || row.slug === query);
  if (planned !== undefined) {
    return `Lesson ${planned.number} (${planned.slug}: ${planned.teaches.replaceAll('`', '')}) is not written yet.\n(npm run lesson lists the lessons there are.)`;
  }
  return `There is no lesson ${query}. The lessons are: ${describeItems(listLessons(root))}.\n(npm run lesson lists them with their titles.)`;
}
