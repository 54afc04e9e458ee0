import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { main } from '../../lib/app/cli.ts';
import { fakeProgramIO } from '../support/program-io.ts';

// `main()` is tested in this process with stand-in streams (fast); then the real
// program, as a user runs it: `node bin/loom.mjs …` in a child process, listening on
// port 0, the port read from its "Listening on" lines.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'loom.mjs');
const LIB = join(ROOT, 'lib', 'index.ts');
const LOCAL = 'tcp:0:interface=127.0.0.1';

const site = realpathSync(mkdtempSync(join(tmpdir(), 'loom-cli-')));
afterAll(() => rmSync(site, { recursive: true, force: true }));
mkdirSync(join(site, 'docs'));
writeFileSync(join(site, 'hello.txt'), 'hello from a file\n');
writeFileSync(join(site, 'docs', 'index.html'), '<p>docs</p>\n');
writeFileSync(join(site, 'moved.asis'), 'HTTP/1.1 302 Found\nLocation: /hello.txt\n\n');
writeFileSync(join(site, 'env.cgi'), '#!/bin/sh\nprintf "Content-Type: text/plain\\n\\ncgi says $PATH_INFO"\n');
chmodSync(join(site, 'env.cgi'), 0o755);
writeFileSync(join(site, 'greet.rsx.ts'), `import { Resource, type Request } from '${LIB}';

class Greet extends Resource {
  override isLeaf = true;
  render_GET(request: Request): string {
    if (request.args.has('fail')) throw new Error('failing on line 6');
    return 'hello from a script';
  }
}
export const resource = new Greet();
`);

writeFileSync(join(site, 'app.ts'), `export function application(environ: Record<string, unknown>, startResponse: (s: string, h: [string, string][]) => unknown) {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return ['gateway says ' + String(environ['PATH_INFO'])];
}
`);

/** A running `loom` program. */
interface Running {
  readonly child: ChildProcess;
  readonly urls: string[];
  readonly stderr: () => string;
  /** Send `signal` and wait for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const running = new Set<ChildProcess>();
afterEach(() => {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
});

/** Start `loom ARGS` and wait until it has printed `listening` "Listening on" lines. */
function startLoom(args: string[], listening = 1): Promise<Running> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: site, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => {
    running.delete(child);
    resolve(code);
  }));
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => void (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
      const urls = [...stdout.matchAll(/^Listening on (\S+)$/gm)].map((m) => m[1]!);
      if (urls.length === listening) {
        resolve({ child, urls, stderr: () => stderr, stop: (signal = 'SIGTERM') => (child.kill(signal), exited) });
      }
    });
    void exited.then((code) => reject(new Error(`loom exited (${code}) before listening:\n${stdout}\n${stderr}`)));
  });
}

