/**
 * @module
 * What a credential factory is: one HTTP authentication scheme, both directions. It
 * writes the challenge a 401 carries (`WWW-Authenticate`) and reads the client's
 * `Authorization` header back into credentials for the portal.
 *
 * Twisted counterpart: `twisted.web.iweb.ICredentialFactory`. Tests live with each
 * scheme (`test/guard/basic.test.ts`, `test/guard/digest.test.ts`).
 */

import type { Credentials } from '../cred.ts';
import type { Request } from '../request.ts';

/** One authentication scheme. */
export interface CredentialFactory {
  /** The scheme name, lower-case, as it appears in headers: `basic`, `digest`. */
  readonly scheme: string;
  /** The parameters of the challenge, in order: `[['realm', 'my realm'], …]`. */
  getChallenge(request: Request): readonly (readonly [string, string])[];
  /**
   * Read the part of the Authorization header after the scheme.
   * @throws LoginFailed when it is malformed, expired or replayed (the client gets 401).
   */
  decode(response: string, request: Request): Credentials;
}

/** Format a challenge as a `WWW-Authenticate` value: `scheme k1="v1", k2="v2"`, with `\` and `"` escaped. */
export function formatChallenge(scheme: string, params: readonly (readonly [string, string])[]): string {
  const quoted = params.map(([k, v]) => `${k}="${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`);
  return quoted.length === 0 ? scheme : `${scheme} ${quoted.join(', ')}`;
}
