/**
 * The names a resource script (`*.rsx.ts`) can use without importing them. Loom passes
 * them to every run of the script (see `lib/script.ts`); this file only tells the
 * compiler and your editor that they exist.
 *
 * A folder of scripts outside this repository can use it from its own `tsconfig.json`
 * (`"include": ["*.rsx.ts", "node_modules/loom-web/lib/rsx-env.d.ts"]`) or with a
 * `/// <reference path="…/lib/rsx-env.d.ts" />` line at the top of a script.
 *
 * Twisted counterpart: the globals an `.rpy` file is executed with (`registry`,
 * `__file__`, `cache`, `recache`). Loom differs: the script exports `resource` instead of
 * assigning a global, so that it is an ordinary module editors understand.
 */

/** The registry shared by the served directory and its scripts: keep things between requests here. */
declare const registry: import('./static/registry.ts').Registry;

/** The path of the script being run. */
declare const __file__: string;

/**
 * Keep the resource this script exports, and on later requests stop the script right
 * here and answer with the kept one. Call it first, before any costly work. The kept
 * resource is dropped when the script's content changes.
 */
declare function cache(): void;

/** Keep the resource this run exports, replacing any kept one (without stopping early). */
declare function recache(): void;
