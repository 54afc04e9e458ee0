import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isLoomError } from '../lib/errors.ts';
import { compilationsOf, compiledVersionOf } from '../lib/script-compiler.ts';

const dir = mkdtempSync(join(tmpdir(), 'loom-compiler-'));
writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('compiledVersionOf', () => {
  it('compiles a script once per content, and again after an edit', () => {
    const path = script('once.rsx.ts', 'export const resource = 1;');
    const first = compiledVersionOf(path);
    expect(compiledVersionOf(path)).toBe(first);
    expect(compilationsOf(path)).toBe(1);
    script('once.rsx.ts', 'export const resource = 2;');
    const second = compiledVersionOf(path);
    expect(second).not.toBe(first);
    expect(second.sha1).not.toBe(first.sha1);
    expect(compilationsOf(path)).toBe(2);
  });

  it('makes a function that sees the script names, and strips the types', () => {
    const path = script('names.rsx.ts', 'const n: number = 41; export const resource = { n: n + 1, file: __file__ };');
    const module = { exports: {} as Record<string, unknown> };
    const compiled = compiledVersionOf(path);
    compiled.fn(module.exports, compiled.require, module, path, dir, null as never, path, () => {}, () => {});
    expect(module.exports.resource).toEqual({ n: 42, file: path });
  });

  it('is ready at once for built-in imports, and only after load() for module files', async () => {
    script('helper.ts', 'export const word = "hi";');
    expect(compiledVersionOf(script('builtin.rsx.ts', 'import { sep } from "node:path"; export const resource = sep;')).ready).toBe(true);
    const withHelper = compiledVersionOf(script('helped.rsx.ts', 'import { word } from "./helper.ts"; export const resource = word;'));
    expect(withHelper.ready).toBe(false);
    await withHelper.load();
    expect(withHelper.ready).toBe(true);
  });

  it('says where a script does not compile, with its file and line', () => {
    const path = script('broken.rsx.ts', 'export const resource = ;\n');
    try {
      compiledVersionOf(path);
      expect.unreachable('a syntax error compiled');
    } catch (error) {
      expect(isLoomError(error, 'LOOM_ERR_SCRIPT_COMPILE')).toBe(true);
      expect((error as Error).message).toContain(`${path}:1:`);
    }
  });
});
