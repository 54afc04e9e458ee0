import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  NOT_STARTED, PROGRESS_FILE, formatProgress, formatStamp, loadProgress, parseProgress, progressOf, saveProgress, withGrade,
  type Progress,
} from '../../tools/workbook/progress.ts';
import { makeWorkbook } from './fixture-workbook.ts';

const sample: Progress = new Map([
  ['07-handling-posts', { status: 'failing', passed: 3, total: 5, hints: 1, graded: '2026-11-21 14:03' }],
  ['02-dynamic-content', { status: 'passed', passed: 4, total: 4, hints: 0, graded: '2026-11-20 09:00' }],
  ['03-static-dispatch', { status: 'not graded', passed: 0, total: 0, hints: 2, graded: '' }],
]);

describe('formatProgress', () => {
  it('writes a Markdown table a person can read, one row per exercise in number order', () => {
    const text = formatProgress(sample);
    expect(text).toContain('| exercise | status | tests | hints seen | last graded |');
    const rows = text.split('\n').filter((l) => /^\| \d{2}-/.test(l));
    expect(rows).toEqual([
      '| 02-dynamic-content | passed | 4/4 | 0 | 2026-11-20 09:00 |',
      '| 03-static-dispatch | not graded | – | 2 |  |',
      '| 07-handling-posts | failing | 3/5 | 1 | 2026-11-21 14:03 |',
    ]);
  });
});

describe('parseProgress', () => {
  it('reads back what formatProgress wrote', () => {
    expect(parseProgress(formatProgress(sample))).toEqual(sample);
  });

  it('survives hand edits: extra spaces, unknown statuses and junk rows', () => {
    const progress = parseProgress([
      '|   05-error-handling|passed|  2/2 |1|  |',
      '| 06-custom-codes | done!!! | x | lots | yesterday |',
      '| not an exercise | passed | 1/1 | 0 | |',
      'some prose | with a bar',
    ].join('\n'));
    expect(progress.get('05-error-handling')).toEqual({ status: 'passed', passed: 2, total: 2, hints: 1, graded: '' });
    expect(progress.get('06-custom-codes')).toEqual({ status: 'not graded', passed: 0, total: 0, hints: 0, graded: 'yesterday' });
    expect(progress.size).toBe(2);
  });
});

describe('withGrade', () => {
  it('records the grade and its time, and keeps the hints seen', () => {
    const graded = withGrade({ ...NOT_STARTED, hints: 2 }, { status: 'passed', passed: 5, total: 5 }, new Date(2026, 10, 21, 9, 5));
    expect(graded).toEqual({ status: 'passed', passed: 5, total: 5, hints: 2, graded: '2026-11-21 09:05' });
    expect(formatStamp(new Date(2026, 0, 2, 3, 4))).toBe('2026-01-02 03:04');
  });
});

describe('loadProgress and saveProgress', () => {
  it('start empty, save to .loom-progress.md at the root, and leave no temporary file behind', () => {
    const workbook = makeWorkbook();
    try {
      expect(loadProgress(workbook.root).size).toBe(0);
      expect(progressOf(loadProgress(workbook.root), '07-handling-posts')).toBe(NOT_STARTED);
      saveProgress(workbook.root, sample);
      expect(existsSync(join(workbook.root, PROGRESS_FILE))).toBe(true);
      expect(readFileSync(join(workbook.root, PROGRESS_FILE), 'utf8')).toBe(formatProgress(sample));
      expect(loadProgress(workbook.root)).toEqual(sample);
      expect(readdirSync(workbook.root)).toEqual([PROGRESS_FILE]);
    } finally {
      workbook.remove();
    }
  });
});
