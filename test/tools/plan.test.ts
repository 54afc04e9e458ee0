/** The lesson plan read from lessons/README.md (tools/workbook/plan.ts). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../tools/workbook/plan.ts';

describe('parsePlan', () => {
  it('reads written rows (linked) and unwritten ones (a bare slug)', () => {
    const table = '| 01 | [static-content](01-static-content/) | serving a directory |\n| 20 | request-lifecycle (not written yet) | Site, `Request` |\n';
    expect(parsePlan(table)).toEqual([
      { number: '01', slug: 'static-content', teaches: 'serving a directory' },
      { number: '20', slug: 'request-lifecycle', teaches: 'Site, `Request`' },
    ]);
  });

  it('finds every number from 01 to 31 in the real list', () => {
    const plan = parsePlan(readFileSync(join(import.meta.dirname, '../../lessons/README.md'), 'utf8'));
    expect(plan.map((row) => Number(row.number))).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
  });
});
