/**
 * @module
 * Finding an export of a module the user names (`./app.ts:application`), whether the
 * module is an ES module or CommonJS.
 *
 * Node decides a `.ts` or `.js` file's kind by the nearest package.json: without
 * `"type": "module"` it is CommonJS, and tsx compiles its `export function …` into
 * `module.exports`. Imported from ESM, such a module's namespace holds `default` (the
 * whole `module.exports`) and only the names Node's static scan could see, which for
 * compiled code is often none. So a name missing from the namespace is looked for on
 * `default` too: `loom web --gateway ./app.ts:application` then works in any folder.
 *
 * Twisted counterpart: `twisted.python.reflect.namedAny`, which has one kind of module
 * to deal with. Tests: `test/plumbing/module-export.test.ts`.
 */

/** The export `name` of an imported module's namespace, or `undefined`. */
export function exportOf(namespace: Readonly<Record<string, unknown>>, name: string): unknown {
  if (namespace[name] !== undefined) return namespace[name];
  const commonjs = namespace['default'];
  if (name !== 'default' && typeof commonjs === 'object' && commonjs !== null && Object.hasOwn(commonjs, name)) {
    return (commonjs as Record<string, unknown>)[name];
  }
  return undefined;
}

/** The names a module exports, CommonJS `module.exports` included, for messages that list them. */
export function exportNames(namespace: Readonly<Record<string, unknown>>): string[] {
  const names = new Set(Object.keys(namespace));
  const commonjs = namespace['default'];
  if (typeof commonjs === 'object' && commonjs !== null) for (const key of Object.keys(commonjs)) names.add(key);
  return [...names];
}
