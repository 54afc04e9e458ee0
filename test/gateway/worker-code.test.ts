import { chmodSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { saved, startWorker, withoutTsx, workerCode, type WorkerCode } from '../../lib/gateway/worker-code.ts';

describe('workerCode', () => {
  it('bundles the worker into one plain JavaScript file, made once per process', () => {
    const code = workerCode();
    const path = fileURLToPath(code.url);
    expect(path).toMatch(/loom-gateway-worker-[0-9a-f]{16}\.mjs$/);
    expect(existsSync(path)).toBe(true);
    expect(workerCode()).toBe(code);
  });

  it('leaves TypeScript out of the bundle: no tsx in it, only the addresses of its hooks', () => {
    const code = workerCode();
    const text = readFileSync(fileURLToPath(code.url), 'utf8');
    expect(text).not.toMatch(/from ["']tsx/);
    expect(text).toContain('// lib/gateway/call-queue.ts'); // what the worker imports is inside
    expect(code.tsx?.esm).toMatch(/^file:.*tsx\/dist\/esm\/api\/index\.mjs$/);
    expect(code.tsx?.cjs).toMatch(/^file:.*tsx\/dist\/cjs\/api\/index\.mjs$/);
  });
});

describe('withoutTsx', () => {
  it('drops the preloads that name tsx, in either spelling, and keeps every other flag', () => {
    const argv = ['--require', '/n/tsx/dist/preflight.cjs', '--import', 'file:///n/tsx/dist/loader.mjs', '--import=tsx',
      '--cpu-prof', '--import', './trace.mjs', '--max-old-space-size=256', '-r', 'dotenv/config'];
    expect(withoutTsx(argv)).toEqual(['--cpu-prof', '--import', './trace.mjs', '--max-old-space-size=256', '-r', 'dotenv/config']);
  });
});

describe('startWorker', () => {
  it('drops the process-wide flags a worker refuses, and keeps the list without them for the next thread', async () => {
    const code: WorkerCode = { url: new URL('data:text/javascript,'), entry: '', tsx: null, execArgv: ['--expose-gc', '--enable-source-maps'] };
    const worker = startWorker(code, {});
    expect(code.execArgv).toEqual(['--enable-source-maps']);
    await new Promise((resolve) => worker.once('exit', resolve));
  });
});

describe('saved', () => {
  it('writes the bundle readable by its owner only, and replaces a file under its name that is not what it would write', () => {
    const code = `// worker-code.test ${process.pid} ${Date.now()}\n`;
    const path = saved(code);
    try {
      expect(readFileSync(path, 'utf8')).toBe(code);
      expect(statSync(path).mode & 0o077).toBe(0);
      expect(saved(code)).toBe(path); // reused as it is
      writeFileSync(path, 'planted();\n');
      chmodSync(path, 0o666);
      expect(saved(code)).toBe(path);
      expect(readFileSync(path, 'utf8')).toBe(code);
    } finally {
      rmSync(path, { force: true });
    }
  });
});
