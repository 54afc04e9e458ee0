/**
 * @module
 * The personal server's half of a spreadable web server: a Site that takes requests
 * from a front server over a UNIX socket and serves them as the front saw them.
 *
 * `loom web --personal --path ~/site` runs one on `~/.loom-web.sock`. A request that
 * arrives with the front's headers (lib/distrib/wire.ts) gets the front's `prepath`
 * and `postpath` back before anything else happens, and with them the client's address,
 * the front's address and whether the client used TLS. So the personal site's root is
 * walked from what the front left (`['notes', '']` for `/~alice.loom/notes/`), links
 * built with `prePathURL()` name the front's URL, and the session cookie is
 * `TWISTED_SESSION_~alice.loom`, the personal site's own, because `sitepath` is the
 * prepath it was mounted at. A request without those headers (`curl --unix-socket`) is
 * served as it is.
 *
 * Twisted counterpart: `twisted.web.distrib.ResourcePublisher`, whose `remote_request`
 * calls `site.getResourceFor` on the copied request and renders it. Loom differs: the
 * publisher is the Site itself, so everything a Site does (access log, sessions, body
 * limits) works on the personal server unchanged; a stale socket left by a server that
 * died is removed before listening ({@link removeStaleSocket}), where Twisted's docs
 * suggest `wantPID`.
 * What to know: whoever can connect to the socket can claim any client address, as in
 * Twisted, so only the front server should be able to reach it: the socket is made with
 * the process's umask, inside the user's home, whose permissions decide who gets there.
 * Tests: `test/distrib/publisher.test.ts`. Lesson 30 teaches it.
 */

import { lstatSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { kRestoreConnection } from '../plumbing/symbols.ts';
import type { Request } from '../request.ts';
import { Site } from '../site.ts';
import { readFrontView } from './wire.ts';

/** The socket a personal server listens on, in its user's home (Twisted's `.twistd-web-pb`). */
export const PERSONAL_SOCKET_NAME = '.loom-web.sock';

/** `~/.loom-web.sock` for the user running this process (or the home given). */
export function personalSocketPath(home: string = homedir()): string {
  return join(home, PERSONAL_SOCKET_NAME);
}

// #region distrib-publisher
/**
 * A Site for a personal server: it restores the front server's view of each request
 * before walking the tree. Make it as any Site and listen on the user's socket.
 *
 * @example
 * const site = new ResourcePublisher(new File(join(homedir(), 'site')));
 * await removeStaleSocket(personalSocketPath());
 * await site.listen(`unix:${personalSocketPath()}`);
 */
export class ResourcePublisher extends Site {
  override dispatch(request: Request): void {
    const view = readFrontView((name) => request.getHeader(name));
    if (view !== null) {
      request.prepath = view.prepath;
      request.postpath = view.postpath;
      request[kRestoreConnection](view.client, view.host, view.secure);
    }
    super.dispatch(request);
  }
}
// #endregion distrib-publisher

/**
 * Delete the socket file at `path` when it is left over from a server that is gone (a
 * connection to it is refused), so that listening there can succeed. A socket some
 * server still answers on, and anything that is not a socket, are left alone; listening
 * then fails with `LOOM_ERR_ADDRESS_IN_USE`, which says so.
 *
 * @returns true when a stale socket was removed.
 */
export async function removeStaleSocket(path: string): Promise<boolean> {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (stat === undefined || !stat.isSocket()) return false;
  const refused = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(false);
    });
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
  if (refused) unlinkSync(path);
  return refused;
}
