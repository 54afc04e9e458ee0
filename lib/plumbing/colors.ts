/**
 * @module
 * Colour in terminal text, only where it will show and is wanted. Whether a stream gets
 * colour is the stream's own answer (`tty.WriteStream#hasColors`), which honours
 * `NO_COLOR`, `NODE_DISABLE_COLORS`, `FORCE_COLOR` and `TERM=dumb` the way Node itself
 * does; the codes come from `util.styleText`. The tracer (lib/trace.ts) and the workbook
 * tools (tools/) both colour through it.
 * Twisted counterpart: none (`twistd` logs plain text).
 * Tests: `test/plumbing/colors.test.ts`, and `test/tools/colors.test.ts` through tools/.
 */
import { styleText } from 'node:util';

/** The part of a writable stream that tells whether it shows colour. */
export interface ColorTarget {
  /** Present on terminals only (`tty.WriteStream`). */
  hasColors?(env?: object): boolean;
}

/**
 * True when text written to `stream` may carry colour: a terminal that has colours
 * (and no `NO_COLOR`, `NODE_DISABLE_COLORS` or `TERM=dumb` turning them off), or any
 * stream, a pipe included, when `FORCE_COLOR` asks for them (`FORCE_COLOR=0` turns them
 * off), as `util.styleText` decides for itself on newer Node versions.
 */
export function wantsColor(stream: ColorTarget, env: NodeJS.ProcessEnv = process.env): boolean {
  if (typeof stream.hasColors === 'function') return stream.hasColors(env);
  return FORCING.has(env.FORCE_COLOR ?? '0');
}

/** The `FORCE_COLOR` values that turn colour on (Node's `getColorDepth`: 16, 256, 16M colours). */
const FORCING = new Set(['', '1', 'true', '2', '3']);

/**
 * Styles that turn into plain text when `on` is false. The decision is the caller's
 * ({@link wantsColor}), so `styleText` is told not to check a stream: that check is
 * newer than the oldest Node 20 Loom supports, and on 20.20 skipped for array formats.
 */
export function palette(on: boolean) {
  const style = (format: 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan') =>
    (text: string) => (on ? styleText(format, text, { validateStream: false }) : text);
  return { bold: style('bold'), dim: style('dim'), red: style('red'), green: style('green'), yellow: style('yellow'), cyan: style('cyan') };
}

/** The palette type, for functions that take one. */
export type Palette = ReturnType<typeof palette>;
