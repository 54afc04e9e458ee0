import { describe, expect, it } from 'vitest';
import { formatTable } from '../../tools/workbook/table.ts';
import { palette } from '../../tools/workbook/colors.ts';

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
