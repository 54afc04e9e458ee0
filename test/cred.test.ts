import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ANONYMOUS, AllowAnonymousAccess, FilePasswordDB, InMemoryPasswordChecker, Portal, UnauthorizedLogin,
  hashPassword, isHash, parsePasswordFile, safeEqual, verifyPassword, type Realm,
} from '../lib/cred.ts';

const realm: Realm<string> = { requestAvatar: (id) => ({ avatar: id === ANONYMOUS ? 'guest page' : `page of ${id}`, logout: () => {} }) };

describe('Portal', () => {
  it('logs in through the checker for the kind of credentials, then asks the realm', async () => {
    const portal = new Portal(realm, [new InMemoryPasswordChecker({ alice: 'secret' })]);
    expect((await portal.login({ kind: 'username-password', username: 'alice', password: 'secret' })).avatar).toBe('page of alice');
  });

  it('refuses credentials no checker understands, so anonymous needs a checker of its own', async () => {
    const portal = new Portal(realm, [new InMemoryPasswordChecker({})]);
    await expect(portal.login({ kind: 'anonymous' })).rejects.toBeInstanceOf(UnauthorizedLogin);
    portal.registerChecker(new AllowAnonymousAccess());
    expect((await portal.login({ kind: 'anonymous' })).avatar).toBe('guest page');
    expect(portal.listCredentialsKinds().sort()).toEqual(['anonymous', 'digest', 'username-password']);
  });

  it('refuses a wrong password and an unknown user the same way', async () => {
    const portal = new Portal(realm, [new InMemoryPasswordChecker({ alice: 'secret' })]);
    for (const [username, password] of [['alice', 'wrong'], ['bob', 'secret'], ['alice', '']]) {
      await expect(portal.login({ kind: 'username-password', username: username!, password: password! })).rejects.toMatchObject({ code: 'LOOM_ERR_UNAUTHORIZED', status: 401 });
    }
  });
});

describe('password hashing', () => {
  it('hashes with a random salt and verifies in constant time', () => {
    const a = hashPassword('pw');
    const b = hashPassword('pw');
    expect(a).not.toBe(b);
    expect(isHash(a)).toBe(true);
    expect(verifyPassword('pw', a)).toBe(true);
    expect(verifyPassword('pW', a)).toBe(false);
    expect(verifyPassword('plain', 'plain')).toBe(true);
    expect(verifyPassword('x', 'loom-scrypt$broken')).toBe(false);
  });

  it('compares strings of different lengths without throwing', () => {
    expect(safeEqual('a', 'abc')).toBe(false);
    expect(safeEqual('abc', 'abc')).toBe(true);
  });

  it('accepts hashed users in a checker for Basic, but not for Digest', async () => {
    const checker = new InMemoryPasswordChecker({ alice: hashPassword('secret') });
    expect(checker.requestAvatarId({ kind: 'username-password', username: 'alice', password: 'secret' })).toBe('alice');
    expect(() => checker.requestAvatarId({ kind: 'digest', username: 'alice', method: 'GET', fields: new Map() })).toThrow(UnauthorizedLogin);
  });
});

describe('FilePasswordDB', () => {
  it('reads name:password lines, skipping comments, and re-reads the file when it changes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-passwd-'));
    const path = join(dir, 'passwd');
    try {
      writeFileSync(path, `# users\nalice:${hashPassword('secret')}\n\nbob:plain:with:colons\n`);
      const db = new FilePasswordDB(path);
      expect(db.requestAvatarId({ kind: 'username-password', username: 'alice', password: 'secret' })).toBe('alice');
      expect(db.requestAvatarId({ kind: 'username-password', username: 'bob', password: 'plain:with:colons' })).toBe('bob');
      writeFileSync(path, `carol:${hashPassword('new')}\n# alice removed, and the file grew\n`);
      expect(() => db.requestAvatarId({ kind: 'username-password', username: 'alice', password: 'secret' })).toThrow(UnauthorizedLogin);
      expect(db.requestAvatarId({ kind: 'username-password', username: 'carol', password: 'new' })).toBe('carol');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says which file it cannot read', () => {
    expect(() => new FilePasswordDB('/nonexistent/passwd')).toThrow(/Cannot read the password file \/nonexistent\/passwd/);
  });

  it('skips lines without a name or a colon, and trims names but not passwords', () => {
    expect([...parsePasswordFile('nocolon\n:nobody\n a : b \n')]).toEqual([['a', ' b']]);
  });
});
