/**
 * @module
 * HTTP Basic authentication (RFC 7617): the client sends `name:password` in base64.
 * Only ever use it over TLS: base64 is an encoding, not a secret.
 *
 * Twisted counterpart: `twisted.web._auth.basic.BasicCredentialFactory`. As in Twisted,
 * missing base64 padding is tolerated and a value without a colon is refused.
 * Loom differs: the value must really be base64 (Node's decoder otherwise skips bad
 * characters silently), and it is decoded as UTF-8 (RFC 7617 `charset="UTF-8"`).
 * Tests: `test/guard/basic.test.ts`.
 */

import type { UsernamePassword } from '../cred.ts';
import { LoginFailed } from './errors.ts';
import type { CredentialFactory } from './factory.ts';

// #region guard-basic
/** Reads `Authorization: Basic …` into a name and password. */
export class BasicCredentialFactory implements CredentialFactory {
  readonly scheme = 'basic';
  readonly realm: string;

  constructor(realm: string) {
    this.realm = realm;
  }

  getChallenge(): [string, string][] {
    return [['realm', this.realm]];
  }

  decode(response: string): UsernamePassword {
    const text = response.trim();
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new LoginFailed('The Basic credentials are not valid base64.');
    const decoded = Buffer.from(text, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new LoginFailed('The Basic credentials have no ":" between name and password.');
    return { kind: 'username-password', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
}
// #endregion guard-basic
