/**
 * Tests for lib/rewrite.ts. Twisted has no test module for `twisted.web.rewrite`; the
 * cases marked "(Twisted)" translate what its code and docstrings promise and what the
 * howto's example ("Rewriting URLs": `/~foo/bar.html` → `/users/foo/bar.html`) shows,
 * so each one states the behaviour Twisted intends (on Python 3 Twisted's rules never
 * match: see the module comment).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { isLoomError } from '../lib/errors.ts';
import { Resource, getChildForRequest } from '../lib/resource.ts';
import type { Request } from '../lib/request.ts';
import { RewriterResource, alias, setPathFromSegments, tildeToUsers, type RewriteRule } from '../lib/rewrite.ts';
import { makeRequest, request, testSite } from '../lib/testing.ts';
import { File } from '../lib/static/index.ts';
import { makeTree } from './support/temp-tree.ts';

/** Answers with what the walk left on the request, as JSON. A leaf unless told otherwise. */
class Echo extends Resource {
  readonly name: string;

  constructor(name: string, leaf = true) {
    super();
    this.name = name;
    this.isLeaf = leaf;
  }

  render_GET(request: Request): string {
    return JSON.stringify({ name: this.name, uri: request.uri, path: request.path, prepath: request.prepath, postpath: request.postpath });
  }
}

/**
 * The tree the howto's example assumes: `/users/<name>/…` answered by a leaf per user,
 * `/manual/v2/…` by a leaf, and a page at `/about`.
 */
function tree(): Resource {
  const root = new Resource();
  const users = new Resource();
  users.putChild('alice', new Echo('alice'));
  root.putChild('users', users);
  const manual = new Resource();
  manual.putChild('v2', new Echo('manual-v2'));
  root.putChild('manual', manual);
  root.putChild('about', new Echo('about'));
  root.putChild('', new Echo('home'));
  return root;
}

/** GET `uri` from a Site whose root is `root`, and read the Echo's JSON (or the status). */
async function get(root: Resource, uri: string): Promise<{ code: number; echo: Record<string, unknown> | null }> {
  const response = await request(testSite(root), { uri });
  const echo = response.code === 200 ? JSON.parse(response.text) as Record<string, unknown> : null;
  return { code: response.code, echo };
}

/** A request as traversal leaves it below the root: prepath consumed, postpath to go. */
function walked(prepath: string[], postpath: string[]): Request {
  const req = makeRequest({ uri: `/${[...prepath, ...postpath].join('/')}` });
  req.prepath = prepath;
  req.postpath = postpath;
  return req;
}

describe('tildeToUsers', () => {
  it('turns /~foo/bar.html into /users/foo/bar.html (Twisted)', () => {
    const req = walked([], ['~foo', 'bar.html']);
    tildeToUsers(req);
    expect(req.postpath).toEqual(['users', 'foo', 'bar.html']);
    expect(req.path).toBe('/users/foo/bar.html');
  });

  it('rewrites request.path from prepath and postpath together (Twisted)', () => {
    const req = walked(['site'], ['~foo', '']);
    tildeToUsers(req);
    expect(req.path).toBe('/site/users/foo/');
  });

  it('leaves a path whose first segment has no tilde alone (Twisted)', () => {
    const req = walked([], ['foo', '~bar']);
    tildeToUsers(req);
    expect(req.postpath).toEqual(['foo', '~bar']);
    expect(req.path).toBe('/foo/~bar');
  });

  it('leaves an empty postpath alone (Twisted)', () => {
    const req = walked(['a'], []);
    tildeToUsers(req);
    expect(req.postpath).toEqual([]);
  });

  it('leaves a bare ~, which names no user, alone', () => {
    const req = walked([], ['~', 'x']);
    tildeToUsers(req);
    expect(req.postpath).toEqual(['~', 'x']);
  });

  it('re-quotes the user name in request.path', () => {
    const req = walked([], ['~zoë', 'a b']);
    tildeToUsers(req);
    expect(req.postpath).toEqual(['users', 'zoë', 'a b']);
    expect(req.path).toBe('/users/zo%C3%AB/a%20b');
  });
});

