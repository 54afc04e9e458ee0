import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS, AllowAnonymousAccess, InMemoryPasswordChecker, Portal, UnauthorizedLogin, type Realm } from '../../lib/cred.ts';
import { BasicCredentialFactory, DigestCredentialFactory, HTTPAuthSessionWrapper, UnauthorizedResource } from '../../lib/guard/index.ts';
import { Resource, type IResource } from '../../lib/resource.ts';
import type { Request } from '../../lib/request.ts';
import { Site, type ListeningPort } from '../../lib/site.ts';
import { makeRequest, memoryLogger, render, request, testSite } from '../../lib/testing.ts';
import { curl, requires } from '../support/programs.ts';

class Private extends Resource {
  override isLeaf = true;
  readonly user: string;
  constructor(user: string) {
    super();
    this.user = user;
  }
  render_GET(req: Request) {
    return `${this.user} prepath=${req.prepath.join('/')} postpath=${req.postpath.join('/')}`;
  }
}

function protectedTree(options: { anonymous?: boolean; realm?: Realm<IResource> } = {}) {
  const logouts: string[] = [];
  const realm: Realm<IResource> = options.realm ?? {
    requestAvatar: (id) => {
      const name = id === ANONYMOUS ? 'anonymous' : id;
      return { avatar: new Private(name), logout: () => logouts.push(name) };
    },
  };
  const checkers = [new InMemoryPasswordChecker({ alice: 'secret' }), ...(options.anonymous === true ? [new AllowAnonymousAccess()] : [])];
  const wrapper = new HTTPAuthSessionWrapper(new Portal(realm, checkers), [new BasicCredentialFactory('auth "realm"'), new DigestCredentialFactory('SHA-256', 'auth')]);
  const root = new Resource();
  root.putChild('auth', wrapper);
  return { root, logouts };
}

