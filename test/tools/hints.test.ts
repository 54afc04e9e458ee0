import { describe, expect, it } from 'vitest';
import { hintProblems, nextHintLevel, parseHints } from '../../tools/workbook/hints.ts';

const HINTS = [
  'Read the lesson first.',
  '',
  '## Hint 1',
  '',
  'A leaf resource has `isLeaf = true`.',
  '',
  '## Hint 2: where to look',
  '',
  '### A sub-heading stays inside the hint',
  'See `render_GET` in lib/resource.ts.',
  '',
].join('\n');

describe('parseHints', () => {
  it('splits hints.md at its "## Hint N" headings, keeping the text before them apart', () => {
    expect(parseHints(HINTS)).toEqual({
      intro: 'Read the lesson first.',
      hints: [
        { level: 1, text: 'A leaf resource has `isLeaf = true`.' },
        { level: 2, text: '### A sub-heading stays inside the hint\nSee `render_GET` in lib/resource.ts.' },
      ],
    });
  });

  it('finds no hints in a file without Hint headings', () => {
    expect(parseHints('# Hints\n\nJust text.').hints).toEqual([]);
  });
});

describe('nextHintLevel', () => {
  it('shows one more hint each time, then keeps showing the last', () => {
    expect([0, 1, 2, 3, 9].map((shown) => nextHintLevel(shown, 3))).toEqual([1, 2, 3, 3, 3]);
  });
});

describe('hintProblems', () => {
  it('accepts two or more numbered hints whose last names a lib/ file', () => {
    expect(hintProblems(HINTS)).toEqual([]);
  });

  it('asks for at least two hints', () => {
    expect(hintProblems('## Hint 1\n\nSee lib/site.ts.')).toEqual(['has 1 hint(s); give at least two, headed "## Hint 1", "## Hint 2"']);
  });

  it('asks for hints numbered in order, none empty, the last pointing into lib/', () => {
    expect(hintProblems('## Hint 1\n\nA.\n\n## Hint 3\n\n## Hint 2\n\nNo pointer.')).toEqual([
      'hint 2 is headed "Hint 3"; number them 1, 2, … in order',
      'hint 3 is empty',
      'hint 3 is headed "Hint 2"; number them 1, 2, … in order',
      'the last hint should point at the code in lib/ that does this (name a lib/… file)',
    ]);
  });
});
