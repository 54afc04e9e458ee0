import { WriteStream } from 'node:tty';
import { describe, expect, it } from 'vitest';
import { palette, visibleLength, wantsColor, type ColorTarget } from '../../tools/workbook/colors.ts';
import { ROOT } from '../../tools/grading/subject.ts';
import { runTool } from './run-tool.ts';

// A terminal as Node sees one: the real tty.WriteStream#hasColors, which reads only the
// environment it is given, so each case states its whole environment.
const terminal: ColorTarget = { hasColors: WriteStream.prototype.hasColors };
// A pipe or a file: no hasColors at all.
const pipe: ColorTarget = {};
const TERM = 'xterm-256color';

describe('wantsColor', () => {
  it('colours a terminal that has colours', () => {
    expect(wantsColor(terminal, { TERM })).toBe(true);
  });

  it('honours NO_COLOR and NODE_DISABLE_COLORS on a terminal, even when NO_COLOR is empty', () => {
    expect(wantsColor(terminal, { TERM, NO_COLOR: '1' })).toBe(false);
    expect(wantsColor(terminal, { TERM, NO_COLOR: '' })).toBe(false);
    expect(wantsColor(terminal, { TERM, NODE_DISABLE_COLORS: '1' })).toBe(false);
  });

  it('honours TERM=dumb, a terminal that cannot show colour codes', () => {
    expect(wantsColor(terminal, { TERM: 'dumb' })).toBe(false);
  });

  it('honours FORCE_COLOR: on for a pipe, off on a terminal with FORCE_COLOR=0', () => {
    expect(wantsColor(pipe, {})).toBe(false);
    expect(wantsColor(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(wantsColor(pipe, { FORCE_COLOR: '' })).toBe(true);
    expect(wantsColor(pipe, { FORCE_COLOR: '0' })).toBe(false);
    expect(wantsColor(terminal, { TERM, FORCE_COLOR: '0' })).toBe(false);
    expect(wantsColor(terminal, { TERM: 'dumb', FORCE_COLOR: '1' })).toBe(true);
  });
});

describe('palette', () => {
  it('colours only when on, and colour takes no visible width', () => {
    expect(palette(false).red('x')).toBe('x');
    expect(palette(true).red('x')).toBe('\x1b[31mx\x1b[39m');
    expect(palette(true).bold('abc')).toBe('\x1b[1mabc\x1b[22m');
    expect(visibleLength(palette(true).bold('abc'))).toBe(3);
  });
});

describe('the workbook commands', { timeout: 30_000 }, () => {
  it('colour their output through a pipe when FORCE_COLOR asks, and not otherwise', async () => {
    const [forced, plain] = await Promise.all([
      runTool('lesson.ts', [], { root: ROOT, env: { FORCE_COLOR: '1', NO_COLOR: undefined } }),
      runTool('lesson.ts', [], { root: ROOT, env: { NO_COLOR: undefined } }),
    ]);
    expect(forced.stdout).toContain('\x1b[2m');
    expect(forced.stderr).toBe('');
    expect(plain.stdout).not.toContain('\x1b[');
  });
});
