/**
 * UserDirectory over a user list whose homes are temporary trees: alice has a
 * public_html (with a symlink out of it and a resource script that must not run), bob
 * has a home but no public_html, carol's real name is HTML.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userList, type PasswdEntry } from '../../lib/distrib/passwd.ts';
import { ResourceSubscription } from '../../lib/distrib/subscription.ts';
import { UserDirectory, userSegment } from '../../lib/distrib/user-directory.ts';
import { File } from '../../lib/static/file.ts';
import { makeRequest, request, testSite } from '../../lib/testing.ts';
import { makeTree } from '../support/temp-tree.ts';

const tree = makeTree({
  outside: { 'secret.txt': 'not for the web' },
  alice: {
    public_html: {
      'index.html': '<p>alice home page</p>',
      'notes.txt': 'alice notes',
      'run-me.rsx.ts': 'export const resource = null; // source, never run',
      'escape.txt': { symlink: '../../outside/secret.txt' },
    },
  },
  bob: { 'readme.txt': 'bob has no public_html' },
  carol: { public_html: {} },
}, 'loom-users-');

const entry = (name: string, gecos: string, home: string): PasswdEntry => ({ name, uid: 1000, gid: 1000, gecos, home, shell: '/bin/sh' });
const users = userList([
  entry('alice', 'Alice Liddell,,,', tree.path('alice')),
  entry('bob', '', tree.path('bob')),
  entry('carol', '<script>x</script>', tree.path('carol')),
  entry('daemon', 'a system user', '/nonexistent'),
]);
const directory = new UserDirectory({ users });
const site = testSite(directory);

afterAll(async () => {
  await directory.close();
  tree.remove();
});

describe('UserDirectory: /~name/', () => {
  it('serves ~name/public_html', async () => {
    expect((await request(site, { uri: '/~alice/' })).text).toBe('<p>alice home page</p>');
    expect((await request(site, { uri: '/~alice/notes.txt' })).text).toBe('alice notes');
  });

  it('redirects /~alice to /~alice/, as a File does for a folder', async () => {
    const response = await request(site, { uri: '/~alice' });
    expect(response.code).toBe(302);
    expect(response.headers.getLast('location')).toBe('/~alice/');
  });

  it('answers 404 for an unknown user and for a user without public_html', async () => {
    expect((await request(site, { uri: '/~nobody/' })).code).toBe(404);
    expect((await request(site, { uri: '/~bob/' })).code).toBe(404);
    expect((await request(site, { uri: '/~daemon/' })).code).toBe(404);
  });

  it('answers 404 for a segment without the tilde', async () => {
    expect((await request(site, { uri: '/alice/' })).code).toBe(404);
  });

  it('answers 404 for names with path tricks, never looking them up (security)', async () => {
    for (const uri of ['/~/', '/~../', '/~..%2Foutside/', '/~alice%2F..%2Foutside/', '/~.alice/', '/~alice%00/', '/~alice/../outside/secret.txt']) {
      expect((await request(site, { uri })).code, uri).toBe(404);
    }
  });

  it('refuses a symlink that leads out of public_html, as File does (security)', async () => {
    const response = await request(site, { uri: '/~alice/escape.txt' });
    expect(response.code).toBe(404);
    expect(response.text).not.toContain('not for the web');
  });

  it('sends a user\'s resource script as a file, never running it with the server\'s rights (security)', async () => {
    const response = await request(site, { uri: '/~alice/run-me.rsx.ts' });
    expect(response.code).toBe(200);
    expect(response.text).toContain('source, never run');
  });

  it('gives a fresh File each time, sharing one cache', () => {
    const a = directory.getChildWithDefault('~alice', makeRequest());
    const b = directory.getChildWithDefault('~alice', makeRequest());
    expect(a).toBeInstanceOf(File);
    expect(a).not.toBe(b);
    expect((a as File).cache).toBe((b as File).cache);
  });
});

describe('UserDirectory: /~name.loom/', () => {
  it('is a ResourceSubscription to ~name/.loom-web.sock, kept as a static child as in Twisted', () => {
    const sub = directory.getChildWithDefault('~alice.loom', makeRequest());
    expect(sub).toBeInstanceOf(ResourceSubscription);
    expect((sub as ResourceSubscription).socketPath).toBe(tree.path('alice', '.loom-web.sock'));
    expect(directory.children.get('~alice.loom')).toBe(sub);
    expect((sub as ResourceSubscription).factory).toBe(directory.factory);
  });

  it('answers 404 for an unknown user, without keeping a child for it', async () => {
    expect((await request(site, { uri: '/~nobody.loom/' })).code).toBe(404);
    expect(directory.children.has('~nobody.loom')).toBe(false);
  });

  it('answers 502 at once when the user runs no personal server', async () => {
    const response = await request(site, { uri: '/~bob.loom/' });
    expect(response.code).toBe(502);
  });
});

describe('UserDirectory: the listing at /', () => {
  let server: ReturnType<typeof createServer>;
  beforeAll(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(tree.path('carol', '.loom-web.sock'), resolve));
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('links each user with a public folder or a personal server, by real name, escaped', async () => {
    const response = await request(site, { uri: '/' });
    expect(response.code).toBe(200);
    expect(response.text).toContain('<li><a href="~alice/">Alice Liddell (file)</a></li>');
    expect(response.text).toContain('<li><a href="~carol/">&lt;script&gt;x&lt;/script&gt; (file)</a></li>');
    expect(response.text).toContain('<li><a href="~carol.loom/">&lt;script&gt;x&lt;/script&gt; (personal server)</a></li>');
    expect(response.text).not.toContain('bob');
    expect(response.text).not.toContain('daemon');
  });

  it('answers only GET and HEAD', async () => {
    expect((await request(site, { uri: '/', method: 'HEAD' })).code).toBe(200);
    const post = await request(site, { uri: '/', method: 'POST' });
    expect(post.code).toBe(405);
    expect(post.headers.getLast('allow')).toBe('GET, HEAD');
  });

  it('reads /etc/passwd when given no user database', () => {
    const system = new UserDirectory();
    expect((system.users as { path?: string }).path).toBe('/etc/passwd');
    void system.close();
  });
});

describe('userSegment', () => {
  it('reads ~name and ~name.loom, and nothing else', () => {
    expect(userSegment('~alice')).toEqual({ name: 'alice', personal: false });
    expect(userSegment('~alice.loom')).toEqual({ name: 'alice', personal: true });
    expect(userSegment('~j.doe')).toEqual({ name: 'j.doe', personal: false });
    for (const bad of ['alice', '~', '~.loom', '~..', '~a/b', '~-rf', `~${'a'.repeat(33)}`]) expect(userSegment(bad), bad).toBeNull();
  });
});

