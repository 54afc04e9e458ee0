/**
 * @module
 * Credentials, checkers, realms and the portal: deciding *who* a client is, apart from
 * *how* it proved it (that part is lib/guard).
 *
 * A client presents credentials (a name and password, a Digest response, or nothing at
 * all). The portal hands them to the checker that understands their kind; the checker
 * answers with an avatar id (the user's name) or refuses. The portal then asks the
 * realm for that user's avatar (the resource tree this user may see) and a `logout`
 * function to call when the request is done.
 *
 * Twisted counterpart: `twisted.cred` (`credentials`, `checkers`, `portal.Portal`,
 * `IRealm`, `error.UnauthorizedLogin`/`LoginFailed`). Loom differs:
 * - kinds of credentials are a `kind` field, not interfaces;
 * - the password file (`FilePasswordDB`) understands scrypt hashes made by
 *   `hashPassword`, and every secret is compared in constant time;
 * - `login` returns a Promise instead of a Deferred.
 * Tests: `test/cred.test.ts`. Lesson 16 (http-auth) teaches it.
 */

import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { LoomError } from './errors.ts';

/** The avatar id of a client that presented no credentials. */
export const ANONYMOUS: unique symbol = Symbol('anonymous');

/** Who a checker says the client is: a user name, or {@link ANONYMOUS}. */
export type AvatarId = string | typeof ANONYMOUS;

/** A name and a password, as HTTP Basic sends them. */
export interface UsernamePassword {
  readonly kind: 'username-password';
  readonly username: string;
  readonly password: string;
}

/** An HTTP Digest response: proof of the password without the password (RFC 7616). */
export interface DigestedCredentials {
  readonly kind: 'digest';
  readonly username: string;
  /** The request method, part of what was hashed. */
  readonly method: string;
  /** The fields of the Authorization header: realm, nonce, uri, response, qop, nc, cnonce, algorithm… */
  readonly fields: ReadonlyMap<string, string>;
}

/** No credentials at all. */
export interface Anonymous {
  readonly kind: 'anonymous';
}

/** Anything a client can present. */
export type Credentials = UsernamePassword | DigestedCredentials | Anonymous;

/** Thrown by a checker or realm to refuse a login; the client gets 401. */
export class UnauthorizedLogin extends LoomError {
  constructor(message = 'Unauthorized') {
    super('LOOM_ERR_UNAUTHORIZED', message, { status: 401 });
    this.name = 'UnauthorizedLogin';
  }
}

/** Checks one or more kinds of credentials. Twisted's `ICredentialsChecker`. */
export interface CredentialsChecker {
  readonly credentialKinds: readonly Credentials['kind'][];
  /** The avatar id the credentials prove; throws (or rejects with) {@link UnauthorizedLogin} otherwise. */
  requestAvatarId(credentials: Credentials): AvatarId | Promise<AvatarId>;
}

/** What a realm gives for a logged-in user. */
export interface Avatar<T> {
  readonly avatar: T;
  /** Called once the request that logged in is finished (or failed). */
  readonly logout: () => void;
}

/** Makes the avatar of a user. Twisted's `IRealm.requestAvatar`. */
export interface Realm<T> {
  requestAvatar(avatarId: AvatarId): Avatar<T> | Promise<Avatar<T>>;
}

// #region cred-portal
/**
 * Joins checkers and a realm: `login(credentials)` finds the checker for their kind,
 * gets the avatar id, and asks the realm for the avatar.
 */
export class Portal<T> {
  readonly realm: Realm<T>;
  readonly #checkers = new Map<Credentials['kind'], CredentialsChecker>();

  constructor(realm: Realm<T>, checkers: readonly CredentialsChecker[] = []) {
    this.realm = realm;
    for (const checker of checkers) this.registerChecker(checker);
  }

  /** Use `checker` for the kinds of credentials it understands. */
  registerChecker(checker: CredentialsChecker): void {
    for (const kind of checker.credentialKinds) this.#checkers.set(kind, checker);
  }

  /** The kinds of credentials some checker understands (anonymous access needs a checker too). */
  listCredentialsKinds(): Credentials['kind'][] {
    return [...this.#checkers.keys()];
  }

  /**
   * Log in: resolves with the realm's avatar and logout.
   * @throws UnauthorizedLogin when no checker takes these credentials or the checker refuses.
   */
  async login(credentials: Credentials): Promise<Avatar<T>> {
    const checker = this.#checkers.get(credentials.kind);
    if (checker === undefined) throw new UnauthorizedLogin(`No checker accepts ${credentials.kind} credentials.`);
    const avatarId = await checker.requestAvatarId(credentials);
    return this.realm.requestAvatar(avatarId);
  }
}
// #endregion cred-portal

/** Lets anyone in as {@link ANONYMOUS}. Twisted's `AllowAnonymousAccess`. */
export class AllowAnonymousAccess implements CredentialsChecker {
  readonly credentialKinds = ['anonymous'] as const;

  requestAvatarId(): AvatarId {
    return ANONYMOUS;
  }
}

// #region cred-checkers
/**
 * Checks names and passwords, and Digest responses, against stored passwords: each
 * either plain text or an scrypt hash from {@link hashPassword}. Digest needs the plain
 * password (it hashes it with the nonce), so users stored as hashes can only use Basic.
 */
export class PasswordChecker implements CredentialsChecker {
  readonly credentialKinds = ['username-password', 'digest'] as const;
  readonly #lookup: (username: string) => string | undefined;

