/**
 * @module
 * Loading what the command line names: `--class`, `--processor` and (through the
 * gateway's loader) `--gateway` each name an export of a module, `./module.ts:Export`,
 * or one of Loom's own exports by its bare name (`--processor .php=PHPScript`).
 *
 * Twisted counterpart: `twisted.python.reflect.namedAny`, which `twistd web --class`
 * and `--processor` use on dotted Python names. Loom differs: a module is a file path
 * (or a package; a path without `./` that is no package is read as a file), read relative
 * to the working folder; a name that is not there is a usage error that lists what the
 * module does export.
 * Tests: `test/app/load.test.ts`, and `test/app/web.test.ts` through the options.
 */

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { exportNames, exportOf } from '../plumbing/module-export.ts';
import type { IResource } from '../resource.ts';
import type { Processor } from '../static/file.ts';
import type { Registry } from '../static/registry.ts';
import { usageError } from './options.ts';

/**
 * The value `spec` names: `./module.ts:Export` (a path from the working folder, or a
 * package; the export defaults to `default`), or a bare name such as `PHPScript` for one
 * of Loom's own exports.
 * @throws LoomError `LOOM_ERR_USAGE` when the module or the export is not there.
 */
export async function loadExport(spec: string, cwd: string, option: string): Promise<unknown> {
  if (/^[A-Za-z_$][\w$]*$/.test(spec)) {
    const loom = (await import('../index.ts')) as Record<string, unknown>;
    if (loom[spec] === undefined) throw usageError(`${option}: Loom has no export named ${spec}. Name a module and an export instead, e.g. ./my-processor.ts:MyProcessor.`);
    return loom[spec];
  }
  const colon = spec.lastIndexOf(':');
  const hasExport = colon > 0 && !/[\\/]/.test(spec.slice(colon + 1));
  const module = hasExport ? spec.slice(0, colon) : spec;
  const name = hasExport ? spec.slice(colon + 1) : 'default';
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(moduleURL(module, cwd))) as Record<string, unknown>;
  } catch (error) {
    throw usageError(`${option}: cannot load ${module}: ${(error as Error).message}`);
  }
  const value = exportOf(namespace, name);
  if (value === undefined) {
    throw usageError(`${option}: ${module} has no export named ${name} (it exports: ${exportNames(namespace).join(', ') || 'nothing'}).`);
  }
  return value;
}

function moduleURL(module: string, cwd: string): string {
  if (module.startsWith('.') || isAbsolute(module)) return pathToFileURL(resolve(cwd, module)).href;
  try {
    return pathToFileURL(createRequire(join(cwd, 'loom-cli.js')).resolve(module)).href;
  } catch {
    // Not a package: `lessons/site.ts` on a command line means the file, as a shell user expects.
    const file = resolve(cwd, module);
    return existsSync(file) ? pathToFileURL(file).href : module;
  }
}

/** A processor from an export: a class is called with `new`, a function as it is. */
export function toProcessor(value: unknown, spec: string): Processor {
  if (typeof value !== 'function') throw usageError(`--processor: ${spec} is not a class or function.`);
  if (isClass(value)) {
    const Class = value as new (path: string, registry: Registry) => IResource;
    return (path, registry) => new Class(path, registry);
  }
  return value as Processor;
}

/** The root from a `--class` export: `new Export()`, or a function's result. */
export function construct(value: unknown, spec: string): IResource {
  if (typeof value !== 'function') throw usageError(`--class: ${spec} is not a class.`);
  const made: unknown = isClass(value) ? new (value as new () => unknown)() : (value as () => unknown)();
  const candidate = made as Partial<IResource> | null;
  if (candidate === null || typeof candidate !== 'object' || typeof candidate.render !== 'function' || typeof candidate.getChildWithDefault !== 'function') {
    throw usageError(`--class: ${spec} did not make a resource.`);
  }
  return candidate as IResource;
}

function isClass(fn: unknown): boolean {
  return typeof fn === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(fn));
}
