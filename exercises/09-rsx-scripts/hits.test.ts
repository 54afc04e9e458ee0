/**
 * Grades exercise 09: the hit counter in `hits.rsx.ts`, run as a resource script the way
 * `File` runs it, once for every request. Run with `npm run grade 09`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { describe, it } from 'vitest';
import { Registry, Resource, ResourceScript, type IResource, type Request } from '../../lib/index.ts';
import { request, type TestResponse } from '../../lib/testing.ts';
import { subjectPath } from '../../tools/grading/subject.ts';
import { GradingError, expectResponse } from '../../tools/grading/wire.ts';

/** The script under test: yours in exercises/, or the reference solution. */
const SCRIPT = subjectPath(import.meta.url, 'hits.rsx.ts');
const TEXT = 'text/plain; charset=utf-8';

/**
 * A served folder's root, as `File` makes it: /hits.rsx.ts (or the name of `script`) runs
 * the script, with this folder's registry.
 */
class Folder extends Resource {
  readonly registry: Registry;
  readonly script: string;

  constructor(registry = new Registry(), script = SCRIPT) {
    super();
    this.registry = registry;
    this.script = script;
  }

  override getChild(name: string, _request: Request): IResource {
    return name === basename(this.script) ? ResourceScript(this.script, this.registry) : super.getChild(name, _request);
  }
}

/**
 * A copy of the script under another name, in a folder of its own: its relative imports
 * made absolute, so that it still finds lib/ from there.
 */
function copyScript(dir: string, name: string): string {
  const copy = join(dir, name);
  const absolute = (spec: string) => resolve(dirname(SCRIPT), spec);
  const text = readFileSync(SCRIPT, 'utf8')
    .replace(/(\bfrom\s*|\bimport\s*\(?\s*)(['"])(\.\.?\/[^'"]+)\2/g, (_m, lead: string, q: string, spec: string) => `${lead}${q}${absolute(spec)}${q}`);
  writeFileSync(copy, text);
  return copy;
}

const page = (n: number) => `This page has been viewed ${n} time(s).\n(served by hits.rsx.ts)\n`;
const get = (root: Folder, uri = '/hits.rsx.ts'): Promise<TestResponse> => request(root, { uri });

describe('hits.rsx.ts', () => {
  it('answers GET with the count and the name of the script, as plain text', async () => {
    expectResponse(await get(new Folder()), { code: 200, body: page(1), headers: { 'content-type': TEXT } },
      'The script must export its resource as `resource`, and render_GET must set the content type and return both lines.');
  });

  it('counts every GET, although the whole script runs again for each request', async () => {
    const root = new Folder();
    for (const n of [1, 2, 3]) {
      expectResponse(await get(root), { code: 200, body: page(n) },
        `Request ${n}: a count kept in a resource made at the top of the script starts from 0 on every run, unless the resource is kept with cache().`);
    }
  });

  it('answers with the same resource each time (the one cache() kept)', async () => {
    const registry = new Registry();
    await get(new Folder(registry)); // the first run may wait for the script's imports
    const first = ResourceScript(SCRIPT, registry);
    if (ResourceScript(SCRIPT, registry) !== first) {
      throw new GradingError('Running the script twice with the same registry gave two different resources: call cache() before making the resource.');
    }
  });

  it('keeps a separate count for each served folder (each registry)', async () => {
    const one = new Folder();
    const two = new Folder();
    await get(one);
    await get(one);
    expectResponse(await get(two), { body: page(1) }, 'cache() keeps the resource in the registry it was given: another folder starts at 1.');
    expectResponse(await get(one), { body: page(3) });
  });

  it('sets the count back to zero on POST /hits.rsx.ts/reset', async () => {
    const root = new Folder();
    await get(root);
    await get(root);
    expectResponse(await request(root, { uri: '/hits.rsx.ts/reset', method: 'POST' }), { code: 200, body: 'Counter reset.\n', headers: { 'content-type': TEXT } },
      'The path below the script is looked up in its resource: a child named "reset" with a render_POST answers here.');
    expectResponse(await get(root), { body: page(1) }, 'After a reset, the next GET is view number 1.');
  });

  it('does not reset on GET /hits.rsx.ts/reset: only a POST changes the count', async () => {
    const root = new Folder();
    await get(root);
    expectResponse(await get(root, '/hits.rsx.ts/reset'), { code: 405 },
      'A GET must not change anything (a link or a browser prefetching it would reset the counter): give "reset" a render_POST and no render_GET.');
    expectResponse(await get(root), { body: page(2) }, 'The GET of /hits.rsx.ts/reset before this one should have left the count alone.');
  });

  it('answers 404 for any other path below the script', async () => {
    expectResponse(await get(new Folder(), '/hits.rsx.ts/other'), { code: 404 },
      'Only "reset" exists below the script; a resource that is a leaf would answer every path itself.');
  });

  it('names its own file from __file__: a copy saved as counter.rsx.ts says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-exercise-09-'));
    try {
      const response = await get(new Folder(new Registry(), copyScript(dir, 'counter.rsx.ts')), '/counter.rsx.ts');
      expectResponse(response, { code: 200, body: 'This page has been viewed 1 time(s).\n(served by counter.rsx.ts)\n' },
        'The same script, saved as counter.rsx.ts: take the name from __file__ (its basename) rather than typing "hits.rsx.ts".');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
