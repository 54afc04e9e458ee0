/**
 * @module
 * Resource scripts: a TypeScript file, `hello.rsx.ts`, that is run afresh each time a
 * request reaches it and answers with the resource it exports as `resource`. Edit the
 * file, refresh the browser, and the new code answers; no restart.
 *
 * A script sees four names besides its imports (declared for editors in
 * `lib/rsx-env.d.ts`): `registry` (the {@link Registry} its directory shares), `__file__`
 * (its own path), and `cache()` / `recache()`, which keep the resource it makes in the
 * registry so later requests skip the work.
 *
 * Twisted counterpart: `twisted.web.script` (`ResourceScript`, `ResourceScriptWrapper`,
 * `ResourceScriptDirectory`, `noRsrc`) and the `.rpy` processor. Loom differs:
 * - scripts are TypeScript modules that `export const resource`, rather than Python files
 *   that assign a global, so editors and `tsc` can check them;
 * - a script is compiled once per change of its content (esbuild, then Node's own
 *   compiler), so running it on every request costs tens of microseconds, not a parse;
 * - `cache()` forgets a cached resource when the script's content changes, because the
 *   whole point of a script is that an edit shows on the next refresh (Twisted keeps the
 *   old resource until the server restarts);
 * - imports of other modules are loaded once, like Python modules imported by an `.rpy`;
 *   an import of `lib/` gives the very module instances the server runs, so a script's
 *   `Resource` is the server's `Resource`;
 * - `ResourceScriptDirectory` refuses segments that would leave its directory;
 * - a `ResourceScriptWrapper` whose script makes a leaf hands the leaf the whole path
 *   (Twisted asks the leaf for a child, so such a root answers 404 everywhere).
 * Left out: `.epy` (`PythonScript`) and `.rtl` (`ResourceTemplate`) files.
 * Tests: `test/script.test.ts`. Lesson 09 (rsx-scripts) teaches it.
 */

import { statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { LoomError } from './errors.ts';
import { compiledVersionOf, type CompiledScript } from './script-compiler.ts';
import { errorPage, notFound, type ErrorPage } from './pages.ts';
import { Registry } from './static/registry.ts';
import { processingFailed, render } from './render.ts';
import { NOT_DONE_YET, Resource, getChildForRequest, type IResource, type RenderResult } from './resource.ts';
import type { Request } from './request.ts';

// #region script-no-resource
/**
 * What a script that exports no `resource` answers with: a 500 that says how to fix it.
 * Twisted's `noRsrc`, with the same title.
 */
export const noResource: ErrorPage = errorPage(500, 'Whoops! Internal Error',
  'You forgot to export "resource" from your script. A resource script must end with something like: ' +
  'export const resource = new MyGreatResource();');
// #endregion script-no-resource

// #region script-resource-script
/**
 * Run the resource script at `path` and return the resource it exports. This is the
 * processor `File` uses for `.rsx.ts` files, so it runs on every request that reaches
 * the file: that is how an edit shows on the next refresh.
 *
 * The first run of a new version of a script must load the modules it imports, which
 * cannot happen synchronously; that request gets a stand-in resource that finishes
 * loading, runs the script, and carries on exactly where traversal left off.
 */
export function ResourceScript(path: string, registry: Registry = new Registry()): IResource {
  let compiled: CompiledScript;
  try {
    compiled = compiledVersionOf(path);
  } catch (error) {
    if (isMissingFile(error)) return notFound();
    throw error;
  }
  if (!compiled.ready) return new LoadingScript(compiled, registry, null);
  return runScript(compiled, registry);
}
// #endregion script-resource-script

/**
 * Run the script at `path` once its imports are loaded, and return its resource. For
 * callers that may wait: a configuration file read at start-up, a test.
 */
export async function loadResourceScript(path: string, registry: Registry = new Registry()): Promise<IResource> {
  const compiled = compiledVersionOf(path);
  await compiled.load();
  return runScript(compiled, registry);
}

/**
 * A resource that runs the script at `path` again for every request: both when it is
 * rendered and when a child is asked of it. `loom web --resource-script` makes one the
 * root of the site. Twisted's `ResourceScriptWrapper`.
 */
export class ResourceScriptWrapper extends Resource {
  readonly path: string;
  readonly registry: Registry;

  constructor(path: string, registry: Registry = new Registry()) {
    super();
    this.path = path;
    this.registry = registry;
  }

  override render(request: Request): RenderResult {
    return ResourceScript(this.path, this.registry).render(request);
  }

  override getChildWithDefault(name: string, request: Request): IResource {
    const compiled = compiledVersionOf(this.path);
    if (!compiled.ready) return new LoadingScript(compiled, this.registry, name);
    return childOf(runScript(compiled, this.registry), name, request);
  }
}

// #region script-directory
/**
 * A directory in which every file is a resource script and every subdirectory another
 * such directory. It has no listing: rendering the directory itself is a 404, as is a
 * name that does not exist. Twisted's `ResourceScriptDirectory`.
 */
export class ResourceScriptDirectory extends Resource {
  readonly path: string;
  readonly registry: Registry;

  constructor(path: string, registry: Registry = new Registry()) {
    super();
    this.path = path;
    this.registry = registry;
  }

  override getChild(name: string, _request: Request): IResource {
    // Security: a segment is one decoded name, so `..` or a decoded `%2F` would step out
    // of the directory (Twisted joins it unchecked). Refuse them as missing.
    if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\\') || name.includes('\0')) {
      return notFound();
    }
    const child = join(this.path, name);
    const stat = statSync(child, { throwIfNoEntry: false });
    if (stat === undefined) return notFound();
    if (stat.isDirectory()) return new ResourceScriptDirectory(child, this.registry);
    return ResourceScript(child, this.registry);
  }

  override render(request: Request): RenderResult {
    return notFound().render(request);
  }
}
// #endregion script-directory

