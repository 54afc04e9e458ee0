import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LessonExample } from '../../lessons/lesson.ts';
import * as lesson from '../../lessons/09-rsx-scripts/example.ts';
import { send, startExample, type RunningExample } from './support/run-example.ts';

const example: LessonExample = lesson;

describe('lesson 09: rsx-scripts', () => {
  let server: RunningExample;
  beforeAll(async () => {
    server = await startExample(example);
  });
  afterAll(() => server.close());

  it('counts visits across requests, and peek.rsx.ts sees the same count through the registry', async () => {
    const first = await send({ note: '', path: '/visits.rsx.ts' }, server.url);
    const n = Number(/visit number (\d+)/.exec(first.text)?.[1]);
    expect((await send({ note: '', path: '/visits.rsx.ts' }, server.url)).text).toContain(`visit number ${n + 1}.`);
    expect((await send({ note: '', path: '/peek.rsx.ts' }, server.url)).text).toContain(`answered ${n + 1} visit(s)`);
  });

  it('makes a new clock page on every request', async () => {
    const page = await send({ note: '', path: '/clock.rsx.ts' }, server.url);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.text).toMatch(/The time is \w{3}, \d{2} \w{3} \d{4} /);
  });
});
