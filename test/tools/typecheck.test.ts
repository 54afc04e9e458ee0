import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTypeProblem, typeCheck } from '../../tools/grading/typecheck.ts';
import { makeWorkbook, type FixtureWorkbook } from './fixture-workbook.ts';

// Two files: one with a type error in a use of lib/, one clean file that imports it.
let workbook: FixtureWorkbook;

beforeAll(() => {
  workbook = makeWorkbook();
  const lib = '../../../../lib/index.ts';
  workbook.write('exercises/01-x/page.ts', `import { Resource } from '${lib}';\nexport class Page extends Resource {\n  override isLeaf = 1;\n}\n`);
  workbook.write('exercises/01-x/fine.ts', "import { Page } from './page.ts';\nexport const page: Page = new Page();\n");
});

afterAll(() => workbook.remove());

describe('typeCheck', () => {
  it('reports a type error with its file, line, column, code and message', async () => {
    const [problem, ...rest] = await typeCheck([`${workbook.root}/exercises/01-x/page.ts`, `${workbook.root}/exercises/01-x/fine.ts`]);
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ file: `${workbook.root}/exercises/01-x/page.ts`, line: 3, column: 12, code: 2416 });
    expect(formatTypeProblem(problem!, workbook.root)).toBe(
      "exercises/01-x/page.ts:3:12 - error TS2416: Property 'isLeaf' in type 'Page' is not assignable to the same property in base type 'Resource'.\n" +
      "      Type 'number' is not assignable to type 'boolean'.");
  });

  it('checks nothing when given no files', async () => {
    expect(await typeCheck([])).toEqual([]);
  });
});
