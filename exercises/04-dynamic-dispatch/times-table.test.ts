/**
 * Graded tests for exercise 04. Each test sends one request (in memory) to the tree
 * `createRoot()` returns and checks the page that came back.
 */
import { describe, it } from 'vitest';
import { Resource } from '../../lib/index.ts';
import { request } from '../../lib/testing.ts';
import { subject } from '../../tools/grading/subject.ts';
import { GradingError, expectResponse, transcript, walkAsTraced } from '../../tools/grading/wire.ts';

const { createRoot, Sum } = await subject<typeof import('./times-table.ts')>(import.meta.url, 'times-table.ts');

function table(n: number): string {
  const lines = Array.from({ length: 10 }, (_, i) => `${i + 1} x ${n} = ${(i + 1) * n}`);
  return `<html><body><pre>${lines.join('\n')}</pre></body></html>`;
}

describe('TimesTable.getChild', () => {
  for (const n of [7, 12, 1234]) {
    it(`answers /${n} with the times table of ${n}`, async () => {
      const response = await request(createRoot(), { uri: `/${n}` });
      expectResponse(response, { code: 200, body: table(n) }, `TimesTable.getChild should make a TablePage for the segment '${n}'.`);
    });
  }
});

describe('Sum', () => {
  const sums: [path: string, total: number][] = [
    ['/sum/1/2/3', 6],
    ['/sum/10/20/12', 42],
    ['/sum/5/', 5],
    ['/sum', 0],
  ];
  for (const [path, total] of sums) {
    it(`answers ${path} with ${total}`, async () => {
      const response = await request(createRoot(), { uri: path });
      expectResponse(response, { code: 200, body: `<html><body>${total}</body></html>` },
        'Sum should be a leaf and add up the numbers left in request.postpath.');
    });
  }

  it('is a leaf that adds up request.postpath, wherever it is put: /tools/add/4/5 answers 9', async () => {
    const root = new Resource();
    const tools = new Resource();
    tools.putChild('add', new Sum());
    root.putChild('tools', tools);
    const response = await request(root, { uri: '/tools/add/4/5' });
    const note = 'Here a Sum is put at /tools/add, not at /sum: what is left of the path after it is ["4", "5"].';
    expectResponse(response, { code: 200, body: '<html><body>9</body></html>' },
      `${note} Add up request.postpath, which holds just those, rather than cutting up request.uri or request.prepath.`);
    const trace = response.trace ?? [];
    if (!trace.some((e) => e.kind === 'leaf' && e.resource === 'Sum')) {
      throw new GradingError(transcript(response, [
        'expected the walk to stop at Sum because it is a leaf (isLeaf = true), but it did not',
        walkAsTraced(trace, '04'),
      ], note));
    }
  });
});
