/**
 * @module
 * The resource-script compiler: turns one version of an `.rsx.ts` file into a function
 * that lib/script.ts can run on every request, and loads the modules it imports.
 *
 * A script is compiled once per change of its content: esbuild strips the types and
 * makes CommonJS, then Node's own module compiler makes a function whose parameters are
 * the names a script may use (`registry`, `__file__`, `cache`, `recache`), so each run
 * gets its own and no global is touched. Node then knows the source map, so a stack
 * trace names the line of the `.ts` file. Imports are resolved from the script's folder
 * and loaded once per process through the server's own loader, so a script's `Resource`
 * is the server's `Resource`.
 *
 * Twisted counterpart: the `execfile` in `twisted.web.script.ResourceScript`, which
 * parses the `.rpy` anew on every request. Loom differs: it parses only when the content
 * changed (a SHA-1 of the file, which unlike a modification time never misses an edit
 * made within the same second).
 * Tests: `test/script-compiler.test.ts`, `test/script.test.ts`. Lesson 09 (rsx-scripts) teaches it.
 */

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Module, { createRequire, isBuiltin } from 'node:module';
import type { transformSync as TransformSync } from 'esbuild';
import { pathToFileURL } from 'node:url';
import { LoomError } from './errors.ts';
import type { Registry } from './static/registry.ts';

/** The parameters a compiled script receives: CommonJS's five, then the script's own names. */
type ScriptFunction = (exports: Record<string, unknown>, require: (specifier: string) => unknown, module: { exports: Record<string, unknown> },
  __filename: string, __dirname: string, registry: Registry, __file__: string, cache: () => void, recache: () => void) => void;

/** One version of a script: compiled once, run on every request until the file changes. */
export class CompiledScript {
  readonly path: string;
  readonly sha1: string;
  readonly fn: ScriptFunction;
  /**
   * The module object `fn` was compiled in. Node keeps the source map in a weak map keyed
   * by it, so holding it here keeps stack traces mapped for as long as this version runs.
   */
  readonly #holder: object;
  /** What each `require("…")` in the compiled code resolves to, by specifier. */
  readonly #imports: Map<string, ImportTarget>;
  /** The `require` handed to the script: built once per version, not once per request. */
  readonly require: (specifier: string) => unknown;
  #loading: Promise<void> | null = null;

  constructor(path: string, sha1: string, compiled: { fn: ScriptFunction; holder: object }, imports: Map<string, ImportTarget>) {
    this.path = path;
    this.sha1 = sha1;
    this.fn = compiled.fn;
    this.#holder = compiled.holder;
    this.#imports = imports;
    this.require = (specifier) => this.#require(specifier);
  }

  /** True when every import is loaded, so the script can run synchronously. */
  get ready(): boolean {
    for (const target of this.#imports.values()) if (target.kind === 'module' && !loadedModules.has(target.url)) return false;
    return true;
  }

  /** Load every import (shared by requests that arrive while loading). */
  load(): Promise<void> {
    this.#loading ??= loadImports([...this.#imports.values()]).catch((error: unknown) => {
      this.#loading = null; // A later request tries again: the missing module may exist by then.
      throw error;
    });
    return this.#loading;
  }

  #require(specifier: string): unknown {
    const target = this.#imports.get(specifier);
    if (target === undefined) {
      throw new LoomError('LOOM_ERR_SCRIPT_IMPORT', `${this.path} asked for "${specifier}" in a way Loom could not see ahead of time. ` +
        'A resource script can only use static imports (import … from "…") or import() with a plain string.');
    }
    if (target.kind === 'builtin') return target.exports;
    const loaded = loadedModules.get(target.url);
    if (loaded === undefined) {
      throw new LoomError('LOOM_ERR_SCRIPT_IMPORT', `${this.path} imports "${specifier}" (${target.url}), which is not loaded.`);
    }
    return loaded;
  }
}

/** Where one import of a script leads: a Node built-in (loaded at once) or a module file. */
type ImportTarget = { readonly kind: 'builtin'; readonly exports: unknown } | { readonly kind: 'module'; readonly url: string };

/** The current version of each script, by path. One entry per script file ever run. */
const compiledScripts = new Map<string, CompiledScript>();

/**
 * Every module a script imported, by URL, as the object the script's `require` hands
 * back. Modules load once per process, as in Node.
 */
const loadedModules = new Map<string, object>();

// #region script-compile
/**
 * The compiled version of the script at `path` for its current content. Reading and
 * hashing the file on every request is cheap (microseconds for a script-sized file) and,
 * unlike a modification time, never misses an edit made within the same second.
 */
export function compiledVersionOf(path: string): CompiledScript {
  const source = readFileSync(path);
  const sha1 = createHash('sha1').update(source).digest('hex');
  const current = compiledScripts.get(path);
  if (current !== undefined && current.sha1 === sha1) return current;
  const compiled = compile(path, source.toString('utf8'), sha1);
  compiledScripts.set(path, compiled);
  compilations.set(path, (compilations.get(path) ?? 0) + 1);
  return compiled;
}

