/**
 * The installable package, as a user gets it: `npm pack` (which builds dist/ through
 * `prepack`), installed into an empty project offline, then used with plain Node: an
 * .mjs file importing `loom-web`, TypeScript checking against its declarations, and
 * `npx loom web`.
 *
 * Offline: the project gets a package-lock.json naming the tarball and, for every
 * dependency, the exact version and integrity the workbook's own lockfile has, so
 * `npm ci --offline` takes them all from npm's cache (filled when the workbook was
 * installed) without asking the registry anything.
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; dependencies: Record<string, string>; engines: Record<string, string> };
const project = realpathSync(mkdtempSync(join(tmpdir(), 'loom-package-')));

function run(command: string, args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, encoding: 'utf8', timeout: 180_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }));
  });
}

/** A lockfile for `project` depending on the tarball only, with the workbook's locked runtime dependencies. */
function lockfileFor(tarball: string, manifest: object): object {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; link?: boolean }> };
  const integrity = `sha512-${createHash('sha512').update(readFileSync(join(project, tarball))).digest('base64')}`;
  const packages: Record<string, unknown> = {
    '': manifest,
    'node_modules/loom-web': {
      version: pkg.version, resolved: `file:${tarball}`, integrity, license: 'MIT',
      dependencies: pkg.dependencies, bin: { loom: 'bin/loom.mjs' }, engines: pkg.engines,
    },
  };
  // What the workbook needs at run time is exactly what the package needs: the entries not marked dev.
  for (const [path, entry] of Object.entries(lock.packages)) if (path !== '' && entry.dev !== true && entry.link !== true) packages[path] = entry;
  return { name: 'try-loom', version: '1.0.0', lockfileVersion: 3, requires: true, packages };
}

let install: { code: number | null; stdout: string; stderr: string };

beforeAll(async () => {
  const packed = await run('npm', ['pack', '--pack-destination', project], ROOT);
  if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
  const tarball = readdirSync(project).find((name) => name.endsWith('.tgz'))!;
  const manifest = { name: 'try-loom', version: '1.0.0', private: true, dependencies: { 'loom-web': `file:${tarball}` }, allowScripts: { esbuild: true } };
  writeFileSync(join(project, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(project, 'package-lock.json'), `${JSON.stringify(lockfileFor(tarball, manifest), null, 2)}\n`);
  install = await run('npm', ['ci', '--offline', '--no-audit', '--no-fund'], project);
  if (install.code !== 0) throw new Error(`npm ci --offline failed:\n${install.stderr}`);
}, 240_000);
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('the packed loom-web', { timeout: 60_000 }, () => {
  it('installs offline with no engine warnings on this Node', () => {
    expect(install.stderr + install.stdout).not.toMatch(/EBADENGINE|Unsupported engine/);
    const installed = JSON.parse(readFileSync(join(project, 'node_modules', 'loom-web', 'package.json'), 'utf8')) as { name: string };
    expect(installed.name).toBe(pkg.name);
  });

  it('ships compiled JavaScript and declarations, not the workbook', () => {
    const files = readdirSync(join(project, 'node_modules', 'loom-web'));
    expect(files.sort()).toEqual(['README.md', 'bin', 'dist', 'package.json']);
    const dist = readdirSync(join(project, 'node_modules', 'loom-web', 'dist'));
    expect(dist).toContain('index.js');
    expect(dist).toContain('index.d.ts');
    expect(dist.filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))).toEqual([]);
  });

  it('runs `import { Resource, Site } from "loom-web"` in an .mjs file on plain Node, without tsx', async () => {
    writeFileSync(join(project, 'hello.mjs'), `import { Resource, Site } from 'loom-web';
class Hello extends Resource {
  isLeaf = true;
  render_GET(request) { return 'hello from ' + request.clientproto; }
}
const site = new Site(new Hello(), { accessLog: null });
const port = await site.listen('tcp:0:interface=127.0.0.1');
console.log(await (await fetch(port.url)).text());
await site.close();
`);
    const result = await run(process.execPath, ['hello.mjs'], project);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('hello from HTTP/1.1\n');
  });

  it('type-checks a TypeScript user of the package against its declarations', async () => {
    writeFileSync(join(project, 'typed.mts'), `import { Resource, Site, type Request } from 'loom-web';
class Typed extends Resource {
  override isLeaf = true;
  render_GET(request: Request): string { return request.uri; }
}
const site: Site = new Site(new Typed());
const wrong: number = site.displayTracebacks;
`);
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2023', '--types', 'node',
      '--typeRoots', join(ROOT, 'node_modules', '@types'), 'typed.mts'], project);
    // The one error is the one put there on purpose: the types are real, not `any`.
    expect(result.stdout.trim().split('\n')).toEqual([expect.stringMatching(/typed\.mts\(7,7\): error TS2322: Type 'boolean' is not assignable to type 'number'\./)]);
  });

  it('serves a folder with `npx loom web --path .`, and a gateway app on its worker threads', async () => {
    writeFileSync(join(project, 'index.html'), '<p>served by the package</p>\n');
    writeFileSync(join(project, 'app.mjs'), `export function application(environ, startResponse) {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return ['gateway ' + environ.PATH_INFO];
}
`);
    for (const [args, path, body] of [
      [['--path', '.'], '', '<p>served by the package</p>\n'],
      [['--gateway', './app.mjs:application'], 'x', 'gateway /x'],
    ] as const) {
      const child = spawn('npx', ['loom', 'web', ...args, '--listen', 'tcp:0:interface=127.0.0.1'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
      try {
        let out = '';
        let err = '';
        child.stderr.on('data', (d: Buffer) => void (err += d.toString()));
        const url = await new Promise<string>((resolve, reject) => {
          child.stdout.on('data', (d: Buffer) => {
            out += d.toString();
            const m = /^Listening on (\S+)$/m.exec(out);
            if (m !== null) resolve(m[1]!);
          });
          void exited.then(({ code }) => reject(new Error(`npx loom exited (${code}) before listening:\n${out}\n${err}`)));
        });
        expect(await (await fetch(`${url}${path}`)).text()).toBe(body);
      } finally {
        child.kill('SIGTERM');
      }
      // npm exec hands SIGTERM on to loom and ends by it itself; loom's own graceful stop
      // is test/app/program.test.ts's subject.
      const { code, signal } = await exited;
      expect(code === 0 || signal === 'SIGTERM', `npx loom ended with code ${code}, signal ${signal}`).toBe(true);
    }
  });
});
