/**
 * `npm run build` (and `npm pack`, through `prepack`): compile lib/ into dist/ so the
 * published package runs on plain Node, without tsx: `import { Resource, Site } from
 * 'loom-web'` in an .mjs file, and `npx loom web --path .`.
 *
 * tsc does most of it (tsconfig.build.json): JavaScript, declarations and source maps,
 * with `./x.ts` import specifiers rewritten to `./x.js`. Two things it leaves:
 * - files that are not TypeScript (lib/gateway/boot.mjs, the worker threads' entry,
 *   and lib/rsx-env.d.ts, the globals resource scripts see) are copied as they are;
 * - a module found by URL rather than imported, `new URL('./worker.ts', import.meta.url)`,
 *   keeps its `.ts`: where such a URL names one of lib's own modules, it is rewritten
 *   to `.js` the way tsc rewrites imports.
 * The workbook never reads dist/ (bin/loom.mjs prefers lib/ when it is there), so a
 * stale build cannot change what the lessons and tests run.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LIB = join(ROOT, 'lib');
const DIST = join(ROOT, 'dist');
/** Files of lib/ the package needs that tsc does not write. */
const COPIED = ['gateway/boot.mjs', 'rsx-env.d.ts'];

rmSync(DIST, { recursive: true, force: true });
execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
for (const file of COPIED) {
  mkdirSync(dirname(join(DIST, file)), { recursive: true });
  copyFileSync(join(LIB, file), join(DIST, file));
}
let rewritten = 0;
for (const file of jsFiles(DIST)) {
  const text = readFileSync(file, 'utf8');
  const dir = dirname(join(LIB, relative(DIST, file)));
  // Only URLs naming a module lib/ really has: an example in a message ('./app.ts') stays.
  const next = text.replace(/new URL\('(\.\.?\/[\w./-]+)\.ts', import\.meta\.url\)/g, (whole, path: string) => {
    if (!existsSync(join(dir, `${path}.ts`))) return whole;
    rewritten++;
    return `new URL('${path}.js', import.meta.url)`;
  });
  if (next !== text) writeFileSync(file, next);
}
console.log(`dist/ built: ${jsFiles(DIST).length} modules, ${rewritten} module URL(s) rewritten to .js.`);

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return jsFiles(path);
    return name.endsWith('.js') ? [path] : [];
  });
}
