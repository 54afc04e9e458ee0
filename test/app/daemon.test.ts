/**
 * `loom --daemon`, the real program: it starts in the background and the command
 * returns once the server listens; the pidfile names the server; a live pidfile is
 * refused, a stale one replaced; `kill $(cat loom.pid)` stops it gracefully; a daemon
 * that cannot start says why in the terminal. Every daemon a test starts is killed by
 * its pid afterwards, whatever happened.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, watch, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive, readPid } from '../../lib/plumbing/pid-file.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'loom.mjs');
const LOCAL = 'tcp:0:interface=127.0.0.1';
const dir = realpathSync(mkdtempSync(join(tmpdir(), 'loom-daemon-')));
writeFileSync(join(dir, 'hello.txt'), 'hello from the daemon\n');

const started = new Set<number>();
afterAll(() => {
  for (const pid of started) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Run `loom ARGS` in `dir` to its end (the parent returns as soon as the daemon is up). */
function loom(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => void (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
  return new Promise((resolve) => child.once('close', (code) => {
    const pid = /as process (\d+)/.exec(stdout)?.[1];
    if (pid !== undefined) started.add(Number(pid));
    resolve({ code, stdout, stderr });
  }));
}

/** Resolve once `file` is gone (the daemon removes its pidfile as the last thing it does). */
function removed(file: string): Promise<void> {
  return new Promise((resolve) => {
    const watcher = watch(dir, () => {
      if (!existsSync(file)) {
        watcher.close();
        resolve();
      }
    });
    if (!existsSync(file)) {
      watcher.close();
      resolve();
    }
  });
}

/** Resolve once process `pid` has exited: checked after each event-loop turn, for at most 10 s. */
async function exited(pid: number): Promise<boolean> {
  const until = Date.now() + 10_000;
  while (isAlive(pid) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
  return !isAlive(pid);
}

describe('loom --daemon', { timeout: 60_000 }, () => {
  it('returns once the server listens in the background, with a pidfile, and stops gracefully on kill', async () => {
    const pidfile = join(dir, 'a.pid');
    const log = join(dir, 'a.log');
    const start = await loom(['--daemon', '--pidfile', pidfile, '--logfile', log, 'web', '--path', '.', '--listen', LOCAL]);
    expect(start.code).toBe(0);
    const url = /^Listening on (\S+)$/m.exec(start.stdout)?.[1];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const pid = readPid(pidfile)!;
    expect(start.stdout).toContain(`running in the background as process ${pid} (pidfile ${pidfile}, log ${log}). Stop it with: kill $(cat ${pidfile})`);
    expect(isAlive(pid)).toBe(true);
    expect(await (await fetch(`${url}hello.txt`)).text()).toBe('hello from the daemon\n');

    // A second daemon on the same pidfile is refused, in the terminal, exit 1.
    const second = await loom(['--daemon', '--pidfile', pidfile, '--logfile', log, 'web', '--path', '.', '--listen', LOCAL]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`The pidfile ${pidfile} says another server, process ${pid}, is running. Stop it first (kill ${pid})`);

    // kill $(cat a.pid): SIGTERM, a graceful stop, the pidfile removed.
    const gone = removed(pidfile);
    process.kill(pid, 'SIGTERM');
    await gone;
    expect(await exited(pid)).toBe(true);
    const written = readFileSync(log, 'utf8');
    expect(written).toMatch(/"GET \/hello\.txt HTTP\/1\.1" 200 22 /); // access lines go to the server log, as twistd's do
    expect(written).toContain('loom: SIGTERM, stopping');
  });

  it('replaces a stale pidfile left by a server that is gone, and says so in the log', async () => {
    const pidfile = join(dir, 'loom.pid');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(pidfile, `${dead}\n`);
    const start = await loom(['--daemon', 'web', '--path', '.', '--listen', LOCAL]); // the defaults: loom.pid, loom.log
    expect(start.code).toBe(0);
    const pid = readPid(pidfile)!;
    expect(pid).not.toBe(dead);
    expect(readFileSync(join(dir, 'loom.log'), 'utf8')).toContain(`Removed the stale pidfile ${pidfile}: process ${dead} is not running.`);
    const gone = removed(pidfile);
    process.kill(pid, 'SIGTERM');
    await gone;
    expect(await exited(pid)).toBe(true);
  });

  it('says in the terminal why a daemon could not start, with its exit code, and leaves no pidfile', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    const pidfile = join(dir, 'busy.pid');
    try {
      const start = await loom(['--daemon', '--pidfile', pidfile, '--logfile', join(dir, 'busy.log'), 'web', '--listen', `tcp:${port}:interface=127.0.0.1`]);
      expect(start.code).toBe(1);
      expect(start.stderr).toMatch(new RegExp(`Cannot listen on port ${port} on 127\\.0\\.0\\.1: it is already in use`));
      expect(existsSync(pidfile)).toBe(false);
    } finally {
      blocker.close();
    }
  });

  it('refuses a usage error before starting anything in the background', async () => {
    const start = await loom(['--daemon', 'web', '--mime-type', 'text/plain']);
    expect(start.code).toBe(2);
    expect(start.stderr).toContain('You can only use --mime-type after --path.');
    expect(start.stdout).not.toContain('running in the background');
  });
});