describe('alias', () => {
  it('replaces a leading prefix of postpath with the source path (Twisted)', () => {
    const req = walked([], ['docs', 'intro.html']);
    alias('docs', 'manual/v2')(req);
    expect(req.postpath).toEqual(['manual', 'v2', 'intro.html']);
    expect(req.path).toBe('/manual/v2/intro.html');
  });

  it('matches a prefix of several segments (Twisted)', () => {
    const req = walked([], ['old', 'docs', 'x']);
    alias('old/docs', 'manual')(req);
    expect(req.postpath).toEqual(['manual', 'x']);
  });

  it('matches the alias path exactly, with nothing after it (Twisted)', () => {
    const req = walked([], ['docs']);
    alias('docs', 'manual')(req);
    expect(req.postpath).toEqual(['manual']);
  });

  it('compares whole segments: "docs" does not match /docsearch (Twisted)', () => {
    const req = walked([], ['docsearch']);
    alias('docs', 'manual')(req);
    expect(req.postpath).toEqual(['docsearch']);
  });

  it('does not match the alias path further down the path (Twisted)', () => {
    const req = walked([], ['a', 'docs']);
    alias('docs', 'manual')(req);
    expect(req.postpath).toEqual(['a', 'docs']);
  });

  it('ignores a leading slash, which in Twisted could never match', () => {
    const req = walked([], ['docs', 'x']);
    alias('/docs', '/manual')(req);
    expect(req.postpath).toEqual(['manual', 'x']);
  });

  it('aliases to the root when the source path is empty', () => {
    const req = walked([], ['old', 'page']);
    alias('old', '')(req);
    expect(req.postpath).toEqual(['page']);
    expect(req.path).toBe('/page');
  });

  it('with a trailing slash, matches /docs/ but not /docs', () => {
    const rule = alias('docs/', 'manual/');
    const slash = walked([], ['docs', '']);
    rule(slash);
    expect(slash.postpath).toEqual(['manual', '']);
    const bare = walked([], ['docs']);
    rule(bare);
    expect(bare.postpath).toEqual(['docs']);
  });

  it('compares decoded segments, so an alias in plain text matches its percent-encoded URL', async () => {
    const root = new RewriterResource(tree(), alias('café', 'about'));
    const { echo } = await get(root, '/caf%C3%A9');
    expect(echo?.name).toBe('about');
  });

  it('refuses an empty alias path, which would match every request', () => {
    for (const empty of ['', '/']) {
      try {
        alias(empty, 'manual');
        expect.unreachable();
      } catch (error) {
        expect(isLoomError(error) && error.code).toBe('LOOM_ERR_INVALID_ARGUMENT');
      }
    }
  });

  it('refuses a path that is not a string', () => {
    expect(() => alias(42 as unknown as string, 'x')).toThrow(/must be a path/);
  });
});

