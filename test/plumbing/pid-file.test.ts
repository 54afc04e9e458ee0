import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { claimPidFile, isAlive, readPid, releasePidFile } from '../../lib/plumbing/pid-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'loom-pid-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The pid of a process that has certainly exited: a child we ran to its end. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '0']);
  return child.pid!;
}

describe('claimPidFile', () => {
  it('creates the file with our pid when there is none', () => {
    const path = join(dir, 'fresh.pid');
    expect(claimPidFile(path)).toEqual({ claimed: true, replaced: null });
    expect(readFileSync(path, 'utf8')).toBe(`${process.pid}\n`);
  });

  it('refuses a file naming a live process, and leaves it as it was', () => {
    const path = join(dir, 'live.pid');
    // The parent of this test process is alive for as long as the test runs.
    writeFileSync(path, `${process.ppid}\n`);
    expect(claimPidFile(path)).toEqual({ claimed: false, owner: process.ppid });
    expect(readPid(path)).toBe(process.ppid);
  });

  it('replaces a stale file naming a process that is gone, and says whose it was', () => {
    const path = join(dir, 'stale.pid');
    const dead = deadPid();
    writeFileSync(path, `${dead}\n`);
    expect(claimPidFile(path)).toEqual({ claimed: true, replaced: dead });
    expect(readPid(path)).toBe(process.pid);
  });

  it('replaces a file holding no number as stale', () => {
    const path = join(dir, 'garbage.pid');
    writeFileSync(path, 'not a pid\n');
    expect(claimPidFile(path)).toEqual({ claimed: true, replaced: null });
  });

  it('takes over a file naming this very process (a recycled pid)', () => {
    const path = join(dir, 'self.pid');
    writeFileSync(path, `${process.pid}\n`);
    expect(claimPidFile(path)).toMatchObject({ claimed: true });
  });
});

describe('releasePidFile', () => {
  it('removes the file while it names us, and leaves a successor\'s file alone', () => {
    const ours = join(dir, 'ours.pid');
    claimPidFile(ours);
    releasePidFile(ours);
    expect(existsSync(ours)).toBe(false);
    const theirs = join(dir, 'theirs.pid');
    writeFileSync(theirs, `${process.ppid}\n`);
    releasePidFile(theirs);
    expect(readPid(theirs)).toBe(process.ppid);
  });
});

describe('isAlive', () => {
  it('tells a running process from one that has exited', () => {
    expect(isAlive(process.pid)).toBe(true);
    expect(isAlive(deadPid())).toBe(false);
  });
});
