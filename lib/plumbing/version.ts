/**
 * @module
 * Loom's version, for the `Server` header, CGI's `SERVER_SOFTWARE` and `loom --version`.
 * A module of its own so that what needs the version does not import the whole Site.
 * Twisted counterpart: `twisted.web.server.version` (`TwistedWeb/22.4.0`).
 * Tests: `test/plumbing/version.test.ts`.
 */

/** Loom's version; `package.json` holds the same (a test checks they agree). */
export const VERSION = '0.1.0';
