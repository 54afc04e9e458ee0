/**
 * Bundling the server scripts before a run, with esbuild, into node_modules/.cache.
 *
 * Loom is TypeScript; run through tsx, a Loom server would carry the loader (its hooks
 * thread and esbuild) in its memory and start-up, and the peers would not. Bundled, every
 * server is a plain `.mjs` run by plain `node`: lib/ is compiled in (the same esbuild
 * transform tsx would apply), packages stay external and load from node_modules as usual.
 */
import { mkdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const SERVERS_DIR = fileURLToPath(new URL('./servers/', import.meta.url));
/** Inside the project, so the bundles' bare imports resolve from its node_modules. */
export const BUILD_DIR = fileURLToPath(new URL('../node_modules/.cache/loom-bench/', import.meta.url));

/** The bundle a server script is run from. */
export function bundlePath(script: string): string {
  return join(BUILD_DIR, `${basename(script, extname(script))}.mjs`);
}

/** Bundle each script (file names in bench/servers/). */
export async function bundleServers(scripts: readonly string[]): Promise<void> {
  mkdirSync(BUILD_DIR, { recursive: true });
  const unique = [...new Set(scripts)];
  if (unique.length === 0) return;
  await build({
    entryPoints: unique.map((script) => join(SERVERS_DIR, script)),
    outdir: BUILD_DIR,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'error',
  });
}