/** How many times each script was compiled (for tests and the curious). */
const compilations = new Map<string, number>();

/** How many times the script at `path` has been compiled in this process: the cache's tests count on it. */
export function compilationsOf(path: string): number {
  return compilations.get(path) ?? 0;
}

/**
 * Compile one version of a script: esbuild strips the types and turns the module into
 * CommonJS; Node then compiles that as a function whose parameters are the names a
 * script may use, so each run gets its own `registry`, `cache` and `module` without
 * touching any global.
 */
function compile(path: string, source: string, sha1: string): CompiledScript {
  let code: string;
  try {
    code = esbuildTransform()(source, { loader: 'ts', format: 'cjs', sourcefile: path, sourcemap: 'inline', target: 'es2023' }).code;
  } catch (error) {
    throw new LoomError('LOOM_ERR_SCRIPT_COMPILE', `The resource script ${path} does not compile:\n${esbuildMessage(error)}`, { cause: error });
  }
  return new CompiledScript(path, sha1, compileFunction(path, code), resolveImports(path, code));
}
// #endregion script-compile

/**
 * Turn CommonJS code into a function through Node's own module compiler rather than
 * `vm.compileFunction`: Node then knows the code's source map, so every stack frame in
 * the script, including ones thrown later from its render methods, names the line of
 * the `.ts` file. The wrapper sits on the first line, which esbuild fills with its own
 * helpers, so no line of the script moves; `"use strict"` makes the script behave as the
 * ES module it was written as.
 */
function compileFunction(path: string, code: string): { fn: ScriptFunction; holder: object } {
  // tsx turns source maps on; a bare `node` (or a test runner) may not have.
  if (!process.sourceMapsEnabled) process.setSourceMapsEnabled(true);
  const holder = new Module(path) as Module & CompilingModule;
  holder.filename = path;
  holder._compile(`module.exports = function (exports, require, module, __filename, __dirname, registry, __file__, cache, recache) {"use strict";${code}\n};`, path);
  return { fn: holder.exports as ScriptFunction, holder };
}

/** `Module#_compile`: undocumented, but the CommonJS loader's own path since Node 0.x. */
interface CompilingModule {
  _compile(code: string, filename: string): void;
}

/** The module each `require("…")` in the compiled code names, resolved from the script's folder. */
function resolveImports(path: string, code: string): Map<string, ImportTarget> {
  const imports = new Map<string, ImportTarget>();
  const requireFrom = createRequire(path);
  for (const match of code.matchAll(/\brequire\(("(?:[^"\\\n]|\\.)*")\)/g)) {
    const specifier = JSON.parse(match[1]!) as string;
    if (imports.has(specifier)) continue;
    imports.set(specifier, isBuiltin(specifier)
      ? { kind: 'builtin', exports: requireFrom(specifier) }
      : { kind: 'module', url: resolveSpecifier(specifier, path, requireFrom) });
  }
  return imports;
}

/**
 * The URL of a module a script imports. Paths are taken relative to the script; package
 * names are looked up from the script's folder, and from Loom's own when that fails (a
 * package that only offers `import`).
 */
function resolveSpecifier(specifier: string, path: string, requireFrom: NodeRequire): string {
  if (specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('/') || specifier.startsWith('file:')) {
    return new URL(specifier, pathToFileURL(path)).href;
  }
  try {
    return pathToFileURL(requireFrom.resolve(specifier)).href;
  } catch {
    return specifier;
  }
}

/**
 * Import each module (through the server's own loader, so the instance is the one the
 * server uses) and keep what a CommonJS `require` should return: the namespace, marked
 * `__esModule` so that esbuild's interop finds `default` where ES modules keep it.
 */
async function loadImports(targets: readonly ImportTarget[]): Promise<void> {
  await Promise.all(targets.map(async (target) => {
    if (target.kind !== 'module' || loadedModules.has(target.url)) return;
    try {
      const namespace = (await import(target.url)) as Record<string, unknown>;
      loadedModules.set(target.url, Object.freeze({ __esModule: true, ...namespace }));
    } catch (error) {
      throw new LoomError('LOOM_ERR_SCRIPT_IMPORT', `A resource script imports ${target.url}, which failed to load: ${(error as Error).message}`, { cause: error });
    }
  }));
}

function esbuildMessage(error: unknown): string {
  const errors = (error as { errors?: { text: string; location: { file: string; line: number; column: number; lineText: string } | null }[] }).errors;
  if (!Array.isArray(errors)) return String((error as Error).message ?? error);
  return errors.map((e) => e.location === null ? e.text
    : `${e.location.file}:${e.location.line}:${e.location.column + 1}: ${e.text}\n    ${e.location.lineText}`).join('\n');
}

// esbuild is loaded at the first compile, not at import: a Site that serves no script
// should not pay for it. It is a CommonJS package, so this stays synchronous.
let transform: typeof TransformSync | null = null;
function esbuildTransform(): typeof TransformSync {
  return (transform ??= (createRequire(import.meta.url)('esbuild') as typeof import('esbuild')).transformSync);
}
