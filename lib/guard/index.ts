/**
 * @module
 * HTTP authentication: the wrapper, the 401 resource, and the Basic and Digest schemes.
 * Who may log in is decided by lib/cred.ts (portal, realm, checkers).
 * Twisted counterpart: `twisted.web.guard`.
 */

export { BasicCredentialFactory } from './basic.ts';
export { DigestCredentialFactory, NONCE_LIFETIME, parseDigestFields, type DigestAlgorithm, type DigestOptions } from './digest.ts';
export { LoginFailed } from './errors.ts';
export { formatChallenge, type CredentialFactory } from './factory.ts';
export { HTTPAuthSessionWrapper, UnauthorizedResource } from './wrapper.ts';
