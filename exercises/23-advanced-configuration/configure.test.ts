/**
 * Grades exercise 23. The tests make a site folder (with a resource script) and a docs
 * folder, then send requests (in memory) to the resource `configure(siteDir, docsDir)`
 * returns.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { request } from '../../lib/testing.ts';
import { subject } from '../../tools/grading/subject.ts';
import { expectResponse } from '../../tools/grading/wire.ts';

const { configure, HEALTH } = await subject<typeof import('./configure.ts')>(import.meta.url, 'configure.ts');

const LIB = fileURLToPath(new URL('../../lib/index.ts', import.meta.url));

/**
 * The two folders served: `site` (pages, a script, an .upper file, an old folder) and `docs`.
 * The old folder has its own .html page and .upper file, so that one child put by hand for
 * contact.html or poem.upper does not pass for a rule that holds for every such file.
 */
const FILES: Record<string, string> = {
  'site/start.html': '<h1>Start here</h1>',
  'site/index.html': '<h1>The old home page</h1>',
  'site/contact.html': '<h1>Write to us</h1>',
  'site/poem.upper': 'quiet words\n',
  'site/old/index.html': '<h1>Old index</h1>',
  'site/old/news.html': '<h1>Old news</h1>',
  'site/old/song.upper': 'la la la\n',
  'site/hello.rsx.ts': `import { Resource } from '${LIB}';\n` +
    `class Hello extends Resource { override isLeaf = true; render_GET() { return 'Hello from a script'; } }\n` +
    'export const resource = new Hello();\n',
  'docs/README': 'Read me first.',
  'docs/guide.html': '<h1>Guide</h1>',
};
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'loom-exercise-23-'));
  for (const [name, text] of Object.entries(FILES)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const get = (uri: string) => request(configure(join(dir, 'site'), join(dir, 'docs')), { uri });

describe('configure', () => {
  it('serves start.html for /, as the only index name', async () => {
    expectResponse(await get('/'), { code: 200, body: '<h1>Start here</h1>' },
      'indexNames lists the names tried for a trailing slash, in order; the default list tries index.html first.');
    expectResponse(await get('/old/'), { code: 200, bodyIncludes: 'Directory listing for /old/', bodyExcludes: 'Old index' },
      'Your list replaces the default one (as `loom web --index` does), so index.html is no index any more.');
  });

  it('serves /contact from contact.html, and any name from its .html file', async () => {
    expectResponse(await get('/contact'), { code: 200, body: '<h1>Write to us</h1>', headers: { 'content-type': 'text/html' } },
      'There is no file named "contact": the File must try "contact" + ".html".');
    expectResponse(await get('/old/news'), { code: 200, body: '<h1>Old news</h1>', headers: { 'content-type': 'text/html' } },
      'Every name without .html finds its .html file, in any folder, not only /contact: ignoreExt(\'.html\') on the root File does that (its children copy it).');
  });

  it('runs /hello.rsx.ts as a resource script', async () => {
    expectResponse(await get('/hello.rsx.ts'), { code: 200, body: 'Hello from a script' },
      'Without a processor for ".rsx.ts", a File sends the script\'s source.');
  });

  it('shows every .upper file through UpperCasePage', async () => {
    expectResponse(await get('/poem.upper'), { code: 200, body: 'QUIET WORDS\n', headers: { 'content-type': 'text/plain; charset=utf-8' } },
      'A processor for ".upper" makes an UpperCasePage for each such file: (path, registry) => new UpperCasePage(path, registry).');
    expectResponse(await get('/old/song.upper'), { code: 200, body: 'LA LA LA\n', headers: { 'content-type': 'text/plain; charset=utf-8' } },
      'Every .upper file, in any folder, goes through UpperCasePage, not only poem.upper: that is what a processor for ".upper" on the root File does.');
  });

  it('serves the docs folder at /docs/, with text/plain for names without an extension', async () => {
    expectResponse(await get('/docs/README'), { code: 200, body: 'Read me first.', headers: { 'content-type': 'text/plain' } },
      'A second File, for docsDir, put under the root as the child "docs", with its own defaultType.');
    expectResponse(await get('/docs/guide.html'), { code: 200, body: '<h1>Guide</h1>', headers: { 'content-type': 'text/html' } });
  });

  it('answers /health from memory', async () => {
    expectResponse(await get('/health'), { code: 200, body: HEALTH, headers: { 'content-type': 'text/plain; charset=utf-8' } },
      'There is no health file: a Data resource put under the root answers.');
  });
});
