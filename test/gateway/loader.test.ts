import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isLoomError } from '../../lib/errors.ts';
import { appRef, loadApplication, loadGatewayResource, parseGatewaySpec } from '../../lib/gateway/loader.ts';
import { GatewayResource } from '../../lib/gateway/resource.ts';
import { request } from '../../lib/testing.ts';
import { FIXTURES } from './support.ts';

const HERE = dirname(fileURLToPath(import.meta.url));

async function usageError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(isLoomError(error, 'LOOM_ERR_USAGE')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected a usage error');
}

describe('parseGatewaySpec', () => {
  it('splits a module path from an export name, defaulting to "application"', () => {
    expect(parseGatewaySpec('./app.ts:handler')).toEqual({ path: './app.ts', exportName: 'handler' });
    expect(parseGatewaySpec('./app.ts')).toEqual({ path: './app.ts', exportName: 'application' });
    expect(parseGatewaySpec('/srv/my:app/app.ts:main')).toEqual({ path: '/srv/my:app/app.ts', exportName: 'main' });
  });

  it('refuses an empty spec with an example', () => {
    expect(() => parseGatewaySpec('')).toThrow(/such as \.\/app\.ts:application/);
  });
});

describe('appRef', () => {
  it('takes a file URL or an absolute path', () => {
    expect(appRef(FIXTURES, 'hello')).toEqual({ module: FIXTURES.href, exportName: 'hello' });
    expect(appRef(fileURLToPath(FIXTURES)).module).toBe(FIXTURES.href);
  });

  it('refuses a relative path, showing the way to write it', () => {
    expect(() => appRef('./app.ts')).toThrow(/new URL\('\.\/app\.ts', import\.meta\.url\)/);
  });
});

describe('loadApplication', () => {
  it('returns the exported function', async () => {
    expect(typeof await loadApplication(appRef(FIXTURES, 'hello'))).toBe('function');
  });

  it('names the functions a module does export when the name is wrong', async () => {
    await expect(loadApplication(appRef(FIXTURES, 'helo'))).rejects.toThrow(/has no exported function "helo" \(its exported functions: hello, environ/);
    await expect(loadApplication(appRef(FIXTURES, 'notAnApp'))).rejects.toThrow(/no exported function "notAnApp"/);
  });
});

describe('loadGatewayResource (loom web --gateway)', () => {
  it('builds a GatewayResource on a started private pool of the given size', async () => {
    const { resource, pool } = await loadGatewayResource('./fixtures/apps.ts:hello', { cwd: HERE, threads: 2 });
    try {
      expect(resource).toBeInstanceOf(GatewayResource);
      expect([pool.started, pool.minThreads, pool.maxThreads]).toEqual([true, 2, 2]);
      expect((await request(resource, { uri: '/' })).text).toBe('Hello, world!');
    } finally {
      await pool.stop();
    }
  });

  it('is a usage error when the module does not exist', async () => {
    const message = await usageError(loadGatewayResource('./nowhere.ts:application', { cwd: HERE }));
    expect(message).toContain('No such gateway application module: ./nowhere.ts');
  });

  it('is a usage error when the export is missing or not a function', async () => {
    const message = await usageError(loadGatewayResource('./fixtures/apps.ts:nope', { cwd: HERE }));
    expect(message).toMatch(/^No such gateway application: .*apps\.ts has no exported function "nope"/);
    await usageError(loadGatewayResource('./fixtures/apps.ts:notAnApp', { cwd: HERE }));
  });

  it('is a usage error when the thread count is not a positive whole number', async () => {
    expect(await usageError(loadGatewayResource('./fixtures/apps.ts:hello', { cwd: HERE, threads: 0 }))).toContain('thread count must be a whole number of at least 1');
  });
});
