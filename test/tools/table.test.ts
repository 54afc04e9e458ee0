import { describe, expect, it } from 'vitest';
import { ROOT } from '../../tools/grading/subject.ts';
import { formatTable, wrapText } from '../../tools/workbook/table.ts';
import { palette } from '../../tools/workbook/colors.ts';
import { runTool } from './run-tool.ts';

describe('formatTable', () => {
  it('sizes each column to its widest cell, with a rule under the headers and no trailing spaces', () => {
    expect(formatTable(['exercise', 'status', 'tests'], [['02-dynamic-content', '✓ passed', '4/4'], ['07-handling-posts', '✗ failing', '12/15']], ['left', 'left', 'right'])).toBe([
      'exercise            status     tests',
      '──────────────────  ─────────  ─────',
      '02-dynamic-content  ✓ passed     4/4',
      '07-handling-posts   ✗ failing  12/15',
    ].join('\n'));
  });

  it('gives colour codes no width, so coloured cells line up with plain ones', () => {
    const red = palette(true).red;
    const lines = formatTable(['a', 'b'], [[red('xx'), 'y'], ['zzz', 'w']]).split('\n');
    expect(lines[2]).toBe(`${red('xx')}   y`);
    expect(lines[3]).toBe('zzz  w');
  });
});

describe('wrapText', () => {
  it('breaks at spaces, keeps a long word whole, and gives one empty line for no text', () => {
    expect(wrapText('one two three four', 9)).toEqual(['one two', 'three', 'four']);
    expect(wrapText('a extraordinarily b', 5)).toEqual(['a', 'extraordinarily', 'b']);
    expect(wrapText('', 5)).toEqual(['']);
  });
});

describe('npm run lesson, the list', () => {
  it('fits 100 columns', async () => {
    const run = await runTool('lesson.ts', [], { root: ROOT });
    expect(run.code).toBe(0);
    const wide = run.stdout.split('\n').filter((line) => [...line].length > 100);
    expect(wide).toEqual([]);
  });
});