  /** `lookup` returns the stored password (or hash) of a user, or undefined. */
  constructor(lookup: (username: string) => string | undefined) {
    this.#lookup = lookup;
  }

  requestAvatarId(credentials: Credentials): AvatarId {
    if (credentials.kind === 'anonymous') throw new UnauthorizedLogin();
    const stored = this.#lookup(credentials.username);
    // Work as hard for an unknown user as for a known one, so timing does not tell them apart.
    const ok = credentials.kind === 'username-password'
      ? verifyPassword(credentials.password, stored ?? unknownUserHash()) && stored !== undefined
      : stored !== undefined && !isHash(stored) && verifyDigest(credentials, stored);
    if (!ok) throw new UnauthorizedLogin();
    return credentials.username;
  }
}

/** Users and passwords kept in memory. Twisted's `InMemoryUsernamePasswordDatabaseDontUse`. */
export class InMemoryPasswordChecker extends PasswordChecker {
  readonly #users: Map<string, string>;

  constructor(users: Record<string, string> | Iterable<readonly [string, string]> = {}) {
    const map = new Map<string, string>(Symbol.iterator in Object(users) ? (users as Iterable<[string, string]>) : Object.entries(users));
    super((name) => map.get(name));
    this.#users = map;
  }

  /** Add or replace a user. `password` may be plain text or a {@link hashPassword} hash. */
  addUser(username: string, password: string): void {
    this.#users.set(username, password);
  }
}

/**
 * Users and passwords from a file of `name:password` lines (`#` starts a comment), re-read
 * when the file changes. Twisted's `FilePasswordDB`. Store hashes from {@link hashPassword}
 * (`loom-scrypt$…`) rather than plain passwords.
 */
export class FilePasswordDB extends PasswordChecker {
  readonly path: string;
  #users = new Map<string, string>();
  #version = '';

  constructor(path: string) {
    super((name) => this.#load().get(name));
    this.path = path;
    this.#load();
  }

  #load(): Map<string, string> {
    let version: string;
    try {
      const s = statSync(this.path);
      version = `${s.size}:${s.mtimeMs}`;
    } catch (error) {
      throw new LoomError('LOOM_ERR_INVALID_ARGUMENT', `Cannot read the password file ${this.path}: ${(error as Error).message}.`, { cause: error });
    }
    if (version !== this.#version) {
      this.#users = parsePasswordFile(readFileSync(this.path, 'utf8'));
      this.#version = version;
    }
    return this.#users;
  }
}
// #endregion cred-checkers

/** Parse `name:password` lines; blank lines and `#` comments are skipped, names are trimmed. */
export function parsePasswordFile(text: string): Map<string, string> {
  const users = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    const name = line.slice(0, Math.max(colon, 0)).trim();
    if (name !== '') users.set(name, line.slice(colon + 1));
  }
  return users;
}

// #region cred-hash-password
const HASH_PREFIX = 'loom-scrypt$';

/** Hash a password with scrypt and a random salt, for a password file. */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `${HASH_PREFIX}${salt.toString('base64')}$${scryptSync(password, salt, 32).toString('base64')}`;
}

/** True when `stored` is a hash from {@link hashPassword}, not a plain password. */
export function isHash(stored: string): boolean {
  return stored.startsWith(HASH_PREFIX);
}

/** Compare a password with a stored password or hash, in constant time. */
export function verifyPassword(password: string, stored: string): boolean {
  if (!isHash(stored)) return safeEqual(password, stored);
  const [salt, hash] = stored.slice(HASH_PREFIX.length).split('$');
  if (salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = scryptSync(password, Buffer.from(salt, 'base64'), expected.length);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
// #endregion cred-hash-password

// Made on first use rather than at import: scrypt is slow on purpose, and every program
// importing lib/index.ts would otherwise pay for it at start-up.
let unknownUser: string | null = null;
function unknownUserHash(): string {
  return (unknownUser ??= hashPassword(randomBytes(16).toString('hex')));
}

/** Compare two strings in constant time (hashing first, so lengths do not leak either). */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

// #region cred-verify-digest
/**
 * Check a Digest response (RFC 7616 §3.4.1) against the user's plain password:
 * response = H(H(A1) ":" nonce ":" nc ":" cnonce ":" qop ":" H(method ":" uri)).
 */
export function verifyDigest(credentials: DigestedCredentials, password: string): boolean {
  const f = credentials.fields;
  const algorithm = (f.get('algorithm') ?? 'MD5').toUpperCase();
  const hashName = algorithm.startsWith('SHA-256') ? 'sha256' : algorithm.startsWith('MD5') ? 'md5' : null;
  const [realm, nonce, uri, response] = [f.get('realm'), f.get('nonce'), f.get('uri'), f.get('response')];
  if (hashName === null || realm === undefined || nonce === undefined || uri === undefined || response === undefined) return false;
  const H = (text: string) => createHash(hashName).update(text).digest('hex');
  let ha1 = H(`${credentials.username}:${realm}:${password}`);
  if (algorithm.endsWith('-SESS')) ha1 = H(`${ha1}:${nonce}:${f.get('cnonce') ?? ''}`);
  const ha2 = H(`${credentials.method}:${uri}`);
  const qop = f.get('qop');
  const expected = qop === undefined ? H(`${ha1}:${nonce}:${ha2}`) : H(`${ha1}:${nonce}:${f.get('nc') ?? ''}:${f.get('cnonce') ?? ''}:${qop}:${ha2}`);
  return safeEqual(expected, response.toLowerCase());
}
// #endregion cred-verify-digest