const basic = (user: string, pass: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` });

describe('HTTPAuthSessionWrapper', () => {
  it('answers 401 with one challenge per factory, in order, when there are no credentials', async () => {
    const response = await request(protectedTree().root, { uri: '/auth/x' });
    expect(response.code).toBe(401);
    expect(response.text).toBe('Unauthorized');
    const challenges = response.headers.getRawHeaders('www-authenticate')!;
    expect(challenges[0]).toBe('basic realm="auth \\"realm\\""');
    expect(challenges[1]).toMatch(/^digest realm="auth", qop="auth", algorithm="SHA-256", nonce="[^"]+", opaque="[0-9a-f]+"$/);
  });

  it('reaches the avatar with good credentials, transparently: the avatar sees the same path', async () => {
    const { root, logouts } = protectedTree();
    const response = await request(root, { uri: '/auth/x/y', headers: basic('alice', 'secret') });
    expect(response.code).toBe(200);
    expect(response.text).toBe('alice prepath=auth postpath=x/y');
    await new Promise((r) => setImmediate(r));
    expect(logouts).toEqual(['alice']);
  });

  it('renders the avatar when the wrapper itself is rendered', async () => {
    const { root } = protectedTree();
    root.putChild('', new Resource());
    const wrapperOnly = new HTTPAuthSessionWrapper(new Portal({ requestAvatar: () => ({ avatar: new Private('me'), logout: () => {} }) }, [new InMemoryPasswordChecker({ alice: 'secret' })]), [new BasicCredentialFactory('r')]);
    const req = makeRequest({ headers: basic('alice', 'secret') });
    expect((await render(wrapperOnly, req)).text).toBe('me prepath= postpath=');
  });

  it('answers 401 for a wrong password, an unknown user, an unknown scheme and malformed credentials', async () => {
    const { root } = protectedTree();
    for (const headers of [basic('alice', 'nope'), basic('bob', 'secret'), { authorization: 'Bearer abc' }, { authorization: 'Basic !!!' }, { authorization: 'Basic' }, { authorization: 'Digest garbage' }, { authorization: '' }]) {
      expect((await request(root, { uri: '/auth/x', headers })).code, JSON.stringify(headers)).toBe(401);
    }
  });

  it('lets anonymous clients in only when the portal has an anonymous checker', async () => {
    expect((await request(protectedTree().root, { uri: '/auth/x' })).code).toBe(401);
    expect((await request(protectedTree({ anonymous: true }).root, { uri: '/auth/x' })).text).toBe('anonymous prepath=auth postpath=x');
  });

  it('runs logout even when rendering the avatar fails', async () => {
    const logouts: string[] = [];
    class Broken extends Resource {
      override isLeaf = true;
      render_GET(): string {
        throw new Error('avatar broke');
      }
    }
    const wrapper = new HTTPAuthSessionWrapper(new Portal({ requestAvatar: () => ({ avatar: new Broken(), logout: () => logouts.push('out') }) }, [new InMemoryPasswordChecker({ alice: 'secret' })]), [new BasicCredentialFactory('r')]);
    const site = testSite(wrapper);
    expect((await request(site, { headers: basic('alice', 'secret') })).code).toBe(500);
    await new Promise((r) => setImmediate(r));
    expect(logouts).toEqual(['out']);
  });

  it('answers 500 and logs when the realm breaks (not a 401)', async () => {
    const realm: Realm<IResource> = { requestAvatar: () => { throw new Error('database down'); } };
    const logger = memoryLogger();
    const site = new Site(protectedTree({ realm }).root, { logger });
    const response = await request(site, { uri: '/auth/x', headers: basic('alice', 'secret') });
    expect(response.code).toBe(500);
    expect(logger.messages[0]?.message).toContain('Authentication failed unexpectedly');
  });

  it('answers 401 when the realm refuses with UnauthorizedLogin', async () => {
    const realm: Realm<IResource> = { requestAvatar: () => { throw new UnauthorizedLogin(); } };
    expect((await request(protectedTree({ realm }).root, { uri: '/auth/x', headers: basic('alice', 'secret') })).code).toBe(401);
  });
});

describe('UnauthorizedResource', () => {
  it('is its own child at every depth and has no body for HEAD', async () => {
    const r = new UnauthorizedResource([new BasicCredentialFactory('r')]);
    expect(r.getChildWithDefault()).toBe(r);
    expect(() => r.putChild()).toThrow(/no children/);
    const head = await render(r, makeRequest({ method: 'HEAD' }));
    expect(head.code).toBe(401);
    expect(head.body.length).toBe(0);
  });
});

const curlProgram = requires('curl');

curlProgram.describe('the guard and curl, over loopback', () => {
  let site: Site;
  let port: ListeningPort;

  beforeAll(async () => {
    const { root } = protectedTree();
    const md5 = new HTTPAuthSessionWrapper(new Portal({ requestAvatar: (id) => ({ avatar: new Private(String(id)), logout: () => {} }) }, [new InMemoryPasswordChecker({ alice: 'secret' })]), [new DigestCredentialFactory('MD5', 'md5 realm')]);
    root.putChild('md5', md5);
    site = new Site(root, { logger: memoryLogger() });
    port = await site.listen('tcp:0:interface=127.0.0.1');
  });

  afterAll(async () => {
    await site.close();
  });

  it('lets curl -u in with Basic', async () => {
    expect(await curl('-u', 'alice:secret', `${port.url}auth/page`)).toEqual({ code: '200', body: 'alice prepath=auth postpath=page' });
    expect((await curl('-u', 'alice:wrong', `${port.url}auth/page`)).code).toBe('401');
  });

  it('lets curl --digest in with SHA-256 and with MD5', async () => {
    expect(await curl('--digest', '-u', 'alice:secret', `${port.url}auth/page?x=1`)).toEqual({ code: '200', body: 'alice prepath=auth postpath=page' });
    expect(await curl('--digest', '-u', 'alice:secret', `${port.url}md5/p`)).toEqual({ code: '200', body: 'alice prepath=md5 postpath=p' });
    expect((await curl('--digest', '-u', 'alice:wrong', `${port.url}md5/p`)).code).toBe('401');
  });
});
