import { readFileSync, statSync } from 'node:fs';
import { rawRequest } from '../support/raw-http.ts';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LessonExample } from '../../lessons/lesson.ts';
import * as lesson from '../../lessons/01-static-content/example.ts';
import { send, startExample, type RunningExample } from './support/run-example.ts';

const example: LessonExample = lesson;
const { PUBLIC_DIR } = lesson;

describe('lesson 01: static-content', () => {
  let server: RunningExample;
  beforeAll(async () => {
    server = await startExample(example);
  });
  afterAll(() => server.close());

  it('serves the files of lessons/01-static-content/public/ byte for byte, with their types', async () => {
    const response = await fetch(new URL('style.css', server.url));
    expect(response.headers.get('content-type')).toBe('text/css');
    expect(await response.text()).toBe(readFileSync(join(PUBLIC_DIR, 'style.css'), 'utf8'));
    expect((await fetch(new URL('images/loom.svg', server.url))).headers.get('content-type')).toBe('image/svg+xml');
  });

  it('answers HEAD /style.css with the length of the file and no body', async () => {
    const answer = await send({ note: '', method: 'HEAD', path: '/style.css' }, server.url);
    expect(answer.headers.get('content-length')).toBe(String(statSync(join(PUBLIC_DIR, 'style.css')).size));
    expect(answer.text).toBe('');
  });

  it('redirects /notes to /notes/ and lists both notes there, directories first', async () => {
    const redirect = await send({ note: '', path: '/notes' }, server.url);
    expect(redirect.headers.get('location')).toBe('/notes/');
    const listing = await send({ note: '', path: '/notes/' }, server.url);
    expect(listing.text).toContain('<a href="ideas.md">ideas.md</a>');
    expect(listing.text).toContain('<a href="today.txt">today.txt</a>');
  });

  it('answers a repeat visit with 304 when the browser sends back Last-Modified or the ETag', async () => {
    const first = await fetch(new URL('hello.txt', server.url));
    await first.text();
    const since = await send({ note: '', path: '/hello.txt', headers: { 'if-modified-since': first.headers.get('last-modified')! } }, server.url);
    expect(since.status).toBe(304);
    const tag = await send({ note: '', path: '/hello.txt', headers: { 'if-none-match': first.headers.get('etag')! } }, server.url);
    expect(tag.status).toBe(304);
  });

  it('keeps the lesson\'s own files, next to public/, out of reach (security)', async () => {
    for (const path of ['/../example.ts', '/%2e%2e/example.ts', '/notes/..%2F..%2Fexample.ts']) {
      expect(await rawStatus(server.url, path), path).toBe(404);
    }
  });
});

/** The status for `path` sent exactly as written (fetch would remove the dot segments first). */
async function rawStatus(base: string, path: string): Promise<number> {
  return (await rawRequest(Number(new URL(base).port), path)).status;
}
