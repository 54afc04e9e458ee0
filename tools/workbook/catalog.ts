/**
 * Finds the workbook's lessons and exercises on disk. Both are folders named `NN-slug`
 * (`lessons/07-handling-posts/`, `exercises/07-handling-posts/`); lesson 07 and exercise
 * 07 belong together. A learner may name one by its number (`07` or `7`), its slug
 * (`handling-posts`) or its folder name. Tests: `test/tools/catalog.test.ts`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFrontMatter } from './front-matter.ts';

/** `07-handling-posts`: two digits, a dash, a lower-case slug. */
const FOLDER_NAME = /^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)$/;

/** What lessons and exercises have in common: a numbered folder. */
export interface Numbered {
  /** Two digits: `07`. */
  readonly number: string;
  /** `handling-posts`. */
  readonly slug: string;
  /** The folder name: `07-handling-posts`. */
  readonly name: string;
  /** The folder, absolute. */
  readonly dir: string;
}

/** A lesson: its README (with front matter) and its runnable example. */
export interface Lesson extends Numbered {
  readonly title: string;
  readonly summary: string;
  /** `lessons/NN-slug/example.ts`, absolute. */
  readonly examplePath: string;
}

/** An exercise: the learner's starter files, the graded tests, the hints and the solution. */
export interface Exercise extends Numbered {
  /** The files the learner edits (`*.ts` but not `*.test.ts`), absolute, sorted. */
  readonly starterFiles: readonly string[];
  /** The graded tests (`*.test.ts`), absolute, sorted. */
  readonly testFiles: readonly string[];
  /** `exercises/NN-slug/hints.md`, absolute (it may be missing). */
  readonly hintsPath: string;
  /** `solutions/NN-slug/`, absolute: the reference solution, kept apart from the starter. */
  readonly solutionDir: string;
}

/** Every lesson under `root/lessons`, in number order. */
export function listLessons(root: string): Lesson[] {
  return numberedFolders(join(root, 'lessons')).map((folder) => {
    const readme = join(folder.dir, 'README.md');
    const data = existsSync(readme) ? parseFrontMatter(readFileSync(readme, 'utf8')).data : new Map<string, string>();
    return {
      ...folder,
      title: data.get('title') ?? titleFromSlug(folder.slug),
      summary: data.get('summary') ?? '',
      examplePath: join(folder.dir, 'example.ts'),
    };
  });
}

/** Every exercise under `root/exercises`, in number order. */
export function listExercises(root: string): Exercise[] {
  return numberedFolders(join(root, 'exercises')).map((folder) => {
    const files = readdirSync(folder.dir).filter((f) => f.endsWith('.ts')).sort();
    return {
      ...folder,
      starterFiles: files.filter((f) => !f.endsWith('.test.ts') && !f.endsWith('.d.ts')).map((f) => join(folder.dir, f)),
      testFiles: files.filter((f) => f.endsWith('.test.ts')).map((f) => join(folder.dir, f)),
      hintsPath: join(folder.dir, 'hints.md'),
      solutionDir: join(root, 'solutions', folder.name),
    };
  });
}

/**
 * The item `query` names: `7`, `07`, `handling-posts` or `07-handling-posts`.
 * Undefined when none matches.
 */
export function findItem<T extends Numbered>(items: readonly T[], query: string): T | undefined {
  const q = query.trim().toLowerCase();
  const number = /^\d{1,2}$/.test(q) ? q.padStart(2, '0') : null;
  return items.find((item) => item.number === number || item.slug === q || item.name === q);
}

/** `07 handling-posts, 08 other-request-bodies`: what exists, for a "no such lesson" message. */
export function describeItems(items: readonly Numbered[]): string {
  return items.length === 0 ? '(none yet)' : items.map((i) => `${i.number} ${i.slug}`).join(', ');
}

/** `handling-posts` → `Handling posts`, for a README without a title. */
export function titleFromSlug(slug: string): string {
  const words = slug.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function numberedFolders(parent: string): Numbered[] {
  if (!existsSync(parent)) return [];
  const folders: Numbered[] = [];
  for (const entry of readdirSync(parent, { withFileTypes: true })) {
    const match = entry.isDirectory() ? FOLDER_NAME.exec(entry.name) : null;
    if (match !== null) folders.push({ number: match[1]!, slug: match[2]!, name: entry.name, dir: join(parent, entry.name) });
  }
  return folders.sort((a, b) => a.name.localeCompare(b.name));
}
