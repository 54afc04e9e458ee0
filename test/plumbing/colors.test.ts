import { describe, expect, it } from 'vitest';
import { palette, wantsColor } from '../../lib/plumbing/colors.ts';

describe('palette', () => {
  it('leaves text plain when colour is off, and wraps it in ANSI codes when on', () => {
    expect(palette(false).red('x')).toBe('x');
    expect(palette(true).red('x')).toBe('\u001b[31mx\u001b[39m');
  });
});

describe('wantsColor', () => {
  it("asks a terminal's own hasColors, with the environment", () => {
    expect(wantsColor({ hasColors: (env) => (env as NodeJS.ProcessEnv).NO_COLOR === undefined }, {})).toBe(true);
    expect(wantsColor({ hasColors: (env) => (env as NodeJS.ProcessEnv).NO_COLOR === undefined }, { NO_COLOR: '1' })).toBe(false);
  });

  it('gives a pipe colour only when FORCE_COLOR asks for it', () => {
    expect(wantsColor({}, {})).toBe(false);
    expect(wantsColor({}, { FORCE_COLOR: '1' })).toBe(true);
    expect(wantsColor({}, { FORCE_COLOR: '0' })).toBe(false);
  });
});