/** Run `command ARGS` to the end and collect what it printed. */
function runToEnd(command: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => void (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}


/** `main()` in this process: what it printed, and a way to ask it to stop. */
function runMain(args: string[]): { code: Promise<number>; stdout: () => string; stderr: () => string; stop: () => void; listening: () => Promise<string> } {
  const io = fakeProgramIO(site);
  return { code: main(args, io), stdout: io.out, stderr: io.err, stop: () => io.signal(), listening: () => io.listening().then(([url]) => url!) };
}

describe('main', () => {
  it('runs loom web until asked to stop, then exits 0', async () => {
    const run = runMain(['web', '--path', '.', '--listen', LOCAL, '--logfile', join(site, 'access.log')]);
    const base = await run.listening();
    expect(await (await fetch(`${base}hello.txt`)).text()).toBe('hello from a file\n');
    run.stop();
    expect(await run.code).toBe(0);
    expect(run.stderr()).toContain('SIGTERM, stopping');
  });

  it('answers a usage error with a clear message and where the help is, exit 2, no stack trace', async () => {
    const run = runMain(['web', '--mime-type', 'text/plain', '--path', '.']);
    expect(await run.code).toBe(2);
    expect(run.stderr()).toBe('loom web: You can only use --mime-type after --path.\nSee: loom web --help\n');
    expect(run.stderr()).not.toMatch(/^\s+at /m);
  });

  it('answers an unknown option, or a module --processor cannot load, the same way', async () => {
    const unknown = runMain(['web', '--mime_type', 'x']);
    expect(await unknown.code).toBe(2);
    expect(unknown.stderr()).toContain('Option --mime_type not recognized. Did you mean --mime-type?');
    const missing = runMain(['web', '--path', '.', '--processor', '.x=./nowhere.ts:X', '--listen', LOCAL]);
    expect(await missing.code).toBe(2);
    expect(missing.stderr()).toContain('--processor: cannot load ./nowhere.ts');
    expect(missing.stderr()).not.toMatch(/^\s+at /m);
  });

  it('exits 1 with the reason when the port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const run = runMain(['web', '--listen', `tcp:${port}:interface=127.0.0.1`]);
      expect(await run.code).toBe(1);
      expect(run.stderr()).toMatch(/^loom web: .*\b(in use|already)\b/);
      expect(run.stderr()).not.toMatch(/^\s+at /m);
    } finally {
      blocker.close();
    }
  });

  it('prints the options of loom web for --help and exits 0', async () => {
    const run = runMain(['web', '--help']);
    expect(await run.code).toBe(0);
    for (const option of ['--path DIR', '--listen ENDPOINT', '--port PORT', '--index NAME', '--mime-type TYPE', '--ignore-ext EXT',
      '--allow-ignore-ext', '--processor EXT=MODULE:EXPORT', '--resource-script FILE', '--logfile FILE', '--display-tracebacks', '--gateway MODULE:EXPORT',
      '--https PORT', '-c, --certificate FILE', '-k, --privkey FILE', '--add-header "NAME: VALUE"', '-n, --notracebacks']) {
      expect(run.stdout()).toContain(option);
    }
  });

  it('lists the commands: exit 2 without one or for an unknown one, 0 for --help', async () => {
    const none = runMain([]);
    expect(await none.code).toBe(2);
    expect(none.stdout()).toMatch(/Commands:\n {2}web /);
    const unknown = runMain(['serve']);
    expect(await unknown.code).toBe(2);
    expect(unknown.stderr()).toContain('unknown command "serve"');
    expect(await runMain(['--help']).code).toBe(0);
  });
});

describe('bin/loom.mjs, the real program', () => {
  it('serves a directory with scripts, CGI and as-is files on every --listen and --port, and stops on SIGTERM', async () => {
    const server = await startLoom(['web', '--path', '.', '--listen', LOCAL, '--port', LOCAL, '--display-tracebacks'], 2);
    const [base, second] = server.urls as [string, string];
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(second).not.toBe(base);
    expect(await (await fetch(`${second}hello.txt`)).text()).toBe('hello from a file\n');
    expect(await (await fetch(`${base}docs/`)).text()).toBe('<p>docs</p>\n');
    expect(await (await fetch(`${base}greet.rsx.ts`)).text()).toBe('hello from a script');
    expect(await (await fetch(`${base}env.cgi/extra`)).text()).toBe('cgi says /extra');
    expect((await fetch(`${base}moved.asis`, { redirect: 'manual' })).headers.get('location')).toBe('/hello.txt');
    // Source maps are on under tsx, so the traceback names the line of the .ts file.
    const failed = await fetch(`${base}greet.rsx.ts?fail=1`);
    expect(failed.status).toBe(500);
    expect(await failed.text()).toMatch(/failing on line 6[\s\S]*greet\.rsx\.ts:6:\d+/);
    expect(await server.stop('SIGTERM')).toBe(0);
    expect(server.stderr()).toContain('SIGTERM, stopping');
  });

  it('serves --gateway once its worker threads are up, and answers at once', async () => {
    // The pool's threads do not hold the process open; waiting for them must.
    const server = await startLoom(['web', '--gateway', './app.ts:application', '--gateway-threads', '2', '--listen', LOCAL]);
    expect(await (await fetch(`${server.urls[0]!}a/b`)).text()).toBe('gateway says /a/b');
    expect(await server.stop('SIGTERM')).toBe(0);
  });

  it('stops cleanly on Ctrl-C (SIGINT)', async () => {
    const server = await startLoom(['web', '--path', '.', '--listen', LOCAL]);
    expect(await server.stop('SIGINT')).toBe(0);
  });

  it('is what `npx loom` runs: the package bin, executable, with a node shebang', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(join(ROOT, pkg.bin.loom!)).toBe(BIN);
    accessSync(BIN, constants.X_OK);
    const result = await runToEnd(BIN, ['--version']);
    expect(result.stdout).toMatch(/^loom \d+\.\d+\.\d+/);
    expect(result.code).toBe(0);
  });
});
