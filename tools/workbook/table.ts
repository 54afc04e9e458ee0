/**
 * Plain-text tables for the terminal: `npm run lesson` lists lessons with one, and
 * `npm run grade` prints its progress table with another. Columns are as wide as their
 * widest cell; colour codes take no width. Tests: `test/tools/table.test.ts`.
 */
import { visibleLength } from './colors.ts';

/** How a column's cells line up. @default 'left' */
export type Align = 'left' | 'right';

/** Lay out `rows` under `headers`, two spaces between columns, no trailing spaces. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[] = []): string {
  const widths = headers.map((h, col) => Math.max(visibleLength(h), ...rows.map((row) => visibleLength(row[col] ?? ''))));
  const line = (cells: readonly string[]) =>
    cells.map((cell, col) => pad(cell, widths[col] ?? 0, align[col] ?? 'left')).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}

function pad(cell: string, width: number, align: Align): string {
  const room = ' '.repeat(Math.max(0, width - visibleLength(cell)));
  return align === 'right' ? room + cell : cell + room;
}

/** `text` broken at spaces into lines of at most `width` characters (a longer word keeps its own line). */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (current !== '' && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else {
      current = current === '' ? word : `${current} ${word}`;
    }
  }
  if (current !== '' || lines.length === 0) lines.push(current);
  return lines;
}
