import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeItems, findItem, listExercises, listLessons, titleFromSlug } from '../../tools/workbook/catalog.ts';
import { makeWorkbook, type FixtureWorkbook } from './fixture-workbook.ts';

// Two lessons (one without front matter), one exercise with a starter, a test, a
// declaration file and hints, and folders that are not lessons at all.
let workbook: FixtureWorkbook;

beforeAll(() => {
  workbook = makeWorkbook();
  workbook.write('lessons/07-handling-posts/README.md', '---\ntitle: Handling POSTs\nsummary: forms and render_POST\n---\n');
  workbook.write('lessons/02-dynamic-content/README.md', '# No front matter\n');
  workbook.write('lessons/lesson.ts', '');
  workbook.write('lessons/notes/README.md', '');
  workbook.write('lessons/7-too-short/README.md', '');
  workbook.write('exercises/07-handling-posts/guestbook.ts', '');
  workbook.write('exercises/07-handling-posts/guestbook.test.ts', '');
  workbook.write('exercises/07-handling-posts/types.d.ts', '');
  workbook.write('exercises/07-handling-posts/hints.md', '');
  workbook.write('exercises/README.md', '');
});

afterAll(() => workbook.remove());

describe('listLessons', () => {
  it('finds NN-slug folders in number order, with the title and summary from front matter', () => {
    const lessons = listLessons(workbook.root);
    expect(lessons.map((l) => [l.number, l.slug, l.title, l.summary])).toEqual([
      ['02', 'dynamic-content', 'Dynamic content', ''],
      ['07', 'handling-posts', 'Handling POSTs', 'forms and render_POST'],
    ]);
    expect(lessons[1]!.examplePath).toBe(join(workbook.root, 'lessons', '07-handling-posts', 'example.ts'));
  });

  it('finds no lessons in a workbook without a lessons folder', () => {
    expect(listLessons(join(workbook.root, 'nowhere'))).toEqual([]);
  });
});

describe('listExercises', () => {
  it('tells starter files from graded tests, and places the solution apart under solutions/', () => {
    const [exercise] = listExercises(workbook.root);
    const dir = join(workbook.root, 'exercises', '07-handling-posts');
    expect(exercise).toEqual({
      number: '07', slug: 'handling-posts', name: '07-handling-posts', dir,
      starterFiles: [join(dir, 'guestbook.ts')],
      testFiles: [join(dir, 'guestbook.test.ts')],
      hintsPath: join(dir, 'hints.md'),
      solutionDir: join(workbook.root, 'solutions', '07-handling-posts'),
    });
  });
});

describe('findItem', () => {
  it('finds a lesson by number with or without its zero, by slug, or by folder name', () => {
    const lessons = listLessons(workbook.root);
    for (const query of ['7', '07', 'handling-posts', '07-handling-posts', ' 07 ']) expect(findItem(lessons, query)?.number).toBe('07');
    expect(findItem(lessons, '8')).toBeUndefined();
    expect(findItem(lessons, '007')).toBeUndefined();
  });
});

describe('describeItems and titleFromSlug', () => {
  it('say what exists, and make a title from a slug', () => {
    expect(describeItems(listLessons(workbook.root))).toBe('02 dynamic-content, 07 handling-posts');
    expect(describeItems([])).toBe('(none yet)');
    expect(titleFromSlug('other-request-bodies')).toBe('Other request bodies');
  });
});
