/**
 * @module
 * A pid file: a small file holding the process id of whoever owns something, so that a
 * second process can tell "in use" from "left behind".
 *
 * `claimPidFile(path)` creates the file with this process's id, atomically (`wx`: it
 * fails if the file is there). When a file is already there it reads the id in it: a
 * process that is still alive owns the file, and the claim is refused; a process that is
 * gone left it behind, and the claim replaces it. The daemon's pidfile (`loom.pid`) and a
 * UNIX socket's `lockfile=1` both work this way.
 *
 * Twisted counterpart: `twisted.python.lockfile.FilesystemLock` (a symlink holding the
 * pid, used by `unix:…:lockfile=1`) and `twistd`'s `checkPID`, which refuses a live
 * pidfile and removes a stale one. Loom differs: one mechanism for both, with a plain
 * file, since a symlink's target is not a place to keep data on every file system.
 * Tests: `test/plumbing/pid-file.test.ts`.
 */

import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';

/** What claiming a pid file found. */
export type PidFileClaim =
  /** The file now holds our pid; `replaced` is the pid a stale file named (null: there was none, or no number in it). */
  | { readonly claimed: true; readonly replaced: number | null }
  /** A live process owns it (null: one that has made the file but not yet written its pid). */
  | { readonly claimed: false; readonly owner: number | null };

// #region pid-file-claim
/**
 * Write `pid` into a new file at `path`, unless a live process already owns one there.
 * A file that holds no number, or the number of a process that is gone, is stale and is
 * replaced. Our own pid counts as stale: a daemon reborn with a recycled id must start.
 */
export function claimPidFile(path: string, pid: number = process.pid): PidFileClaim {
  if (create(path, pid)) return { claimed: true, replaced: null };
  const owner = readPid(path);
  if (owner !== null && owner !== pid && isAlive(owner)) return { claimed: false, owner };
  removeIfStill(path, owner);
  // `wx` once more: whoever raced us to the file since we read it wins, and owns it.
  if (create(path, pid)) return { claimed: true, replaced: owner };
  return { claimed: false, owner: readPid(path) };
}
// #endregion pid-file-claim

/** The pid written in the file at `path`, or null when there is no file or no number in it. */
export function readPid(path: string): number | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/** Remove the pid file, but only while it still names `pid` (a successor's file is left alone). */
export function releasePidFile(path: string, pid: number = process.pid): void {
  if (readPid(path) === pid) removeIfStill(path, pid);
}

/**
 * True when a process with this id exists. Signal 0 checks without sending anything;
 * EPERM means it exists but belongs to another user, which still makes it alive.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Create the file with `pid` in it; false when it already exists. */
function create(path: string, pid: number): boolean {
  try {
    writeFileSync(path, `${pid}\n`, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function removeIfStill(path: string, pid: number | null): void {
  if (readPid(path) !== pid) return;
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
