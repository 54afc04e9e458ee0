/**
 * @module
 * Putting a resource tree behind HTTP authentication.
 *
 * `HTTPAuthSessionWrapper(portal, factories)` stands where the protected tree would. For
 * each request that reaches it, it reads the `Authorization` header with the factory of
 * its scheme, logs in through the portal, and carries on with the avatar the realm gave
 * for that user, over the same path. No header means an anonymous login (which only
 * works when the portal has a checker for it). A refusal answers 401 with one challenge
 * per factory, so the browser (or curl) can ask for a password.
 *
 * Twisted counterpart: `twisted.web.guard.HTTPAuthSessionWrapper` and
 * `UnauthorizedResource` (`twisted.web._auth.wrapper`). As in Twisted: the wrapper is
 * transparent (the avatar sees the path the wrapper saw), the realm's logout runs when
 * the request is finished, malformed credentials are a 401 and a checker that breaks is
 * a logged 500. Despite the name, no session is used: each request logs in.
 * Tests: `test/guard/wrapper.test.ts`. Lesson 16 (http-auth) teaches it.
 */

import { UnauthorizedLogin, type Credentials, type Portal } from '../cred.ts';
import { LoomError } from '../errors.ts';
import { errorPage } from '../pages.ts';
import { NOT_DONE_YET, type IResource } from '../resource.ts';
import type { Request } from '../request.ts';
import { DeferredResource } from '../util.ts';
import { formatChallenge, type CredentialFactory } from './factory.ts';

// #region guard-unauthorized
/** Answers 401 with a challenge per factory, at any depth. */
export class UnauthorizedResource implements IResource {
  readonly isLeaf = true;
  readonly #factories: readonly CredentialFactory[];

  constructor(factories: readonly CredentialFactory[]) {
    this.#factories = factories;
  }

  render(request: Request): string {
    request.setResponseCode(401);
    for (const factory of this.#factories) {
      request.responseHeaders.addRawHeader('www-authenticate', formatChallenge(factory.scheme, factory.getChallenge(request)));
    }
    return request.method === 'HEAD' ? '' : 'Unauthorized';
  }

  getChildWithDefault(): IResource {
    return this;
  }

  putChild(): void {
    throw new LoomError('LOOM_ERR_INVALID_ARGUMENT', 'An UnauthorizedResource has no children: it answers 401 at every path.');
  }
}
// #endregion guard-unauthorized

// #region guard-wrapper
/** Puts the avatar trees of a portal behind HTTP authentication. */
export class HTTPAuthSessionWrapper implements IResource {
  readonly isLeaf = false;
  readonly #portal: Portal<IResource>;
  readonly #factories: readonly CredentialFactory[];

  constructor(portal: Portal<IResource>, factories: readonly CredentialFactory[]) {
    this.#portal = portal;
    this.#factories = factories;
  }

  /** Transparent: give the segment back, so the avatar walks the same path the wrapper saw. */
  getChildWithDefault(name: string, request: Request): IResource {
    request.postpath.unshift(request.prepath.pop() ?? name);
    return new DeferredResource(this.#login(request));
  }

  render(request: Request): typeof NOT_DONE_YET {
    return new DeferredResource(this.#login(request)).render(request);
  }

  putChild(): void {
    throw new LoomError('LOOM_ERR_INVALID_ARGUMENT', 'Put children on the avatar resources your realm returns, not on the HTTPAuthSessionWrapper.');
  }

  /** Read the credentials, log in, and resolve to what should answer: the avatar or a 401/500 page. */
  async #login(request: Request): Promise<IResource> {
    let credentials: Credentials;
    try {
      credentials = this.#credentials(request);
    } catch (error) {
      return this.#failure(request, error);
    }
    try {
      const { avatar, logout } = await this.#portal.login(credentials);
      request.notifyFinish().then(logout, logout);
      return avatar;
    } catch (error) {
      return this.#failure(request, error);
    }
  }

  /** The credentials in the Authorization header, or anonymous ones when there is none. */
  #credentials(request: Request): Credentials {
    const header = request.getHeader('authorization');
    if (header === undefined) return { kind: 'anonymous' };
    const space = header.indexOf(' ');
    const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
    const factory = this.#factories.find((f) => f.scheme === scheme);
    if (factory === undefined) throw new UnauthorizedLogin(`No factory for the "${scheme}" scheme.`);
    return factory.decode(space < 0 ? '' : header.slice(space + 1), request);
  }

  #failure(request: Request, error: unknown): IResource {
    if (error instanceof LoomError && error.code === 'LOOM_ERR_UNAUTHORIZED') return new UnauthorizedResource(this.#factories);
    (request.site?.logger)?.error(`Authentication failed unexpectedly for ${request.method} ${request.uri}`, error);
    return errorPage(500, 'Internal Error', 'The server could not check these credentials. The error has been logged.');
  }
}
// #endregion guard-wrapper

