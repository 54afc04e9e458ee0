/**
 * The program's own options and the life they give a server, run in this process with
 * stand-in streams and signals: a graceful stop with a request in flight, a second signal,
 * the pidfile and the server log. The real program in the background is
 * test/app/daemon.test.ts.
 */
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../lib/app/cli.ts';
import { splitAtCommand } from '../../lib/app/program.ts';
import { fakeProgramIO } from '../support/program-io.ts';
import { releaseAll } from '../fixtures/program/held.ts';

const LOCAL = 'tcp:0:interface=127.0.0.1';
const HELD = fileURLToPath(new URL('../fixtures/program/held.ts', import.meta.url));
const dir = realpathSync(mkdtempSync(join(tmpdir(), 'loom-program-')));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'hello.txt'), 'hello\n');

/** `main()` with stand-in streams, and the two signals under the test's control. */
function runMain(args: string[]) {
  const io = fakeProgramIO(dir);
  return { code: main(args, io), stdout: io.out, stderr: io.err, listening: io.listening().then(([url]) => url!), signal: () => io.signal(), signalAgain: () => io.signalAgain() };
}

/** Start a GET and resolve once its response has begun; `body` resolves at its end. */
function startGet(url: string): Promise<{ body: Promise<string> }> {
  return new Promise((resolve, reject) => {
    httpRequest(url, (res: IncomingMessage) => {
      let text = '';
      const body = new Promise<string>((done, fail) => {
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => done(text));
        res.on('error', fail);
        res.on('aborted', () => fail(new Error(`cut short after ${JSON.stringify(text)}`)));
      });
      res.once('data', () => resolve({ body }));
    }).on('error', reject).end();
  });
}

describe('splitAtCommand', () => {
  it("splits at the command, skipping the program options' values", () => {
    expect(splitAtCommand(['--pidfile', 'web', 'web', '--path', '.'])).toEqual({ before: ['--pidfile', 'web'], command: 'web', after: ['--path', '.'] });
    expect(splitAtCommand(['-y', 'site.config.ts', '--daemon'])).toEqual({ before: ['-y', 'site.config.ts', '--daemon'], command: undefined, after: [] });
    expect(splitAtCommand(['--grace=3', 'web'])).toMatchObject({ before: ['--grace=3'], command: 'web' });
  });
});

describe('the options before the command', () => {
  it('refuses a program option written after the command, saying where it goes', async () => {
    const run = runMain(['web', '--path', '.', '--daemon']);
    expect(await run.code).toBe(2);
    expect(run.stderr()).toContain('loom web: --daemon is an option of loom itself, not of loom web: write it before the command, e.g. loom --daemon web …');
  });

  it('refuses a --grace that is not a positive number of seconds', async () => {
    const run = runMain(['--grace', 'soon', 'web']);
    expect(await run.code).toBe(2);
    expect(run.stderr()).toContain('loom: --grace needs a number of seconds above 0, got "soon".');
  });

  it('refuses --config with a command after it', async () => {
    const run = runMain(['--config', 'site.config.ts', 'web']);
    expect(await run.code).toBe(2);
    expect(run.stderr()).toContain('--config runs the services its file exports, so it takes no command; got "web".');
  });

  it('lists the program options and the commands for --help', async () => {
    const run = runMain(['--help']);
    expect(await run.code).toBe(0);
    for (const option of ['-y, --config FILE', '--daemon', '--pidfile FILE', '-l, --logfile FILE', '--grace SECONDS', 'web ']) expect(run.stdout()).toContain(option);
  });

  it('prints the version for --version', async () => {
    const run = runMain(['--version']);
    expect(await run.code).toBe(0);
    expect(run.stdout()).toMatch(/^loom \d+\.\d+\.\d+\n$/);
  });
});

describe('a graceful stop', () => {
  it('lets a request in flight finish, refuses new connections meanwhile, then exits 0', async () => {
    const run = runMain(['web', '--class', HELD, '--listen', LOCAL]);
    const base = await run.listening;
    const inFlight = await startGet(base);
    run.signal();
    // Stopping: the port no longer accepts connections.
    await expect(fetch(base)).rejects.toThrow();
    expect(releaseAll()).toBe(1);
    expect(await inFlight.body).toBe('started\nfinished\n');
    expect(await run.code).toBe(0);
    expect(run.stderr()).toContain('loom: SIGTERM, stopping: requests in flight have 10 s to finish; a second signal stops at once.');
  });

  it('stops at once on a second signal, without waiting for the request in flight', async () => {
    const run = runMain(['--grace', '60', 'web', '--class', HELD, '--listen', LOCAL]);
    const inFlight = await startGet(await run.listening);
    run.signal();
    run.signalAgain();
    expect(await run.code).toBe(1);
    expect(run.stderr()).toContain('A second signal: stopping at once.');
    releaseAll();
    await inFlight.body.catch(() => undefined);
  });

  it('cuts what is still running when the grace period is over', async () => {
    const run = runMain(['--grace', '0.2', 'web', '--class', HELD, '--listen', LOCAL]);
    const inFlight = await startGet(await run.listening);
    run.signal();
    await expect(inFlight.body).rejects.toThrow(/cut short|aborted|socket hang up|ECONNRESET/);
    expect(await run.code).toBe(0); // the stop did complete: what was left was cut, on time
  });
});

describe('--pidfile and --logfile in the foreground', () => {
  it('writes the pidfile while running and removes it after', async () => {
    const pidfile = join(dir, 'web.pid');
    const run = runMain(['--pidfile', pidfile, 'web', '--path', '.', '--listen', LOCAL]);
    await run.listening;
    expect(readFileSync(pidfile, 'utf8')).toBe(`${process.pid}\n`);
    run.signal();
    expect(await run.code).toBe(0);
    expect(existsSync(pidfile)).toBe(false);
  });

  it('refuses to start when the pidfile names a live process, exit 1, and leaves the file alone', async () => {
    const pidfile = join(dir, 'taken.pid');
    writeFileSync(pidfile, `${process.ppid}\n`);
    const run = runMain(['--pidfile', pidfile, 'web', '--path', '.', '--listen', LOCAL]);
    expect(await run.code).toBe(1);
    expect(run.stderr()).toContain(`loom web: The pidfile ${pidfile} says another server, process ${process.ppid}, is running. Stop it first (kill ${process.ppid}), or give this one another --pidfile.`);
    expect(readFileSync(pidfile, 'utf8')).toBe(`${process.ppid}\n`);
  });

  it('sends the server log and the access lines to --logfile, and access lines to web --logfile when given', async () => {
    const server = join(dir, 'server.log');
    const access = join(dir, 'access.log');
    const run = runMain(['--logfile', server, 'web', '--path', '.', '--listen', LOCAL]);
    const base = await run.listening;
    await (await fetch(`${base}hello.txt`)).text();
    run.signal();
    expect(await run.code).toBe(0);
    const log = readFileSync(server, 'utf8');
    expect(log).toMatch(/\[info\] Listening on http:\/\/127\.0\.0\.1:\d+\//);
    expect(log).toMatch(/"GET \/hello\.txt HTTP\/1\.1" 200 6 /);
    expect(log).toContain('SIGTERM, stopping');

    const split = runMain(['--logfile', server, 'web', '--path', '.', '--listen', LOCAL, '--logfile', access]);
    await (await fetch(`${await split.listening}hello.txt?split`)).text();
    split.signal();
    expect(await split.code).toBe(0);
    expect(readFileSync(access, 'utf8')).toContain('GET /hello.txt?split');
    expect(readFileSync(server, 'utf8')).not.toContain('?split');
  });
});
