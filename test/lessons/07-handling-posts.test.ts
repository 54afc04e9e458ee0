import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LessonExample } from '../../lessons/lesson.ts';
import * as lesson from '../../lessons/07-handling-posts/example.ts';
import { send, startExample, type RunningExample } from './support/run-example.ts';

const example: LessonExample = lesson;

describe('lesson 07: handling-posts', () => {
  let server: RunningExample;
  beforeAll(async () => {
    server = await startExample(example);
  });
  afterAll(() => server.close());

  it('reads the field from a multipart form too (curl -F)', async () => {
    const form = new FormData();
    form.set('the-field', 'from multipart');
    const response = await fetch(new URL('/form', server.url), { method: 'POST', body: form });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('You submitted: from multipart');
  });

  it('never lets a posted <script> through as markup', async () => {
    const answer = await send({ note: '', method: 'POST', path: '/form', form: { 'the-field': '<script>alert(1)</script>' } }, server.url);
    expect(answer.text).not.toContain('<script>');
  });
});
