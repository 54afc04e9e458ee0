/**
 * @module
 * The one guard-specific failure: credentials that cannot even be read.
 * Twisted counterpart: `twisted.cred.error.LoginFailed`.
 */

import { LoomError } from '../errors.ts';

/** The Authorization header is malformed, expired or replayed: the client gets 401, never 500. */
export class LoginFailed extends LoomError {
  constructor(message: string) {
    super('LOOM_ERR_UNAUTHORIZED', message, { status: 401 });
    this.name = 'LoginFailed';
  }
}
