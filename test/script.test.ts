import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { findSourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { isLoomError } from '../lib/errors.ts';
import { Registry } from '../lib/static/registry.ts';
import { Resource, type IResource } from '../lib/resource.ts';
import type { Request } from '../lib/request.ts';
import {
  ResourceScript, ResourceScriptDirectory, ResourceScriptWrapper, loadResourceScript, noResource,
} from '../lib/script.ts';
import { compilationsOf } from '../lib/script-compiler.ts';
import { makeRequest, render, request, testSite } from '../lib/testing.ts';

// Each test writes its scripts into a fresh folder, because a script's content is the
// point: tests edit files and expect the edit on the next request. The folder is an ES
// module package so that helper modules the scripts import load as ES modules.
const LIB = new URL('../lib/index.ts', import.meta.url).pathname;
const made: string[] = [];

function scriptsDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'loom-script-'));
  made.push(dir);
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  for (const [name, text] of Object.entries(files)) write(dir, name, text);
  return dir;
}

function write(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text.replaceAll('LIB', LIB));
  return path;
}

/** A script whose resource answers GET with `text`. */
function textScript(text: string): string {
  return `import { Resource } from 'LIB';
class Text extends Resource {
  override isLeaf = true;
  render_GET() { return ${JSON.stringify(text)}; }
}
export const resource = new Text();
`;
}

/** A root whose child `name` is the script at `path` (what `File` does with a processor). */
function rootFor(path: string, registry = new Registry()): IResource {
  return new (class extends Resource {
    override getChild(_name: string, _request: Request): IResource {
      return ResourceScript(path, registry);
    }
  })();
}

