import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LessonExample } from '../../lessons/lesson.ts';
import * as lesson from '../../lessons/26-cgi-and-asis/example.ts';
import { requires } from '../support/programs.ts';

const phpCgi = requires('php-cgi');
import { send, startExample, type RunningExample } from './support/run-example.ts';

const example: LessonExample = lesson;

describe('lesson 26: cgi-and-asis', () => {
  let server: RunningExample;
  beforeAll(async () => {
    server = await startExample(example);
  });
  afterAll(() => server.close());

  it("gives env.cgi the request's variables and PATH, and nothing else of the server's environment", async () => {
    const answer = await send({ note: '', path: '/env.cgi/a?b=c' }, server.url);
    expect(answer.text).toContain('QUERY_STRING=b=c');
    const names = /Every variable this script got: (.*)/.exec(answer.text)?.[1]?.trim().split(' ') ?? [];
    expect(names).toContain('PATH');
    expect(names).not.toContain('HOME');
    // CGI variables, PATH, and what the shell itself adds (PWD, SHLVL, _): nothing else.
    const expected = /^(PATH|PWD|SHLVL|_|GATEWAY_INTERFACE|SERVER_\w+|REQUEST_\w+|SCRIPT_\w+|PATH_INFO|QUERY_STRING|CONTENT_\w+|REMOTE_\w+|HTTP_\w+)$/;
    expect(names.filter((n) => !expected.test(n))).toEqual([]);
  });

  it('sends the Location of moved.asis and the body the file holds', async () => {
    const answer = await send({ note: '', path: '/moved.asis' }, server.url);
    expect(answer.headers.get('location')).toBe('/index.html');
    expect(answer.text).toBe('This page has moved to /index.html.\n');
  });

  phpCgi.it('runs hello.php with php-cgi', async () => {
    const answer = await send({ note: '', path: '/hello.php?name=Grace' }, server.url);
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('Hello, Grace, from PHP');
  });
});
