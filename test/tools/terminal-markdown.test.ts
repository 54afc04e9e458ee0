/**
 * Lesson READMEs drawn for the terminal (tools/workbook/terminal-markdown.ts) and
 * `npm run read NN` (tools/read.ts), which prints them when its output is not a terminal.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { highlight, renderForTerminal } from '../../tools/workbook/terminal-markdown.ts';
import { makeWorkbook } from './fixture-workbook.ts';
import { runTool } from './run-tool.ts';

const README = [
  '---', 'title: Dynamic content', 'summary: a leaf with render_GET.', '---', '', '# 02 · Dynamic content', '',
  'A `Resource` answers; see [the list](../README.md).', '',
  '<!-- weave: ./example.ts#page -->', '*`lessons/02-x/example.ts`, lines 3–4*', '', '```ts', 'const x = 1; // one', '', '```', '<!-- /weave -->', '',
].join('\n');

describe('renderForTerminal', () => {
  it('without colour: the title from the front matter, the text as written, code indented, markers gone', () => {
    expect(renderForTerminal(README, false)).toBe([
      'Dynamic content', 'a leaf with render_GET.', '', '02 · Dynamic content', '',
      'A Resource answers; see the list (../README.md).', '',
      '  lessons/02-x/example.ts, lines 3–4', '', '    const x = 1; // one', '',
    ].join('\n'));
  });

  it('keeps a shorter fence inside a longer one as code, and closes only on the opening fence', () => {
    expect(renderForTerminal(['````md', '```ts', 'x', '```', '````', 'after'].join('\n'), false)).toBe(
      ['    md', '    ```ts', '    x', '    ```', 'after', ''].join('\n'));
  });

  it('with colour: keywords, strings, numbers and comments each in their own style', () => {
    const tag = (format: string | string[], text: string) => `<${String(format)}>${text}</>`;
    expect(highlight("const s = 'a'; // c", 'ts', tag)).toBe("<magenta>const</> s = <green>'a'</>; <dim>// c</>");
    expect(highlight('# a comment', 'sh', tag)).toBe('<dim># a comment</>');
    expect(highlight('  #clock = 1;', 'ts', tag)).toBe('  #clock = <yellow>1</>;');
  });
});

describe('npm run read', () => {
  const workbook = makeWorkbook();
  afterAll(() => workbook.remove());
  workbook.write('lessons/02-dynamic-content/README.md', README);
  workbook.write('lessons/README.md', '| # | lesson | teaches |\n|---|---|---|\n| 20 | request-lifecycle (not written yet) | the request, end to end |\n');

  it('prints the lesson plainly when its output is a pipe', async () => {
    const run = await runTool('read.ts', ['02'], { root: workbook.root });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('    const x = 1; // one');
  });

  it('says a planned lesson is not written yet, and an unknown one does not exist', async () => {
    const planned = await runTool('read.ts', ['20'], { root: workbook.root });
    expect(planned.code).toBe(1);
    expect(planned.stderr).toContain('Lesson 20 (request-lifecycle: the request, end to end) is not written yet.');
    expect((await runTool('read.ts', ['77'], { root: workbook.root })).stderr).toContain('There is no lesson 77.');
  });
});
