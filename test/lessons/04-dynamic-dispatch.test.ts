import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LessonExample } from '../../lessons/lesson.ts';
import * as lesson from '../../lessons/04-dynamic-dispatch/example.ts';
import { monthCalendar } from '../../lessons/04-dynamic-dispatch/calendar.ts';
import { EventTracer, type TraceEvent } from '../../lib/index.ts';
import { memoryLogger } from '../../lib/testing.ts';
import { send, startExample, type RunningExample } from './support/run-example.ts';

const example: LessonExample = lesson;

describe('lesson 04: dynamic-dispatch', () => {
  const walks: TraceEvent[][] = [];
  const logger = memoryLogger();
  let server: RunningExample;
  beforeAll(async () => {
    server = await startExample(example, { logger, tracer: new EventTracer((events) => walks.push([...events])) });
  });
  afterAll(() => server.close());

  it('makes the year page with getChild, a dynamic lookup', async () => {
    walks.length = 0;
    await send({ note: '', path: '/2009' }, server.url);
    const steps = walks[0]!.filter((e) => e.kind === 'child');
    expect(steps.map((e) => [e.segment, e.dispatch, e.child])).toEqual([['2009', 'dynamic', 'YearPage']]);
  });

  it('logs the failure behind the 500 for a segment that is not a year', async () => {
    logger.messages.length = 0;
    await send({ note: '', path: '/abc' }, server.url);
    expect(logger.messages.some((m) => m.level === 'error' && m.error instanceof RangeError)).toBe(true);
  });

  it('draws a month as the Unix cal -m command does', () => {
    expect(monthCalendar(2009, 2)).toBe([
      'February 2009',
      'Mo Tu We Th Fr Sa Su',
      '                   1',
      ' 2  3  4  5  6  7  8',
      ' 9 10 11 12 13 14 15',
      '16 17 18 19 20 21 22',
      '23 24 25 26 27 28',
    ].join('\n'));
  });
});