// #region script-run
/** Thrown by `cache()` to stop a script early when its resource is already cached. */
class AlreadyCached {
  readonly resource: IResource;
  constructor(resource: IResource) {
    this.resource = resource;
  }
}

/** The content hash each cached resource was made from, per registry and script path. */
const cachedVersions = new WeakMap<Registry, Map<string, string>>();

/** Run one compiled script and return its resource (or the page explaining what is wrong). */
function runScript(compiled: CompiledScript, registry: Registry): IResource {
  const path = compiled.path;
  let keep = false;
  const cache = (): void => {
    const cached = registry.getCachedPath(path);
    if (cached !== undefined && cachedVersions.get(registry)?.get(path) === compiled.sha1) throw new AlreadyCached(cached as IResource);
    keep = true;
  };
  const recache = (): void => {
    keep = true;
  };
  const module = { exports: {} as Record<string, unknown> };
  try {
    compiled.fn(module.exports, compiled.require, module, path, dirname(path), registry, path, cache, recache);
  } catch (thrown) {
    if (thrown instanceof AlreadyCached) return thrown.resource;
    throw thrown;
  }
  const resource = checkResource(module.exports.resource, path);
  if (keep && resource !== noResource) remember(registry, path, compiled.sha1, resource);
  return resource;
}
// #endregion script-run

function remember(registry: Registry, path: string, sha1: string, resource: IResource): void {
  registry.cachePath(path, resource);
  let versions = cachedVersions.get(registry);
  if (versions === undefined) cachedVersions.set(registry, (versions = new Map()));
  versions.set(path, sha1);
}

/** The exported value if it can answer requests; otherwise a 500 page saying what it is instead. */
function checkResource(value: unknown, path: string): IResource {
  if (value === undefined) return noResource;
  const candidate = value as Partial<IResource> | null;
  if (candidate !== null && typeof candidate === 'object' && typeof candidate.render === 'function' && typeof candidate.getChildWithDefault === 'function') {
    return candidate as IResource;
  }
  const hint = typeof value === 'function' ? ' It is a class or function: did you forget `new`?' : '';
  return errorPage(500, 'Whoops! Internal Error',
    `The script ${basename(path)} exports "resource", but it is not a resource (it is ${describe(value)}).${hint}`);
}

// #region script-loading
/**
 * Stands in for a script whose imports are still loading. Traversal stops here (it is a
 * leaf); once loaded, the script runs, traversal carries on from the script's resource
 * over the segments left, and the resource found is rendered as it would have been.
 */
class LoadingScript extends Resource {
  override isLeaf = true;
  readonly #compiled: CompiledScript;
  readonly #registry: Registry;
  /** A segment already moved to `prepath` that the script's resource must still resolve. */
  readonly #childName: string | null;

  constructor(compiled: CompiledScript, registry: Registry, childName: string | null) {
    super();
    this.#compiled = compiled;
    this.#registry = registry;
    this.#childName = childName;
  }

  override render(request: Request): RenderResult {
    this.#compiled.load().then(() => {
      let resource = runScript(this.#compiled, this.#registry);
      if (this.#childName !== null) resource = childOf(resource, this.#childName, request);
      render(request, getChildForRequest(resource, request, request.site?.tracer ?? null));
    }).catch((error: unknown) => processingFailed(request, error, this));
    return NOT_DONE_YET;
  }
}
// #endregion script-loading

/**
 * The child `name` of a wrapped script's resource. Traversal has already moved `name` to
 * `prepath`, because the wrapper is not a leaf; when the script's resource is one, the
 * segment goes back, so the leaf sees the whole rest of the path. (Twisted asks the leaf
 * for a child anyway, so a leaf root script answers 404 for every path.)
 */
function childOf(resource: IResource, name: string, request: Request): IResource {
  if (!resource.isLeaf) return resource.getChildWithDefault(name, request);
  request.postpath.unshift(request.prepath.pop()!);
  return resource;
}

function isMissingFile(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'function') return `the function ${value.name || '(anonymous)'}`;
  if (typeof value === 'object') return `an object of class ${value.constructor?.name ?? 'Object'}`;
  return `the ${typeof value} ${JSON.stringify(value)?.slice(0, 60)}`;
}