describe('RewriterResource', () => {
  it('serves /~alice/cv.html from /users/alice/cv.html at the Site root (the howto\'s example)', async () => {
    const { code, echo } = await get(new RewriterResource(tree(), tildeToUsers), '/~alice/cv.html');
    expect(code).toBe(200);
    expect(echo).toMatchObject({ name: 'alice', prepath: ['users', 'alice'], postpath: ['cv.html'], path: '/users/alice/cv.html' });
  });

  it('keeps request.uri as the client sent it, so the access log shows the URL asked for', async () => {
    const { echo } = await get(new RewriterResource(tree(), tildeToUsers), '/~alice/cv.html?v=2');
    expect(echo?.uri).toBe('/~alice/cv.html?v=2');
  });

  it('passes a path no rule matches through unchanged', async () => {
    const { echo } = await get(new RewriterResource(tree(), tildeToUsers, alias('docs', 'manual/v2')), '/about/x');
    expect(echo).toMatchObject({ name: 'about', prepath: ['about'], postpath: ['x'], path: '/about/x' });
  });

  it('runs its rules in order, each seeing what the one before left', async () => {
    // /docs → /~alice (first rule) → /users/alice (second rule).
    const { echo } = await get(new RewriterResource(tree(), alias('docs', '~alice'), tildeToUsers), '/docs/cv.html');
    expect(echo).toMatchObject({ name: 'alice', postpath: ['cv.html'] });
  });

  it('answers 404 for a rewritten path that leads nowhere, as the tree would', async () => {
    const { code } = await get(new RewriterResource(tree(), tildeToUsers), '/~bob/cv.html');
    expect(code).toBe(404);
  });

  it('rewrites only the path below where it is mounted', async () => {
    const root = new Resource();
    root.putChild('site', new RewriterResource(tree(), tildeToUsers));
    root.putChild('users', new Echo('top-level users'));
    const { echo } = await get(root, '/site/~alice/cv.html');
    expect(echo).toMatchObject({ name: 'alice', prepath: ['site', 'users', 'alice'], path: '/site/users/alice/cv.html' });
  });

  it('hands a wrapped leaf the whole rewritten path in postpath (Twisted answers 404)', async () => {
    const { echo } = await get(new RewriterResource(new Echo('leaf'), tildeToUsers), '/~alice/x/y');
    expect(echo).toMatchObject({ name: 'leaf', prepath: [], postpath: ['users', 'alice', 'x', 'y'] });
  });

  it('lets the wrapped resource answer when a rule empties postpath', async () => {
    const emptied: RewriteRule = (req) => { req.postpath.length = 0; };
    const { echo } = await get(new RewriterResource(new Echo('whole', false), emptied), '/anything/at/all');
    expect(echo).toMatchObject({ name: 'whole', prepath: [], postpath: [] });
  });

  it('follows a rule that assigns a new postpath array instead of changing it in place', async () => {
    const assigned: RewriteRule = (req) => {
      req.postpath = ['manual', 'v2', ...req.postpath.slice(1)];
      setPathFromSegments(req);
    };
    const { echo } = await get(new RewriterResource(tree(), assigned), '/docs/intro.html');
    expect(echo).toMatchObject({ name: 'manual-v2', prepath: ['manual', 'v2'], postpath: ['intro.html'] });
  });

  it('rewrites when the path ends at the rewriter itself, and walks on from the wrapped resource', async () => {
    const root = new Resource();
    root.putChild('old', new RewriterResource(tree(), (req) => { if (req.postpath.length === 0) req.postpath.push('about'); }));
    const { echo } = await get(root, '/old');
    expect(echo).toMatchObject({ name: 'about', prepath: ['old', 'about'] });
  });

  it('renders the wrapped resource when the path ends at the rewriter and no rule adds to it (Twisted)', async () => {
    const root = new Resource();
    root.putChild('old', new RewriterResource(new Echo('wrapped', false)));
    const { echo } = await get(root, '/old');
    expect(echo?.name).toBe('wrapped');
  });

  it('answers 500 and logs the error when a rule throws', async () => {
    const site = testSite(new RewriterResource(tree(), () => { throw new Error('rule broke'); }));
    const response = await request(site, { uri: '/about' });
    expect(response.code).toBe(500);
    expect(response.text).not.toContain('rule broke');
    expect(site.logger.messages.some((m) => m.level === 'error')).toBe(true);
  });

  it('answers 500 with LOOM_ERR_REWRITE_RULE naming the rule, the thrown error as its cause', () => {
    const broken = function brokenRule(): void { throw new Error('rule broke'); };
    const req = walked([], ['about']);
    try {
      getChildForRequest(new RewriterResource(tree(), broken), req);
      expect.unreachable();
    } catch (error) {
      expect(isLoomError(error) && error.code).toBe('LOOM_ERR_REWRITE_RULE');
      expect((error as Error).message).toContain('brokenRule');
      expect((error as Error & { status?: number }).status).toBe(500);
      expect(((error as Error).cause as Error).message).toBe('rule broke');
    }
  });

  it('answers 500 for an async rule, whose change would come after the walk, and never leaves its rejection unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => { unhandled.push(reason); };
    process.on('unhandledRejection', onUnhandled);
    try {
      const late: RewriteRule = async () => { throw new Error('too late'); };
      const site = testSite(new RewriterResource(tree(), late));
      const response = await request(site, { uri: '/about' });
      expect(response.code).toBe(500);
      const logged = site.logger.messages.find((m) => m.level === 'error');
      expect(isLoomError(logged?.error) && logged.error.code).toBe('LOOM_ERR_REWRITE_RULE');
      // Let any unhandled rejection surface before looking.
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('answers 500 when a rule sets postpath to something that is not a list of segments', async () => {
    const site = testSite(new RewriterResource(tree(), (req) => { req.postpath = 'about' as unknown as string[]; }));
    expect((await request(site, { uri: '/about' })).code).toBe(500);
  });

  it('works inside getChildForRequest as the Site uses it, once per request', () => {
    let runs = 0;
    const counting: RewriteRule = () => { runs++; };
    const req = walked([], ['~alice', 'cv.html']);
    const found = getChildForRequest(new RewriterResource(tree(), counting, tildeToUsers), req);
    expect(found).toBeInstanceOf(Echo);
    expect((found as Echo).name).toBe('alice');
    expect(runs).toBe(1);
  });

  it('refuses a rule that is not a function, saying which', () => {
    expect(() => new RewriterResource(tree(), tildeToUsers, 'alias' as unknown as RewriteRule)).toThrow(/rule 2 is alias, not a function/);
  });

  it('refuses to wrap something that is not a resource', () => {
    expect(() => new RewriterResource(null as unknown as Resource)).toThrow(/needs the resource to wrap/);
  });
});

describe('tildeToUsers in front of File, security', () => {
  // A served folder with users/alice/cv.txt inside it, and secret.txt one level above it.
  const top = makeTree({ site: { users: { alice: { 'cv.txt': 'alice cv' } } }, 'secret.txt': 'secret' }, 'loom-rewrite-');
  const served = top.path('site');
  afterAll(() => top.remove());

  it('serves /~alice/cv.txt from users/alice/cv.txt', async () => {
    const response = await request(testSite(new RewriterResource(new File(served), tildeToUsers)), { uri: '/~alice/cv.txt' });
    expect({ code: response.code, text: response.text }).toEqual({ code: 200, text: 'alice cv' });
  });

  it('never leaves the served folder through a user name of .. or one with an encoded slash', async () => {
    for (const uri of ['/~../../secret.txt', '/~..%2F..%2Fsecret.txt', '/~..%2F..%2F/secret.txt', '/~%2E%2E/%2E%2E/secret.txt']) {
      const response = await request(testSite(new RewriterResource(new File(served), tildeToUsers)), { uri });
      expect(response.code, uri).toBe(404);
      expect(response.text, uri).not.toContain('secret');
    }
  });
});
