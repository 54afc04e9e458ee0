/**
 * Graded tests for exercise 01. They make a small folder to serve, send requests (in
 * memory) to the resource your `createRoot(dir)` returns, and check the answers.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { Data, Resource } from '../../lib/index.ts';
import { request } from '../../lib/testing.ts';
import { subject } from '../../tools/grading/subject.ts';
import { GradingError, expectResponse, transcript } from '../../tools/grading/wire.ts';

const { createRoot, ROBOTS_TXT, NOT_FOUND_TEXT } = await subject<typeof import('./site.ts')>(import.meta.url, 'site.ts');

/** The folder served: a few pages, a stylesheet, a file with no extension, a subfolder. */
const FILES: Record<string, string> = {
  'index.html': '<h1>Home</h1>',
  'about.html': '<h1>About us</h1>',
  'contact.html': '<h1>Write to us</h1>',
  'style.css': 'body { color: navy }',
  'LICENSE': 'MIT License',
  'docs/guide.html': '<h1>Guide</h1>',
  'docs/notes.txt': 'notes',
  'docs/CHANGES': 'Version 1',
};
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'loom-exercise-01-'));
  mkdirSync(join(dir, 'docs'));
  for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, name), text);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const get = (uri: string) => request(createRoot(dir), { uri });

describe('createRoot', () => {
  it('serves the files in the folder, with their types', async () => {
    expectResponse(await get('/style.css'), { code: 200, body: 'body { color: navy }', headers: { 'content-type': 'text/css' } },
      'A File for the folder maps /style.css to dir/style.css.');
    expectResponse(await get('/docs/guide.html'), { code: 200, body: '<h1>Guide</h1>', headers: { 'content-type': 'text/html' } },
      'Each segment of the path is one step down into the folder.');
  });

  it('serves index.html for /', async () => {
    expectResponse(await get('/'), { code: 200, body: '<h1>Home</h1>' }, 'A trailing slash asks the folder for its index file.');
  });

  it('lists a folder that has no index file', async () => {
    expectResponse(await get('/docs/'), { code: 200, bodyIncludes: ['Directory listing for /docs/', 'guide.html', 'notes.txt'] },
      'File shows a listing when no index name exists.');
  });

  it('redirects a folder asked for without its slash', async () => {
    expectResponse(await get('/docs'), { code: 302, headers: { location: '/docs/' } });
  });

  it('serves /about from about.html and /contact from contact.html', async () => {
    expectResponse(await get('/about'), { code: 200, body: '<h1>About us</h1>', headers: { 'content-type': 'text/html' } },
      'There is no file named "about": File must try about + ".html".');
    expectResponse(await get('/contact'), { code: 200, body: '<h1>Write to us</h1>' });
  });

  it('serves any page without its ".html", at any depth: /docs/guide from docs/guide.html', async () => {
    expectResponse(await get('/docs/guide'), { code: 200, body: '<h1>Guide</h1>', headers: { 'content-type': 'text/html' } },
      'Not only /about and /contact: a File option makes every File try name + ".html", and children inherit it.');
  });

  it('serves a file with no extension as text/plain', async () => {
    expectResponse(await get('/LICENSE'), { code: 200, body: 'MIT License', headers: { 'content-type': 'text/plain' } },
      'The default type (for names whose extension is unknown or missing) should be text/plain.');
    expectResponse(await get('/docs/CHANGES'), { code: 200, body: 'Version 1', headers: { 'content-type': 'text/plain' } },
      'Every file with no extension, at any depth, not only LICENSE: set the default type on the root File; its children inherit it.');
  });

  it('answers /robots.txt from memory, as text/plain', async () => {
    const root = createRoot(dir);
    const response = await request(root, { uri: '/robots.txt' });
    const note = 'There is no robots.txt in the folder: a Data resource put under the root answers it.';
    expectResponse(response, { code: 200, body: ROBOTS_TXT, headers: { 'content-type': 'text/plain' } }, note);
    if (existsSync(join(dir, 'robots.txt'))) {
      throw new GradingError(transcript(response, ['expected the folder to be left as it was, but createRoot wrote a robots.txt file into it'], note));
    }
    const child = root instanceof Resource ? root.children.get('robots.txt') : undefined;
    if (!(child instanceof Data)) {
      throw new GradingError(transcript(response, [`expected the root's child "robots.txt" (put there with putChild) to be a Data, got ${child === undefined ? 'no such child' : child.constructor.name}`], note));
    }
  });

  it(`answers 404 with "${NOT_FOUND_TEXT}" for a missing file, at any depth`, async () => {
    expectResponse(await get('/missing'), { code: 404, bodyIncludes: NOT_FOUND_TEXT });
    expectResponse(await get('/docs/missing.html'), { code: 404, bodyIncludes: NOT_FOUND_TEXT },
      'Children of a File copy its settings, so the page given to the root is used below it too.');
  });

  it('keeps files outside the folder out of reach', async () => {
    expectResponse(await get('/../etc/passwd'), { code: 404 }, 'A ".." segment must never leave the folder.');
  });
});