/** Run a full garbage collection (V8's `gc`, switched on for this process). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

describe('ResourceScript', () => {
  it('runs the script and answers with the resource it exports', async () => {
    const path = write(scriptsDir(), 'hello.rsx.ts', textScript('hello from a script'));
    const response = await request(rootFor(path), { uri: '/hello.rsx.ts' });
    expect(response.code).toBe(200);
    expect(response.text).toBe('hello from a script');
  });

  it("gives the script the server's own module instances, so instanceof Resource holds", async () => {
    const path = write(scriptsDir(), 'same.rsx.ts', textScript('x'));
    const resource = await loadResourceScript(path);
    expect(resource).toBeInstanceOf(Resource);
  });

  it('runs the script again on every request, so an edit shows on the next one', async () => {
    const dir = scriptsDir();
    const path = write(dir, 'edit.rsx.ts', textScript('before'));
    const root = rootFor(path);
    expect((await request(root, { uri: '/edit.rsx.ts' })).text).toBe('before');
    write(dir, 'edit.rsx.ts', textScript('after'));
    expect((await request(root, { uri: '/edit.rsx.ts' })).text).toBe('after');
  });

  it('runs the script for each request but compiles it once per content', async () => {
    // The key lives in a module the script imports: modules load once, scripts run each time.
    const dir = scriptsDir({ 'keys.ts': `import { ComponentKey } from 'LIB';\nexport const runs = new ComponentKey<{ n: number }>('runs');\n` });
    const path = write(dir, 'count.rsx.ts', `import { Resource } from 'LIB';
import { runs } from './keys.ts';
const counter = registry.getComponent(runs) ?? { n: 0 };
registry.setComponent(runs, counter);
counter.n += 1;
class Count extends Resource {
  override isLeaf = true;
  render_GET() { return String(counter.n); }
}
export const resource = new Count();
`);
    const root = rootFor(path);
    const answers: string[] = [];
    for (let i = 0; i < 3; i++) answers.push((await request(root, { uri: '/count.rsx.ts' })).text);
    expect(answers).toEqual(['1', '2', '3']);
    expect(compilationsOf(path)).toBe(1);
  });

  it('passes __file__ and the registry of the directory serving it', async () => {
    const registry = new Registry();
    const path = write(scriptsDir(), 'names.rsx.ts', `import { Resource, type Registry } from 'LIB';
const seen: Registry = registry;
class Names extends Resource {
  override isLeaf = true;
  render_GET() { return __file__ + ' ' + String((globalThis as { registrySeen?: unknown }).registrySeen = seen); }
}
export const resource = new Names();
`);
    const response = await request(rootFor(path, registry), { uri: '/names.rsx.ts' });
    expect(response.text.startsWith(`${path} `)).toBe(true);
    expect((globalThis as { registrySeen?: unknown }).registrySeen).toBe(registry);
    delete (globalThis as { registrySeen?: unknown }).registrySeen;
  });

  it('loads imports of sibling modules, defaults and Node built-ins', async () => {
    const dir = scriptsDir({
      'helper.ts': 'export const greeting = "hi";\nexport default 42;\n',
    });
    const path = write(dir, 'imports.rsx.ts', `import { Resource } from 'LIB';
import answer, { greeting } from './helper.js';
import { createHash } from 'node:crypto';
import path from 'node:path';
class Imports extends Resource {
  override isLeaf = true;
  render_GET() { return [greeting, answer, createHash('sha1').update('').digest('hex').slice(0, 6), path.basename(__file__)].join(' '); }
}
export const resource = new Imports();
`);
    expect((await request(rootFor(path), { uri: '/imports.rsx.ts' })).text).toBe('hi 42 da39a3 imports.rsx.ts');
  });

  it('carries traversal on past a script whose imports are still loading', async () => {
    // The helper is new to this process, so the first request must wait for it to load.
    const dir = scriptsDir({ 'fresh-helper.ts': 'export const word = "child";\n' });
    const path = write(dir, 'tree.rsx.ts', `import { Resource, type Request } from 'LIB';
import { word } from './fresh-helper.ts';
class Child extends Resource {
  override isLeaf = true;
  render_GET(request: Request) { return word + ' prepath=' + request.prepath.join('/') + ' postpath=' + request.postpath.join('/'); }
}
const root = new Resource();
root.putChild('child', new Child());
export const resource = root;
`);
    const root = rootFor(path);
    const cold = await request(root, { uri: '/tree.rsx.ts/child/x/y' });
    expect(cold.text).toBe('child prepath=tree.rsx.ts/child postpath=x/y');
    const warm = await request(root, { uri: '/tree.rsx.ts/child/x/y' });
    expect(warm.text).toBe(cold.text);
    expect((await request(root, { uri: '/tree.rsx.ts/missing' })).code).toBe(404);
  });

  it('answers 405 through a loading script just as the resource itself would', async () => {
    const dir = scriptsDir({ 'helper405.ts': 'export const x = 1;\n' });
    const path = write(dir, 'get-only.rsx.ts', `import { Resource } from 'LIB';
import { x } from './helper405.ts';
class GetOnly extends Resource {
  override isLeaf = true;
  render_GET() { return String(x); }
}
export const resource = new GetOnly();
`);
    const response = await request(rootFor(path), { uri: '/get-only.rsx.ts', method: 'POST' });
    expect(response.code).toBe(405);
    expect(response.headers.getLast('allow')).toBe('GET, HEAD');
  });

  it('answers the helpful 500 when the script exports no resource', async () => {
    const path = write(scriptsDir(), 'forgot.rsx.ts', `import { Resource } from 'LIB';\nconst resource = new Resource();\n`);
    expect(ResourceScript(path)).toBe(noResource);
    const response = await request(rootFor(path), { uri: '/forgot.rsx.ts' });
    expect(response.code).toBe(500);
    expect(response.text).toContain('500 - Whoops! Internal Error');
    expect(response.text).toContain('You forgot to export &quot;resource&quot; from your script');
  });

  it('answers a 500 that suggests `new` when the script exports a class', async () => {
    const path = write(scriptsDir(), 'class.rsx.ts', `import { Resource } from 'LIB';\nexport const resource = Resource;\n`);
    const response = await render(await loadResourceScript(path));
    expect(response.code).toBe(500);
    expect(response.text).toContain('did you forget `new`?');
  });

  it('reports a syntax error with the file, line and column, as a logged 500', async () => {
    const path = write(scriptsDir(), 'broken.rsx.ts', `import { Resource } from 'LIB';\n\nexport const resource = new Resource(;\n`);
    const site = testSite(rootFor(path));
    const response = await request(site, { uri: '/broken.rsx.ts' });
    expect(response.code).toBe(500);
    const logged = site.logger.messages.find((m) => m.level === 'error')?.error;
    expect(isLoomError(logged, 'LOOM_ERR_SCRIPT_COMPILE')).toBe(true);
    expect((logged as Error).message).toContain(`${path}:3:38`);
  });

  it('reports an import that cannot be loaded, as a logged 500', async () => {
    const path = write(scriptsDir(), 'missing.rsx.ts', `import { nothing } from './not-there.ts';\nexport const resource = nothing;\n`);
    const site = testSite(rootFor(path));
    expect((await request(site, { uri: '/missing.rsx.ts' })).code).toBe(500);
    const logged = site.logger.messages.find((m) => m.level === 'error')?.error;
    expect(isLoomError(logged, 'LOOM_ERR_SCRIPT_IMPORT')).toBe(true);
    expect((logged as Error).message).toContain('not-there.ts');
  });

  it('maps a failure inside the script to the line of the .ts file', async () => {
    // The thrown frame's position is in the compiled JavaScript unless something applies
    // the source map. Under tsx (the server) Node applies it; the test runner formats
    // stacks itself, so here the map Node holds for the script is applied by hand.
    const path = write(scriptsDir(), 'throws.rsx.ts', `import { Resource, type Request } from 'LIB';

interface Unused { a: number }

class Throws extends Resource {
  override isLeaf = true;
  render_GET(_request: Request): string {
    throw new Error('failing on purpose');
  }
}
export const resource = new Throws();
`);
    const resource = (await loadResourceScript(path)) as Resource & { render_GET(r: Request): string };
    // Node keeps the map weakly; a collection must not lose it while the script is current.
    collectGarbage();
    let stack = '';
    try {
      resource.render_GET(makeRequest());
    } catch (error) {
      stack = (error as Error).stack ?? '';
    }
    const frame = new RegExp(`${path.replaceAll('.', '\\.')}:(\\d+):(\\d+)`).exec(stack);
    expect(frame, stack).not.toBeNull();
    const [line, column] = [Number(frame![1]), Number(frame![2])];
    const entry = line === 8 ? { originalLine: 7 } : findSourceMap(path)?.findEntry(line - 1, column - 1);
    expect((entry as { originalLine?: number } | undefined)?.originalLine).toBe(7); // 0-based: line 8
  });
});

describe('cache() and recache()', () => {
  const cachingScript = (label: string) => `import { Resource } from 'LIB';
cache();
class Cached extends Resource {
  override isLeaf = true;
  readonly made = Math.random();
  render_GET() { return ${JSON.stringify(label)} + ' ' + this.made; }
}
export const resource = new Cached();
`;

  it('answers later requests with the resource the first run made', async () => {
    const path = write(scriptsDir(), 'cached.rsx.ts', cachingScript('v1'));
    const registry = new Registry();
    const first = ResourceScript(path, registry);
    await render(first); // the first run may be the loading stand-in
    const kept = ResourceScript(path, registry);
    expect(ResourceScript(path, registry)).toBe(kept);
    expect(registry.getCachedPath(path)).toBe(kept);
  });

  it('drops the cached resource when the script changes', async () => {
    const dir = scriptsDir();
    const path = write(dir, 'recached.rsx.ts', cachingScript('v1'));
    const root = rootFor(path);
    const one = (await request(root, { uri: '/recached.rsx.ts' })).text;
    expect((await request(root, { uri: '/recached.rsx.ts' })).text).toBe(one);
    write(dir, 'recached.rsx.ts', cachingScript('v2'));
    expect((await request(root, { uri: '/recached.rsx.ts' })).text).toMatch(/^v2 /);
  });

  it('recache() stores a fresh resource on every run without stopping the script', async () => {
    const path = write(scriptsDir(), 'always.rsx.ts', `import { Resource } from 'LIB';
recache();
class Fresh extends Resource { override isLeaf = true; render_GET() { return 'fresh'; } }
export const resource = new Fresh();
`);
    const registry = new Registry();
    await loadResourceScript(path, registry);
    const a = ResourceScript(path, registry);
    const b = ResourceScript(path, registry);
    expect(a).not.toBe(b);
    expect(registry.getCachedPath(path)).toBe(b);
  });

  it('caches nothing when the script exports no resource', async () => {
    const path = write(scriptsDir(), 'nothing.rsx.ts', 'cache();\nexport const other = 1;\n');
    const registry = new Registry();
    expect(await loadResourceScript(path, registry)).toBe(noResource);
    expect(registry.getCachedPath(path)).toBeUndefined();
  });
});

describe('ResourceScriptWrapper', () => {
  it('runs the script for each render and for each child lookup', async () => {
    const dir = scriptsDir({ 'wrapper-helper.ts': 'export const n = 7;\n' });
    const path = write(dir, 'root.rsx.ts', `import { Resource } from 'LIB';
import { n } from './wrapper-helper.ts';
class Page extends Resource { override isLeaf = true; render_GET() { return 'page ' + n; } }
class Root extends Resource { render_GET() { return 'root'; } }
const root = new Root();
root.putChild('page', new Page());
export const resource = root;
`);
    const wrapper = new ResourceScriptWrapper(path);
    expect((await request(wrapper, { uri: '/page' })).text).toBe('page 7');
    expect((await request(wrapper, { uri: '/page' })).text).toBe('page 7');
    expect((await render(wrapper)).text).toBe('root');
    write(dir, 'root.rsx.ts', textScript('replaced'));
    expect((await render(wrapper)).text).toBe('replaced');
  });
  it('hands a leaf made by the script the whole path, the first segment included', async () => {
    const dir = scriptsDir({ 'leaf-helper.ts': 'export const tag = "leaf";\n' });
    const path = write(dir, 'leaf-root.rsx.ts', `import { Resource, type Request } from 'LIB';
import { tag } from './leaf-helper.ts';
class Leaf extends Resource {
  override isLeaf = true;
  render_GET(request: Request) { return tag + ' prepath=' + request.prepath.join('/') + ' postpath=' + request.postpath.join('/'); }
}
export const resource = new Leaf();
`);
    const wrapper = new ResourceScriptWrapper(path);
    const cold = await request(wrapper, { uri: '/a/b' }); // the helper is new: the script is still loading
    expect(cold.text).toBe('leaf prepath= postpath=a/b');
    expect((await request(wrapper, { uri: '/a/b' })).text).toBe(cold.text);
    expect((await request(wrapper, { uri: '/' })).text).toBe('leaf prepath= postpath=');
  });
});

describe('ResourceScriptDirectory', () => {
  it('answers 404 for the directory itself', async () => {
    const dir = new ResourceScriptDirectory(scriptsDir());
    const response = await render(dir);
    expect(response.code).toBe(404);
  });

  it('answers 404 for a name that does not exist', async () => {
    expect((await request(new ResourceScriptDirectory(scriptsDir()), { uri: '/nope.rsx.ts' })).code).toBe(404);
  });

  it('runs a file as a script and a subdirectory as another script directory', async () => {
    const dir = scriptsDir({ 'a.rsx.ts': textScript('A'), 'sub/b.rsx.ts': textScript('B') });
    const root = new ResourceScriptDirectory(dir);
    expect((await request(root, { uri: '/a.rsx.ts' })).text).toBe('A');
    expect((await request(root, { uri: '/sub/b.rsx.ts' })).text).toBe('B');
    expect(root.getChildWithDefault('sub', makeRequest())).toBeInstanceOf(ResourceScriptDirectory);
  });

  it('refuses ".." and an encoded slash that would leave the directory (security)', async () => {
    const outer = scriptsDir({ 'secret.rsx.ts': textScript('secret') });
    const root = new ResourceScriptDirectory(join(outer, 'inner'));
    mkdirSync(join(outer, 'inner'));
    expect((await request(root, { uri: '/../secret.rsx.ts' })).code).toBe(404);
    expect((await request(root, { uri: '/..%2Fsecret.rsx.ts' })).code).toBe(404);
    expect((await request(root, { uri: '/%2E%2E/secret.rsx.ts' })).code).toBe(404);
  });
});
