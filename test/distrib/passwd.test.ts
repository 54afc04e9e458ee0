import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { PasswdFile, parsePasswd, realName, userList } from '../../lib/distrib/passwd.ts';
import { makeTree } from '../support/temp-tree.ts';

const SAMPLE = [
  '# a comment, then a blank line',
  '',
  'root:x:0:0:root:/root:/bin/bash',
  'alice:x:1001:1001:Alice Liddell,Room 1,,:/home/alice:/bin/bash',
  'bob:x:1002:1002::/home/bob:/bin/sh\r',
  'broken:x:1003',
  'relative:x:1004:1004::home/relative:/bin/sh',
  'alice:x:2001:2001:Second Alice:/elsewhere:/bin/sh',
].join('\n');

describe('parsePasswd', () => {
  it('reads the seven fields of each user, skipping comments, short lines, relative homes and repeats', () => {
    const entries = parsePasswd(SAMPLE);
    expect(entries.map((e) => e.name)).toEqual(['root', 'alice', 'bob']);
    expect(entries[1]).toEqual({ name: 'alice', uid: 1001, gid: 1001, gecos: 'Alice Liddell,Room 1,,', home: '/home/alice', shell: '/bin/bash' });
    expect(entries[2]!.shell).toBe('/bin/sh');
  });
});

describe('realName', () => {
  it('is the first GECOS field, or the login name when that is empty (Twisted\'s rule)', () => {
    const [, alice, bob] = parsePasswd(SAMPLE);
    expect(realName(alice!)).toBe('Alice Liddell');
    expect(realName(bob!)).toBe('bob');
  });
});

describe('PasswdFile', () => {
  const tree = makeTree({ passwd: SAMPLE }, 'loom-passwd-');
  afterAll(() => tree.remove());

  it('looks users up by name and lists them all', () => {
    const users = new PasswdFile(tree.path('passwd'));
    expect(users.getpwnam('alice')?.home).toBe('/home/alice');
    expect(users.getpwnam('nobody-here')).toBeUndefined();
    expect(users.getpwall()).toHaveLength(3);
  });

  it('reads the file again when it changes, so a user added while serving is found', () => {
    const path = tree.path('growing');
    writeFileSync(path, 'alice:x:1:1::/home/alice:/bin/sh\n');
    const users = new PasswdFile(path);
    expect(users.getpwnam('carol')).toBeUndefined();
    writeFileSync(path, 'alice:x:1:1::/home/alice:/bin/sh\ncarol:x:2:2::/home/carol:/bin/sh\n');
    expect(users.getpwnam('carol')?.home).toBe('/home/carol');
  });

  it('has no users when the file is missing, rather than failing', () => {
    expect(new PasswdFile(tree.path('missing')).getpwall()).toEqual([]);
  });

  it('reads /etc/passwd by default', () => {
    expect(new PasswdFile().path).toBe('/etc/passwd');
  });
});

describe('userList', () => {
  it('keeps the first entry of a repeated name, as getpwnam does', () => {
    const users = userList(parsePasswd('a:x:1:1::/one:/bin/sh\n').concat(parsePasswd('a:x:2:2::/two:/bin/sh\n')));
    expect(users.getpwnam('a')?.home).toBe('/one');
  });
});
