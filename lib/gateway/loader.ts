/**
 * @module
 * Finding a gateway application by name: `appRef` for code, and
 * `loadGatewayResource` for `loom web --gateway ./app.ts:application`.
 *
 * A worker thread imports the application itself, so what travels is where to find it:
 * a module (a `file:` URL or an absolute path) and an export name. The loader checks the
 * name on the main thread first, so a typo is a clear error when the server starts, not
 * a 500 on the first request.
 *
 * Twisted counterpart: `twisted.web.tap` resolving `--wsgi` with `reflect.namedAny`,
 * which raises UsageError "No such WSGI application". Loom differs: the application is
 * named by file and export (`./app.ts:application`) rather than by a dotted Python name,
 * and a missing export lists the exports the module does have.
 * Tests: `test/gateway/loader.test.ts`.
 */

import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { realClock, type Clock } from '../clock.ts';
import { LoomError } from '../errors.ts';
import { exportNames, exportOf } from '../plumbing/module-export.ts';
import { ThreadPool } from './pool.ts';
import { GatewayResource } from './resource.ts';
import type { AppRef, Application } from './spec.ts';

/** The export an application is looked up under when none is named. */
export const DEFAULT_EXPORT = 'application';

// #region gateway-app-ref
/**
 * Name an application for a worker thread: its module and export.
 *
 * @param module a `file:` URL (`new URL('./app.ts', import.meta.url)`) or an absolute path.
 * @example
 * const app = appRef(new URL('./app.ts', import.meta.url), 'application');
 */
export function appRef(module: string | URL, exportName: string = DEFAULT_EXPORT): AppRef {
  const href = module instanceof URL ? module.href : module.startsWith('file:') ? module : isAbsolute(module) ? pathToFileURL(module).href : null;
  if (href === null) {
    throw new LoomError('LOOM_ERR_INVALID_ARGUMENT',
      `appRef needs a file: URL or an absolute path, got "${String(module)}". Use new URL('./app.ts', import.meta.url).`);
  }
  if (exportName === '') throw new LoomError('LOOM_ERR_INVALID_ARGUMENT', 'appRef needs the name of the exported application function.');
  return Object.freeze({ module: href, exportName });
}
// #endregion gateway-app-ref

/**
 * Import the application `ref` names, here on this thread, and check that it is a
 * function.
 * @throws LoomError `LOOM_ERR_GATEWAY_APP` when the module cannot be imported or has no such function.
 */
export async function loadApplication(ref: AppRef): Promise<Application> {
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(ref.module)) as Record<string, unknown>;
  } catch (error) {
    throw new LoomError('LOOM_ERR_GATEWAY_APP', `Could not load the gateway application module ${fileURLToPath(ref.module)}: ${(error as Error).message}`, { cause: error });
  }
  const app = exportOf(namespace, ref.exportName);
  if (typeof app !== 'function') {
    const names = exportNames(namespace).filter((k) => typeof exportOf(namespace, k) === 'function');
    throw new LoomError('LOOM_ERR_GATEWAY_APP',
      `${fileURLToPath(ref.module)} has no exported function "${ref.exportName}"` +
      (names.length > 0 ? ` (its exported functions: ${names.join(', ')}).` : ' (it exports no functions).'));
  }
  return app as Application;
}

/** Options for {@link loadGatewayResource}. */
export interface LoadGatewayOptions {
  /** Worker threads (the pool's minimum and maximum). @default 4 */
  threads?: number;
  /** The directory a relative module path is resolved against. @default process.cwd() */
  cwd?: string;
  /** @default realClock */
  clock?: Clock;
  /** Seconds before an application that has not answered gets 504 (see GatewayResource). @default none */
  timeout?: number | null;
}

// #region gateway-load-resource
/**
 * Build the root resource for `loom web --gateway SPEC` (Twisted's `--wsgi`): parse
 * `./app.ts:application` (the export defaults to `application`), check that the module
 * exists and exports that function, start a private thread pool and wait until its
 * threads can take calls, and return both. The caller serves `resource` and calls
 * `pool.stop()` on shutdown.
 *
 * @throws LoomError `LOOM_ERR_USAGE` with a message saying what is wrong with SPEC.
 */
export async function loadGatewayResource(spec: string, options: LoadGatewayOptions = {}): Promise<{ resource: GatewayResource; pool: ThreadPool }> {
  const { path, exportName } = parseGatewaySpec(spec);
  const file = resolve(options.cwd ?? process.cwd(), path);
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new LoomError('LOOM_ERR_USAGE', `No such gateway application module: ${path} (looked for ${file}). Give the file that exports the application, e.g. --gateway ./app.ts:application.`);
  }
  const ref = appRef(file, exportName);
  try {
    await loadApplication(ref);
  } catch (error) {
    throw new LoomError('LOOM_ERR_USAGE', `No such gateway application: ${(error as Error).message}`, { cause: error });
  }
  const threads = options.threads ?? 4;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new LoomError('LOOM_ERR_USAGE', `The gateway thread count must be a whole number of at least 1, got ${String(threads)}.`);
  }
  const pool = new ThreadPool({ minThreads: threads, maxThreads: threads });
  pool.start();
  await pool.ready();
  return { resource: new GatewayResource(options.clock ?? realClock, pool, ref, { timeout: options.timeout ?? null }), pool };
}
// #endregion gateway-load-resource

/** `./app.ts:application` → path and export; `./app.ts` → the default export name. */
export function parseGatewaySpec(spec: string): { path: string; exportName: string } {
  const match = /^(.+?)(?::([A-Za-z_$][\w$]*))?$/.exec(spec.trim());
  if (spec.trim() === '' || match === null) {
    throw new LoomError('LOOM_ERR_USAGE', `--gateway needs a module and an export, such as ./app.ts:application; got "${spec}".`);
  }
  return { path: match[1]!, exportName: match[2] ?? DEFAULT_EXPORT };
}
