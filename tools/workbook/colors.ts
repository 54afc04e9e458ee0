/**
 * Colour in the workbook's terminal output: the palette and the stream check of
 * lib/plumbing/colors.ts (so `NO_COLOR`, `FORCE_COLOR` and `TERM=dumb` are honoured as
 * Node honours them, and the tracer colours the same way), plus what only tables need.
 * Tests: `test/tools/colors.test.ts`.
 */
import { stripVTControlCharacters } from 'node:util';

// The palette itself is the library's, so the tracer colours the same way.
export { palette, wantsColor, type ColorTarget, type Palette } from '../../lib/plumbing/colors.ts';

/** The width `text` takes on screen (ANSI colour codes take none). */
export function visibleLength(text: string): number {
  return stripVTControlCharacters(text).length;
}
