import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { construct, loadExport, toProcessor } from '../../lib/app/load.ts';
import { isLoomError } from '../../lib/errors.ts';
import { PHPScript } from '../../lib/cgi.ts';
import { Registry } from '../../lib/static/registry.ts';
import { request } from '../../lib/testing.ts';

const LIB = new URL('../../lib/index.ts', import.meta.url).pathname;
const dir = realpathSync(mkdtempSync(join(tmpdir(), 'loom-load-')));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'mods'));
writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
writeFileSync(join(dir, 'mods/root.ts'), `import { Resource } from '${LIB}';\n` +
  `export default class Root extends Resource { override isLeaf = true; render_GET() { return 'root'; } }\n` +
  `export const makeRoot = () => new Root();\nexport const notAResource = () => 42;\n`);

const usageMessage = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
  } catch (error) {
    if (isLoomError(error, 'LOOM_ERR_USAGE')) return error.message;
    throw error;
  }
  throw new Error('expected a usage error');
};

describe('loadExport', () => {
  it("finds one of Loom's own exports by its bare name", async () => {
    expect(await loadExport('PHPScript', dir, '--processor')).toBe(PHPScript);
  });

  it('loads MODULE:EXPORT relative to the working folder, and the default export without a name', async () => {
    expect(typeof await loadExport('./mods/root.ts:makeRoot', dir, '--class')).toBe('function');
    expect((await loadExport('./mods/root.ts', dir, '--class') as { name: string }).name).toBe('Root');
  });

  it('reads a path without ./ as a file when no package has that name', async () => {
    expect(typeof await loadExport('mods/root.ts:makeRoot', dir, '--class')).toBe('function');
    expect(await usageMessage(loadExport('mods/absent.ts:X', dir, '--class'))).toMatch(/^--class: cannot load mods\/absent\.ts/);
  });

  it('says which export is missing and lists what the module has', async () => {
    expect(await usageMessage(loadExport('./mods/root.ts:Nope', dir, '--class')))
      .toBe('--class: ./mods/root.ts has no export named Nope (it exports: default, makeRoot, notAResource).');
    expect(await usageMessage(loadExport('NoSuchThing', dir, '--class'))).toMatch(/^--class: Loom has no export named NoSuchThing/);
    expect(await usageMessage(loadExport('./mods/absent.ts:X', dir, '--class'))).toMatch(/^--class: cannot load \.\/mods\/absent\.ts/);
  });
});

describe('construct and toProcessor', () => {
  it('calls a class with new and a function as it is, and refuses what makes no resource', async () => {
    const Root = await loadExport('./mods/root.ts', dir, '--class');
    expect((await request(construct(Root, 'Root'), { uri: '/' })).text).toBe('root');
    expect((await request(construct(await loadExport('./mods/root.ts:makeRoot', dir, '--class'), 'makeRoot'), { uri: '/' })).text).toBe('root');
    const notAResource = await loadExport('./mods/root.ts:notAResource', dir, '--class');
    expect(() => construct(notAResource, 'notAResource')).toThrow('--class: notAResource did not make a resource.');
  });

  it('makes a processor of a class (path, registry) or a function', () => {
    const processor = toProcessor(PHPScript, 'PHPScript');
    expect(processor('/x.php', new Registry())).toBeInstanceOf(PHPScript);
    expect(() => toProcessor('text', 'X')).toThrow('--processor: X is not a class or function.');
  });
});
