import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../lib/app/options.ts';
import { buildWebRoot, webCommand } from '../../lib/app/web.ts';
import { ResourceScriptWrapper } from '../../lib/script.ts';
import { request } from '../../lib/testing.ts';
import type { IResource } from '../../lib/resource.ts';
import type { LessonExample } from '../../lessons/lesson.ts';
import * as lesson from '../../lessons/23-advanced-configuration/example.ts';
import { send, startExample, type RunningExample } from './support/run-example.ts';

const example: LessonExample = lesson;
const LESSON_DIR = fileURLToPath(new URL('../../lessons/23-advanced-configuration/', import.meta.url));

describe('lesson 23: advanced-configuration', () => {
  let server: RunningExample;
  beforeAll(async () => {
    server = await startExample(example);
  });
  afterAll(() => server.close());

  it('serves /docs/guide.txt as text/plain and /about as text/html', async () => {
    expect((await send({ note: '', path: '/docs/guide.txt' }, server.url)).headers.get('content-type')).toBe('text/plain');
    expect((await send({ note: '', path: '/about' }, server.url)).headers.get('content-type')).toBe('text/html');
  });
});

/** Each tryThis request, in memory, against `root`: the same answers as the example's. */
async function expectSameAnswers(root: IResource, skip: readonly string[] = []): Promise<void> {
  for (const t of example.tryThis) {
    if (skip.includes(t.path)) continue;
    const response = await request(root, { uri: t.path });
    expect(response.code, t.path).toBe(t.expect?.code);
    expect(response.text, t.path).toContain(t.expect?.bodyIncludes);
  }
}

describe('lesson 23: the same site from a configuration script and from the command line', () => {
  it('site.rsx.ts, served with --resource-script, builds the same tree', async () => {
    await expectSameAnswers(new ResourceScriptWrapper(`${LESSON_DIR}site.rsx.ts`));
  });

  it('loom web --path site --index … --ignore-ext .html --processor .md=… gives the same answers (but /docs and /version)', async () => {
    const parsed = parseCommand(webCommand(LESSON_DIR), ['--path', 'site', '--index', 'home.html', '--index', 'index.html',
      '--ignore-ext', '.html', '--processor', '.md=./markdown.ts:MarkdownPage']);
    if (parsed.kind !== 'config') throw new Error('expected a configuration');
    const { resource } = await buildWebRoot(parsed.config);
    // putChild has no command-line form: /docs and /version need a configuration file.
    await expectSameAnswers(resource, ['/docs/', '/docs/CHANGES', '/version']);
  });
});
