/**
 * @module
 * The user database `UserDirectory` looks names up in: the system's `/etc/passwd`, or
 * any file in its format, or a list made in a test.
 *
 * Each line of a passwd file is one user: seven fields separated by `:`,
 *
 *     alice:x:1001:1001:Alice Liddell,,,:/home/alice:/bin/bash
 *
 * login name, password placeholder, uid, gid, GECOS (the real name first, then
 * comma-separated extras), home folder and shell.
 *
 * Twisted counterpart: the `pwd` module that `distrib.UserDirectory` takes as its
 * `userDatabase` (`getpwnam`, `getpwall`). Loom differs: it reads the file itself, since
 * Node has no `getpwnam`, so users that live only in LDAP or NIS are not seen; the file
 * is read again when it changes.
 * Tests: `test/distrib/passwd.test.ts`. Lesson 30 teaches it.
 */

import { readFileSync, statSync } from 'node:fs';

/** One user, as a passwd line describes it. Python's `pwd.struct_passwd`. */
export interface PasswdEntry {
  /** The login name: `alice`. */
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  /** The GECOS field: the real name, then comma-separated extras (`Alice Liddell,,,`). */
  readonly gecos: string;
  /** The home folder, absolute: `/home/alice`. */
  readonly home: string;
  readonly shell: string;
}

/** Where users are looked up. `PasswdFile` reads a file; tests may give any object with these two methods. */
export interface UserDatabase {
  /** The user with this login name, or undefined. */
  getpwnam(name: string): PasswdEntry | undefined;
  /** Every user, in the database's order. */
  getpwall(): readonly PasswdEntry[];
}

/** The system's user database. */
export const SYSTEM_PASSWD = '/etc/passwd';

// #region distrib-passwd-parse
/**
 * The users of a passwd file's text. Blank lines, `#` comments, lines without seven
 * fields, and entries whose home is not an absolute path are skipped: none names a user
 * whose files could be served. A name seen twice keeps its first entry, as `getpwnam` does.
 */
export function parsePasswd(text: string): PasswdEntry[] {
  const entries: PasswdEntry[] = [];
  const seen = new Set<string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.replace(/\r$/, '').split(':');
    if (fields.length !== 7) continue;
    const [name, , uid, gid, gecos, home, shell] = fields as [string, string, string, string, string, string, string];
    if (name === '' || seen.has(name) || !home.startsWith('/') || !/^\d+$/.test(uid) || !/^\d+$/.test(gid)) continue;
    seen.add(name);
    entries.push({ name, uid: Number(uid), gid: Number(gid), gecos, home, shell });
  }
  return entries;
}
// #endregion distrib-passwd-parse

/** The user's real name: the first GECOS field, or the login name when that is empty (Twisted's rule). */
export function realName(entry: PasswdEntry): string {
  const first = entry.gecos.split(',')[0]!.trim();
  return first === '' ? entry.name : first;
}

/**
 * A passwd-format file. It is read on first use and again whenever its size or
 * modification time changes, so a user added while the server runs is found; one `stat`
 * per lookup is the cost.
 */
export class PasswdFile implements UserDatabase {
  readonly path: string;
  #byName = new Map<string, PasswdEntry>();
  #all: readonly PasswdEntry[] = [];
  #version = '';

  /** @param path a passwd-format file. @default '/etc/passwd' */
  constructor(path: string = SYSTEM_PASSWD) {
    this.path = path;
  }

  getpwnam(name: string): PasswdEntry | undefined {
    this.#refresh();
    return this.#byName.get(name);
  }

  getpwall(): readonly PasswdEntry[] {
    this.#refresh();
    return this.#all;
  }

  /** Read the file again if it changed. A file that cannot be read has no users (a 404, not a 500). */
  #refresh(): void {
    const stat = statSync(this.path, { throwIfNoEntry: false });
    const version = stat === undefined ? 'missing' : `${stat.size}:${stat.mtimeMs}`;
    if (version === this.#version) return;
    this.#version = version;
    let text = '';
    try {
      text = stat === undefined ? '' : readFileSync(this.path, 'utf8');
    } catch {
      text = '';
    }
    this.#all = parsePasswd(text);
    this.#byName = new Map(this.#all.map((entry) => [entry.name, entry]));
  }
}

/** A database of the users given, for tests and examples. */
export function userList(entries: readonly PasswdEntry[]): UserDatabase {
  const byName = new Map<string, PasswdEntry>();
  for (const entry of entries) if (!byName.has(entry.name)) byName.set(entry.name, entry);
  return { getpwnam: (name) => byName.get(name), getpwall: () => entries };
}
