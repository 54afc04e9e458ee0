/**
 * The weave (tools/workbook/weave.ts): regions cut as VitePress cuts them, `<<<` lines
 * turned into woven blocks, stale blocks rewritten, and the real lessons checked, so that
 * a README whose code no longer matches its source fails `npm test`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NOT_YET_SHOWN } from '../../tools/workbook/not-yet-shown.ts';
import { excerpt, unbalancedRegions, weave, weaveProblems, type ReadSource } from '../../tools/workbook/weave.ts';

const ROOT = join(import.meta.dirname, '../..');

const LIB = [
  '/** A file. */',
  'export class Thing {',
  '  // #region thing-run',
  '  run(): void {',
  '    // #region thing-inner',
  '    go();',
  '    // #endregion thing-inner',
  '  }',
  '  // #endregion thing-run',
  '}',
].join('\n');

const files: Record<string, string> = { '../../lib/thing.ts': LIB, './site/env.cgi': '#!/bin/sh\necho hi\n' };
const read: ReadSource = (path) => files[path] ?? new Error('no such file');

describe('excerpt', () => {
  it('cuts a region as VitePress does: markers of inner regions dropped, indent removed', () => {
    expect(excerpt(LIB, 'thing-run')).toEqual({ code: 'run(): void {\n  go();\n}', first: 4, last: 8 });
  });

  it('shows the whole file when no region is named', () => {
    expect(excerpt('a\nb\n', undefined)).toEqual({ code: 'a\nb', first: 1, last: 2 });
  });

  it('says which regions there are when one is missing, and when one is never closed', () => {
    expect(() => excerpt(LIB, 'thing-gone')).toThrow('no "// #region thing-gone" (it has: thing-run, thing-inner)');
    expect(() => excerpt('// #region open\nx', 'open')).toThrow('"#region open" is never closed');
  });

  it('reads shell and HTML spellings of the markers', () => {
    expect(excerpt('# region s\necho\n# endregion s', 's').code).toBe('echo');
    expect(excerpt('<!-- #region h -->\n<p>\n<!-- #endregion h -->', 'h').code).toBe('<p>');
  });

  it('finds regions opened and not closed', () => {
    expect(unbalancedRegions(LIB)).toEqual([]);
    expect(unbalancedRegions('// #region a\n// #region b\n// #endregion b')).toEqual(['a']);
  });
});

describe('weave', () => {
  const readme = 'lessons/01-x/README.md';

  it('turns a <<< line into a block under a marker, with a caption naming the file and lines', () => {
    const { text, problems, uses } = weave('From `lib/thing.ts`:\n\n<<< ../../lib/thing.ts#thing-inner{ts}\n\nAfter.', readme, ROOT, read);
    expect(problems).toEqual([]);
    expect(uses).toEqual(['lib/thing.ts#thing-inner']);
    expect(text).toBe([
      'From `lib/thing.ts`:', '',
      '<!-- weave: ../../lib/thing.ts#thing-inner -->', '*`lib/thing.ts`, line 6*', '', '```ts', 'go();', '```', '<!-- /weave -->',
      '', 'After.',
    ].join('\n'));
  });

  it('rewrites a stale block from its source, keeping its language, and leaves a fresh one alone', () => {
    const stale = '<!-- weave: ../../lib/thing.ts#thing-inner -->\n*`lib/thing.ts`, line 99*\n\n```ts\nold();\n```\n<!-- /weave -->';
    const { text } = weave(stale, readme, ROOT, read);
    expect(text).toContain('line 6*\n\n```ts\ngo();\n```');
    expect(weave(text, readme, ROOT, read).text).toBe(text);
  });

  it("reads VitePress's @/ as the repository's root, as the guides write it", () => {
    const root = mkdtempSync(join(tmpdir(), 'loom-weave-at-'));
    mkdirSync(join(root, 'lib'));
    writeFileSync(join(root, 'lib/thing.ts'), LIB);
    const { text, uses } = weave('<<< @/lib/thing.ts#thing-inner{ts}', 'docs/guide/things.md', root);
    rmSync(root, { recursive: true });
    expect(uses).toEqual(['lib/thing.ts#thing-inner']);
    expect(text).toMatch(/^<!-- weave: @\/lib\/thing.ts#thing-inner -->\n\*`lib\/thing.ts`, line 6\*/);
  });

  it('takes the language from the file name when the include does not give one', () => {
    expect(weave('<<< ./site/env.cgi', readme, ROOT, read).text).toContain('```sh\n#!/bin/sh\necho hi\n```');
  });

  it('leaves code fences alone, even when they show an include line', () => {
    const shown = '```md\n<<< ../../lib/thing.ts#thing-run{ts}\n```';
    expect(weave(shown, readme, ROOT, read)).toMatchObject({ text: shown, uses: [] });
  });

  it('reports a missing file, a missing region and a marker with no end, with the line', () => {
    const { problems, text } = weave('<<< ./gone.ts\n<<< ../../lib/thing.ts#nope\n<!-- weave: ../../lib/thing.ts -->', readme, ROOT, read);
    expect(problems).toEqual([
      { line: 1, message: './gone.ts: no such file' },
      { line: 2, message: '../../lib/thing.ts#nope: no "// #region nope" (it has: thing-run, thing-inner)' },
      { line: 3, message: '"<!-- weave: ../../lib/thing.ts -->" has no "<!-- /weave -->" after it' },
    ]);
    expect(text).toBe('<<< ./gone.ts\n<<< ../../lib/thing.ts#nope\n<!-- weave: ../../lib/thing.ts -->');
  });
});

describe('weaveProblems', () => {
  const root = mkdtempSync(join(tmpdir(), 'loom-weave-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };

  it('lists stale lessons, unshown and unbalanced lib regions, and excuses only what is listed and still unshown', () => {
    write('lib/thing.ts', LIB);
    write('lib/loose.ts', '// #region loose-open\nx\n');
    write('lessons/01-x/README.md', '<<< ../../lib/thing.ts#thing-run{ts}\n');
    write('docs/guide/things.md', '<<< @/lib/thing.ts#thing-run{ts}\n');
    expect(weaveProblems(root, new Set(['lib/thing.ts#thing-inner', 'lib/thing.ts#thing-run', 'lib/gone.ts#gone']))).toEqual([
      'lessons/01-x/README.md: stale, run npm run weave',
      'docs/guide/things.md: stale, run npm run weave',
      'lib/loose.ts: loose-open: a #region without its #endregion, or the reverse',
      'lib/loose.ts#loose-open: no lesson or guide shows this region; show it, or remove the markers',
      'lib/thing.ts#thing-run: listed as not yet shown, but a page shows it; take it off the list',
      'lib/gone.ts#gone: listed as not yet shown, but lib/ has no such region',
    ]);
  });
});

describe('the lessons of this repository', () => {
  it('are woven afresh from their sources, and every lib/ region is shown or listed as waiting', () => {
    expect(weaveProblems(ROOT, NOT_YET_SHOWN)).toEqual([]);
  });
});
