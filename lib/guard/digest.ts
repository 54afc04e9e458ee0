/**
 * @module
 * HTTP Digest authentication (RFC 7616): the client proves it knows the password by
 * hashing it with a server nonce, so the password never crosses the wire.
 *
 * The nonce carries its own birth time and the client's address, signed with a key
 * only this factory knows (an HMAC), so no table of issued nonces is needed to check
 * one. Each nonce expires after `nonceLifetime` seconds (Twisted's 900).
 *
 * Twisted counterpart: `twisted.web._auth.digest.DigestCredentialFactory` over
 * `twisted.cred.credentials.DigestCredentialFactory`. Loom differs:
 * - SHA-256 as well as MD5 (RFC 7616), each with its `-sess` variant;
 * - a replayed nonce count is refused: for each nonce the highest `nc` seen is kept,
 *   and a request that does not go past it gets 401 (Twisted accepts replays for 15
 *   minutes); the table is bounded and entries leave with their nonce;
 * - the `uri` the client hashed must be the request's own target.
 * Tests: `test/guard/digest.test.ts` (including `curl --digest`).
 */

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { realClock, type Clock } from '../clock.ts';
import type { DigestedCredentials } from '../cred.ts';
import type { Request } from '../request.ts';
import { LoginFailed } from './errors.ts';
import type { CredentialFactory } from './factory.ts';

/** Seconds a nonce stays valid (Twisted's `CHALLENGE_LIFETIME_SECS`). */
export const NONCE_LIFETIME = 900;

/** The most nonces whose counts are remembered at once; the oldest are forgotten first. */
const MAX_TRACKED_NONCES = 10_000;

/** The algorithms RFC 7616 names. */
export type DigestAlgorithm = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess';

/** Options for {@link DigestCredentialFactory}. */
export interface DigestOptions {
  /** Where time comes from, for nonce ages. @default realClock */
  clock?: Clock;
  /** Seconds a nonce stays valid. @default 900 */
  nonceLifetime?: number;
}

// #region guard-digest
/** Issues Digest challenges and reads Digest responses. */
export class DigestCredentialFactory implements CredentialFactory {
  readonly scheme = 'digest';
  readonly algorithm: DigestAlgorithm;
  readonly realm: string;
  readonly nonceLifetime: number;
  readonly #clock: Clock;
  readonly #key = randomBytes(32);
  // nonce → highest nonce count seen; a Map keeps insertion order for eviction.
  readonly #counts = new Map<string, number>();

  constructor(algorithm: DigestAlgorithm, realm: string, options: DigestOptions = {}) {
    this.algorithm = algorithm;
    this.realm = realm;
    this.#clock = options.clock ?? realClock;
    this.nonceLifetime = options.nonceLifetime ?? NONCE_LIFETIME;
  }

  getChallenge(request: Request): [string, string][] {
    return [['realm', this.realm], ['qop', 'auth'], ['algorithm', this.algorithm], ['nonce', this.#makeNonce(request)], ['opaque', this.#key.subarray(0, 8).toString('hex')]];
  }

  decode(response: string, request: Request): DigestedCredentials {
    const fields = parseDigestFields(response);
    const username = fields.get('username');
    const nonce = fields.get('nonce');
    if (username === undefined || nonce === undefined || fields.get('response') === undefined || fields.get('uri') === undefined) {
      throw new LoginFailed('The Digest response lacks username, nonce, uri or response.');
    }
    if ((fields.get('algorithm') ?? 'MD5').toUpperCase() !== this.algorithm.toUpperCase()) throw new LoginFailed(`This challenge was for ${this.algorithm}.`);
    if (fields.get('realm') !== this.realm) throw new LoginFailed('The Digest response is for another realm.');
    if (fields.get('uri') !== request.uri) throw new LoginFailed('The Digest response was computed for another URI.');
    this.#checkNonce(nonce, request);
    this.#checkCount(nonce, fields);
    return { kind: 'digest', username, method: request.method, fields };
  }

  /** A nonce: birth time and random bytes, signed together with the client's address. */
  #makeNonce(request: Request): string {
    const body = `${Math.floor(this.#clock.seconds())}.${randomBytes(12).toString('hex')}`;
    return `${body}.${this.#sign(body, request)}`;
  }

  #checkNonce(nonce: string, request: Request): void {
    const [born, random, signature] = nonce.split('.');
    if (born === undefined || random === undefined || signature === undefined) throw new LoginFailed('The Digest nonce is not one this server issued.');
    const expected = Buffer.from(this.#sign(`${born}.${random}`, request));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new LoginFailed('The Digest nonce is not one this server issued to this client.');
    const age = this.#clock.seconds() - Number(born);
    if (!(age >= 0 && age <= this.nonceLifetime)) throw new LoginFailed('The Digest nonce has expired; ask again for a fresh challenge.');
  }

  /** Refuse a nonce count that does not go past the highest one seen for this nonce (a replay). */
  #checkCount(nonce: string, fields: ReadonlyMap<string, string>): void {
    const nc = fields.get('nc');
    if (fields.get('qop') === undefined || nc === undefined) throw new LoginFailed('This server needs qop="auth" with a nonce count.');
    const count = Number.parseInt(nc, 16);
    if (!/^[0-9a-fA-F]{8}$/.test(nc) || !(count > (this.#counts.get(nonce) ?? 0))) throw new LoginFailed('The Digest nonce count was used before (a replay?).');
    this.#counts.delete(nonce);
    this.#counts.set(nonce, count);
    if (this.#counts.size > MAX_TRACKED_NONCES) this.#counts.delete(this.#counts.keys().next().value!);
  }

  #sign(body: string, request: Request): string {
    return createHmac('sha256', this.#key).update(`${body}|${request.getClientAddress().host}`).digest('hex').slice(0, 32);
  }
}
// #endregion guard-digest

/**
 * Parse the comma-separated `key=value` / `key="quoted value"` list of a Digest
 * Authorization header. Malformed input gives whatever pairs could be read.
 */
export function parseDigestFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  const pattern = /\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*(?:,|$)/gy;
  for (let m = pattern.exec(text); m !== null && m[0] !== ''; m = pattern.exec(text)) {
    fields.set(m[1]!.toLowerCase(), m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!);
  }
  return fields;
}
