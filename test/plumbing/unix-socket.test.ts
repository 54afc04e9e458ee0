import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listenOn, parseEndpoint } from '../../lib/plumbing/endpoints.ts';
import { claimUnixSocket } from '../../lib/plumbing/unix-socket.ts';

const dir = mkdtempSync(join(tmpdir(), 'loom-sock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * Leave a stale socket file at `path`, as a server that was killed does: a child
 * process listens there, says so, and is killed with SIGKILL, so it never unlinks it.
 */
async function staleSocket(path: string): Promise<void> {
  const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
  expect(lstatSync(path).isSocket()).toBe(true);
}

describe('claimUnixSocket, through listenOn', () => {
  it('removes a stale socket left by a killed server and listens in its place', async () => {
    const path = join(dir, 'stale.sock');
    await staleSocket(path);
    const server = createServer();
    await listenOn(server, parseEndpoint(`unix:${path}`));
    await close(server);
    expect(existsSync(path)).toBe(false);
  });

  it('refuses a socket that a live server answers on, with a message that says so', async () => {
    const path = join(dir, 'live.sock');
    const first = createServer();
    await listenOn(first, parseEndpoint(`unix:${path}`));
    try {
      await expect(listenOn(createServer(), parseEndpoint(`unix:${path}`))).rejects.toMatchObject({
        code: 'LOOM_ERR_ADDRESS_IN_USE', message: expect.stringContaining('a server is answering on it'),
      });
      expect(lstatSync(path).isSocket()).toBe(true); // the live server's socket is left alone
    } finally {
      await close(first);
    }
  });

  it('never deletes a file that is not a socket (security: a typo must not remove data)', async () => {
    const path = join(dir, 'notes.txt');
    writeFileSync(path, 'keep me\n');
    await expect(listenOn(createServer(), parseEndpoint(`unix:${path}`))).rejects.toMatchObject({ code: 'LOOM_ERR_LISTEN_FAILED', message: expect.stringContaining('not a socket') });
    expect(readFileSync(path, 'utf8')).toBe('keep me\n');
  });

  it('gives the socket the mode asked for', async () => {
    const path = join(dir, 'mode.sock');
    const server = createServer();
    await listenOn(server, parseEndpoint(`unix:${path}:mode=0660`));
    try {
      expect(statSync(path).mode & 0o777).toBe(0o660);
    } finally {
      await close(server);
    }
  });

  it('with lockfile=1, holds PATH.lock while listening and gives it back on close', async () => {
    const path = join(dir, 'locked.sock');
    const server = createServer();
    await listenOn(server, parseEndpoint(`unix:${path}:lockfile=1`));
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(`${process.pid}\n`);
    await close(server);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('with lockfile=1, refuses a path whose lock a live process holds, naming it', async () => {
    const path = join(dir, 'held.sock');
    writeFileSync(`${path}.lock`, `${process.ppid}\n`);
    await expect(claimUnixSocket(path, true)).rejects.toMatchObject({ code: 'LOOM_ERR_ADDRESS_IN_USE', message: expect.stringContaining(`process ${process.ppid}`) });
    rmSync(`${path}.lock`);
  });

  it('with lockfile=1, takes a stale lock and the stale socket beside it', async () => {
    const path = join(dir, 'relock.sock');
    await staleSocket(path);
    writeFileSync(`${path}.lock`, '999999999\n'); // no such process
    const server = createServer();
    await listenOn(server, parseEndpoint(`unix:${path}:lockfile=1`));
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(`${process.pid}\n`);
    await close(server);
  });
});
