/**
 * The built docs site for the browser tests: find it (building it once when it is
 * missing), serve it with `vite preview` on a free loopback port, and open it in Debian's
 * Chromium through playwright-core.
 *
 * Building costs about 95 s of CPU and 2.1 GB of memory (TypeDoc, then VitePress), so
 * the tests use `docs/.vitepress/dist` when it is newer than every source it is built
 * from. Under CI (`CI=true`) a missing or older site is built first, once. Elsewhere the
 * tests skip with a reason instead, so that a learner's `npm test` never starts a site
 * build and editing a lib file does not make every run pay for one;
 * `npm run docs:build` brings the site up to date, and `LOOM_DOCS_REUSE=1` tests
 * whatever site is there, however old.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BrowserContext } from 'playwright-core';

export const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const DIST = join(ROOT, 'docs/.vitepress/dist');
/** Screenshots for review: git-ignored, beside VitePress's own cache. */
export const SHOTS = join(ROOT, 'docs/.vitepress/cache/screenshots');
export const IN_CI = process.env.CI === 'true';
export const CHROMIUM = process.env.LOOM_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Flags that make Chromium quiet and headless in a closed network: without the
 * background-networking ones it keeps trying hosts that refuse it (toolchain.md §2).
 * The host resolver rule makes every host name but 127.0.0.1 fail to resolve, so a page
 * cannot reach off the machine even where the network is open; the tests record any
 * request that tries.
 */
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

/** Whether the browser tests can run here, and if not, why. */
export interface Readiness {
  readonly ready: boolean;
  /** What is missing, for the skip message or the CI failure. */
  readonly reason: string;
  /** True when the site must be built before testing. */
  readonly mustBuild: boolean;
}

/**
 * Decide what the browser tests do: run, build first, or skip (outside CI only). In CI
 * a missing Chromium is an error thrown here, never a skip.
 */
export function readiness(): Readiness {
  if (!existsSync(CHROMIUM)) {
    const reason = `Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium)`;
    if (IN_CI) throw new Error(`${reason}; CI must run the docs browser tests: .ci/run installs it.`);
    return { ready: false, reason, mustBuild: false };
  }
  if (!existsSync(join(DIST, 'index.html'))) {
    if (IN_CI) return { ready: true, reason: 'no built site yet', mustBuild: true };
    return { ready: false, reason: 'there is no built site; run npm run docs:build to test the docs site', mustBuild: false };
  }
  if (process.env.LOOM_DOCS_REUSE === '1') return { ready: true, reason: '', mustBuild: false };
  const stale = newerSource(statSync(join(DIST, 'index.html')).mtimeMs);
  if (stale === null) return { ready: true, reason: '', mustBuild: false };
  if (IN_CI) return { ready: true, reason: `${stale} is newer than the built site`, mustBuild: true };
  return { ready: false, reason: `docs/.vitepress/dist is older than ${stale}; run npm run docs:build to test the docs site`, mustBuild: false };
}

/** `npm run docs:build`, failing with its output when it fails. Returns the seconds it took. */
export async function buildSite(): Promise<number> {
  const started = performance.now();
  try {
    await promisify(execFile)('npm', ['run', 'docs:build'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`npm run docs:build failed:\n${stdout.slice(-4000)}\n${stderr.slice(-4000)}`);
  }
  return (performance.now() - started) / 1000;
}

/** A running `vite preview` of the built site. */
export interface Preview {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * Serve the built site with Vite's preview server, in this process, on a free port of
 * the loopback interface. `appType: 'mpa'` makes an unknown path a 404 rather than the
 * home page, as a real static host would answer.
 */
export async function servePreview(): Promise<Preview> {
  const { preview } = await import('vite');
  const server = await preview({
    root: ROOT,
    configFile: false,
    logLevel: 'silent',
    appType: 'mpa',
    build: { outDir: DIST },
    preview: { host: '127.0.0.1', port: 0, strictPort: true, open: false },
  });
  const { port } = server.httpServer.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    // The server's own close, not its httpServer's: it also removes the SIGTERM
    // listener Vite added to this process, which would outlive the test otherwise.
    close: () => server.close(),
  };
}

/** A Chromium context with its own throwaway profile; `close()` removes the profile. */
export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'loom-docs-chromium-'));
  // launch({ args: ['--user-data-dir=…'] }) throws; a persistent context takes the directory instead.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Every page of the built site, as URL paths (`/`, `/lessons/`, `/api/classes/Resource`). */
export function builtPages(): string[] {
  return walkHtml(DIST)
    .map((file) => file.slice(DIST.length).replaceAll('\\', '/'))
    .filter((path) => path !== '/404.html')
    .map((path) => path.replace(/(^|\/)index\.html$/, '$1').replace(/\.html$/, ''))
    .sort();
}

/** The built file a clean URL path is served from, or null when there is none. */
export function fileForPath(path: string): string | null {
  const clean = decodeURIComponent(path.replace(/[?#].*$/, ''));
  const candidates = clean.endsWith('/') ? [`${clean}index.html`] : [`${clean}.html`, clean, `${clean}/index.html`];
  for (const candidate of candidates) {
    const file = join(DIST, candidate);
    if (file.startsWith(DIST) && existsSync(file) && statSync(file).isFile()) return file;
  }
  return null;
}

export function ensureShotsDir(): string {
  mkdirSync(SHOTS, { recursive: true });
  return SHOTS;
}

/** The first source file (relative) newer than `builtAt`, or null when the site is current. */
function newerSource(builtAt: number): string | null {
  const roots = ['lib', 'lessons', 'docs', 'typedoc.json'];
  for (const root of roots) {
    for (const file of walk(join(ROOT, root))) {
      if (/\.(md|ts|mts|vue|css|json)$/.test(file) && statSync(file).mtimeMs > builtAt) return file.slice(ROOT.length + 1);
    }
  }
  return null;
}

/** Files under `path` (or `path` itself), leaving out build output and generated API pages. */
function walk(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  const skip = new Set(['node_modules', 'dist', 'cache', 'api']);
  return readdirSync(path, { withFileTypes: true }).flatMap((entry) =>
    skip.has(entry.name) && path.startsWith(join(ROOT, 'docs')) ? [] : walk(join(path, entry.name)),
  );
}

function walkHtml(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'assets' ? [] : walkHtml(path);
    return entry.name.endsWith('.html') ? [path] : [];
  });
}
