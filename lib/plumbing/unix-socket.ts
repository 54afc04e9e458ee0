/**
 * @module
 * Taking a UNIX socket path before listening on it: a socket file left behind by a
 * server that died is removed; one that a live server still answers on is refused.
 *
 * A UNIX socket is a file. Closing the server removes it, but a server that is killed
 * (or crashes) leaves it there, and the next `listen` fails with "address in use" though
 * nobody uses it. Without a lock file, Loom tells the two apart by connecting: refused
 * means nobody is listening, so the file is stale. With `lockfile=1`, the server first
 * claims `PATH.lock` (a pid file, lib/plumbing/pid-file.ts); holding it, any socket
 * file at PATH is stale by definition. The lock also closes the race the probe leaves
 * open, two servers starting at the same moment. Either way only a socket is removed:
 * a regular file at that path is someone's data, and is refused.
 *
 * Twisted counterpart: `twisted.internet.unix.Port` with `lockfile=1`
 * (`FilesystemLock` on `PATH.lock`, then `os.remove(PATH)`). Loom differs: without the
 * lock Twisted fails on any existing file; Loom removes a socket nobody answers on.
 * Tests: `test/plumbing/unix-socket.test.ts`.
 */

import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { LoomError } from '../errors.ts';
import { claimPidFile, releasePidFile } from './pid-file.ts';

/** A claimed socket path: release it when the server stops. */
export interface UnixSocketClaim {
  /** Give back the lock file, if one was taken. */
  release(): void;
}

// #region unix-socket-claim
/**
 * Make `path` free to listen on: take `PATH.lock` when `lockfile` is true, then remove a
 * stale socket file.
 * @throws LoomError `LOOM_ERR_ADDRESS_IN_USE` when a live server holds the lock or answers
 * on the socket, `LOOM_ERR_LISTEN_FAILED` when something that is not a socket is there.
 */
export async function claimUnixSocket(path: string, lockfile: boolean): Promise<UnixSocketClaim> {
  const lock = `${path}.lock`;
  if (lockfile) {
    const claim = claimPidFile(lock);
    if (!claim.claimed) {
      const who = claim.owner === null ? 'another process' : `process ${claim.owner}`;
      throw new LoomError('LOOM_ERR_ADDRESS_IN_USE', `Cannot listen on socket ${path}: ${who} holds its lock file ${lock}. Stop that server first.`);
    }
  }
  try {
    const kind = fileKind(path);
    if (kind === 'other') {
      throw new LoomError('LOOM_ERR_LISTEN_FAILED', `Cannot listen on socket ${path}: a file that is not a socket is there. Loom will not delete it; remove it or choose another path.`);
    }
    if (kind === 'socket') {
      if (!lockfile && await answers(path)) {
        throw new LoomError('LOOM_ERR_ADDRESS_IN_USE', `Cannot listen on socket ${path}: a server is answering on it. Stop that server, or choose another path.`);
      }
      unlinkSync(path); // stale: its server is gone (or, with the lock held, cannot exist)
    }
  } catch (error) {
    if (lockfile) releasePidFile(lock);
    throw error;
  }
  return { release: () => lockfile && releasePidFile(lock) };
}
// #endregion unix-socket-claim

/** Give the socket file the permissions `mode=` asked for (Twisted chmods after listening too). */
export function applySocketMode(path: string, mode: number | undefined): void {
  if (mode !== undefined) chmodSync(path, mode);
}

function fileKind(path: string): 'none' | 'socket' | 'other' {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (stat === undefined) return 'none';
  return stat.isSocket() ? 'socket' : 'other';
}

/**
 * True when something accepts a connection on the socket; false when the connection is
 * refused, which is what a socket file without a server gives.
 */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED' || error.code === 'ENOENT') resolve(false);
      else reject(new LoomError('LOOM_ERR_LISTEN_FAILED', `Cannot listen on socket ${path}: cannot tell whether a server uses it (${error.message}).`, { cause: error }));
    });
  });
}
