/**
 * @module
 * Spreadable web servers: one front server, and a personal server per user behind it.
 * user-directory.ts maps `/~alice/` to alice's `public_html` and `/~alice.loom/` to her
 * personal server; subscription.ts is the front's resource that relays a request to a
 * personal server over its UNIX socket; publisher.ts is the personal server's Site, which
 * serves the request as the front saw it; wire.ts the headers that carry what the front
 * saw; passwd.ts the user database.
 *
 * Twisted counterpart: `twisted.web.distrib`. The guide's page on spreading out
 * (docs/guide/spreading-out.md) draws the trip. Lesson 30 (spreadable-servers).
 */

export { PasswdFile, SYSTEM_PASSWD, parsePasswd, realName, userList, type PasswdEntry, type UserDatabase } from './passwd.ts';
export { PERSONAL_SOCKET_NAME, ResourcePublisher, personalSocketPath, removeStaleSocket } from './publisher.ts';
export { DEFAULT_DISTRIB_TIMEOUT, ResourceSubscription } from './subscription.ts';
export { PERSONAL_SUFFIX, UserDirectory, userSegment, type UserDirectoryOptions } from './user-directory.ts';
export { DISTRIB_HEADERS, type FrontView } from './wire.ts';
