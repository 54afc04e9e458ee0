/**
 * `loom --config FILE` (and `-y FILE`): a TypeScript file exporting `application`, a
 * MultiService, whose services start in order and stop in reverse. The files are written
 * here, as the howto's examples: a Site on every port listed in a file, plus a service of
 * the file's own that notes when it starts and stops.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../lib/app/cli.ts';
import { loadConfigFile } from '../../lib/app/config-file.ts';
import { fakeProgramIO, type FakeProgramIO } from '../support/program-io.ts';
import { isLoomError } from '../../lib/errors.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LIB = join(ROOT, 'lib', 'index.ts');
const dir = realpathSync(mkdtempSync(join(tmpdir(), 'loom-config-')));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const journal = join(dir, 'journal.txt');

mkdirSync(join(dir, 'htdocs'));
writeFileSync(join(dir, 'htdocs', 'index.html'), '<p>from the config file</p>\n');
writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
// Two ports, one per line, as the howto's example reads them from a file.
writeFileSync(join(dir, 'ports'), 'tcp:0:interface=127.0.0.1\n\ntcp:0:interface=127.0.0.1\n');
writeFileSync(join(dir, 'site.config.ts'), `import { appendFileSync, readFileSync } from 'node:fs';
import { File, MultiService, Site, SiteService, type Service } from '${LIB}';

export const application = new MultiService('web');
const site = new Site(new File(${JSON.stringify(join(dir, 'htdocs'))}), { accessLog: null });
for (const line of readFileSync(${JSON.stringify(join(dir, 'ports'))}, 'utf8').split('\\n')) {
  if (line.trim() !== '') application.addService(new SiteService(line.trim(), site));
}
const journal: Service = {
  name: 'journal',
  start: () => appendFileSync(${JSON.stringify(journal)}, 'journal start\\n'),
  stop: () => appendFileSync(${JSON.stringify(journal)}, 'journal stop\\n'),
};
application.addService(journal);
`);
writeFileSync(join(dir, 'nothing.config.ts'), 'export const somethingElse = 1;\n');
writeFileSync(join(dir, 'not-a-service.config.ts'), 'export const application = { name: "x" };\n');

const io = (): FakeProgramIO => fakeProgramIO(dir);

describe('loom --config', () => {
  it('starts every service of the application in order, serves on each port, and stops them in reverse', async () => {
    writeFileSync(journal, '');
    const program = io();
    const code = main(['--config', 'site.config.ts'], program);
    const urls = await program.listening(2);
    expect(urls).toHaveLength(2);
    for (const url of urls) expect(await (await fetch(url)).text()).toBe('<p>from the config file</p>\n');
    expect(readFileSync(journal, 'utf8')).toBe('journal start\n');
    program.signal();
    expect(await code).toBe(0);
    expect(readFileSync(journal, 'utf8')).toBe('journal start\njournal stop\n');
    for (const url of urls) await expect(fetch(url)).rejects.toThrow();
  });

  it('refuses a file that is not there, or that exports no application, saying what to export', async () => {
    const missing = io();
    expect(await main(['-y', 'nowhere.config.ts'], missing)).toBe(2);
    expect(missing.err()).toContain('loom: --config: no such file: nowhere.config.ts');
    const none = io();
    expect(await main(['-y', 'nothing.config.ts'], none)).toBe(2);
    expect(none.err()).toMatch(/has no export named application \(it exports: somethingElse\)\. A config file exports its services: export const application = new MultiService\(\);/);
  });

  it('refuses an application that is not a service', async () => {
    await expect(loadConfigFile('not-a-service.config.ts', dir)).rejects.toSatisfy((e) => isLoomError(e, 'LOOM_ERR_USAGE') && /not a service/.test((e as Error).message));
  });
});

describe('loom -y, the real program', () => {
  it('runs the config file through bin/loom.mjs and stops on SIGTERM with exit 0', async () => {
    writeFileSync(journal, '');
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'loom.mjs'), '-y', 'site.config.ts'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => void (err += d.toString()));
    const urls = await new Promise<string[]>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const found = [...out.matchAll(/^Listening on (\S+)$/gm)].map((m) => m[1]!);
        if (found.length === 2) resolve(found);
      });
      void exited.then((code) => reject(new Error(`loom exited (${code}) before listening:\n${out}\n${err}`)));
    });
    expect(await (await fetch(urls[1]!)).text()).toBe('<p>from the config file</p>\n');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(readFileSync(journal, 'utf8')).toBe('journal start\njournal stop\n');
  }, 30_000);
});
