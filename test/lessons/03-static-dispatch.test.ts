import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LessonExample } from '../../lessons/lesson.ts';
import * as lesson from '../../lessons/03-static-dispatch/example.ts';
import { EventTracer, type TraceEvent } from '../../lib/index.ts';
import { send, startExample, type RunningExample } from './support/run-example.ts';

const example: LessonExample = lesson;

describe('lesson 03: static-dispatch', () => {
  const walks: TraceEvent[][] = [];
  let server: RunningExample;
  beforeAll(async () => {
    server = await startExample(example, { tracer: new EventTracer((events) => walks.push([...events])) });
  });
  afterAll(() => server.close());

  it('reaches /baz/qux by two static lookups, root → baz → qux', async () => {
    walks.length = 0;
    await send({ note: '', path: '/baz/qux' }, server.url);
    const steps = walks[0]!.filter((e) => e.kind === 'child');
    expect(steps.map((e) => [e.segment, e.dispatch, e.prepath])).toEqual([
      ['baz', 'static', ['baz']],
      ['qux', 'static', ['baz', 'qux']],
    ]);
  });
});
