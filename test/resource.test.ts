import { describe, expect, it } from 'vitest';
import { LoomError } from '../lib/errors.ts';
import { ErrorPage } from '../lib/pages.ts';
import { NOT_DONE_YET, Resource, UnsupportedMethod, allowedMethodsOf, getChildForRequest, type IResource } from '../lib/resource.ts';
import type { Request } from '../lib/request.ts';
import { makeRequest, render, request } from '../lib/testing.ts';

class Greeting extends Resource {
  render_GET(_request: Request) {
    return 'hello';
  }
}

class PostOnly extends Resource {
  render_POST(_request: Request) {
    return 'posted';
  }
}

class Leaf extends Resource {
  override isLeaf = true;
  render_GET(request: Request) {
    return `leaf prepath=${request.prepath.join('|')} postpath=${request.postpath.join('|')}`;
  }
}

describe('Resource.putChild and getChildWithDefault', () => {
  it('returns the static child registered under a name', () => {
    const root = new Resource();
    const child = new Greeting();
    root.putChild('greet', child);
    expect(root.getChildWithDefault('greet', makeRequest())).toBe(child);
  });

  it('falls through to getChild for names with no static child', () => {
    const seen: string[] = [];
    class Dynamic extends Resource {
      override getChild(name: string): IResource {
        seen.push(name);
        return new Greeting();
      }
    }
    const root = new Dynamic();
    root.putChild('static', new Leaf());
    expect(root.getChildWithDefault('other', makeRequest())).toBeInstanceOf(Greeting);
    expect(root.getChildWithDefault('static', makeRequest())).toBeInstanceOf(Leaf);
    expect(seen).toEqual(['other']);
  });

  it('answers 404 from the default getChild', () => {
    expect(new Resource().getChildWithDefault('nope', makeRequest())).toBeInstanceOf(ErrorPage);
  });

  it('refuses a child name that is not a string, with a coded error', () => {
    const put = () => new Resource().putChild(42 as unknown as string, new Leaf());
    expect(put).toThrow(LoomError);
    expect(put).toThrow(/putChild needs a path segment as a string/);
  });
});

describe('getChildForRequest', () => {
  it('moves each segment from postpath to prepath', () => {
    const root = new Resource();
    const a = new Resource();
    const b = new Greeting();
    root.putChild('a', a);
    a.putChild('b', b);
    const req = makeRequest({ uri: '/a/b' });
    expect(getChildForRequest(root, req)).toBe(b);
    expect(req.prepath).toEqual(['a', 'b']);
    expect(req.postpath).toEqual([]);
  });

  it('stops at a leaf and leaves the rest of the path in postpath', () => {
    const root = new Resource();
    const leaf = new Leaf();
    root.putChild('leaf', leaf);
    const req = makeRequest({ uri: '/leaf/x/y' });
    expect(getChildForRequest(root, req)).toBe(leaf);
    expect(req.prepath).toEqual(['leaf']);
    expect(req.postpath).toEqual(['x', 'y']);
  });

  it('stops when the path runs out, even below a non-leaf', () => {
    const root = new Resource();
    const req = makeRequest({ uri: '/' });
    root.putChild('', new Greeting());
    expect(getChildForRequest(root, req)).toBeInstanceOf(Greeting);
    expect(req.prepath).toEqual(['']);
  });

  it('decodes segments, so putChild takes the decoded name', async () => {
    const root = new Resource();
    root.putChild('foo bar', new Greeting());
    root.putChild('a/b', new Leaf());
    expect((await request(root, { uri: '/foo%20bar' })).text).toBe('hello');
    expect((await request(root, { uri: '/a%2Fb' })).code).toBe(200);
  });

  it('gives a trailing slash its own empty segment', async () => {
    const root = new Resource();
    const docs = new Resource();
    root.putChild('docs', docs);
    docs.putChild('', new Greeting());
    expect((await request(root, { uri: '/docs/' })).text).toBe('hello');
    // Without the slash the walk ends on `docs` itself, which renders no GET: 405, as in Twisted.
    expect((await request(root, { uri: '/docs' })).code).toBe(405);
  });
});

describe('Resource.render', () => {
  it('dispatches to render_<METHOD>', async () => {
    expect((await render(new Greeting())).text).toBe('hello');
    expect((await render(new PostOnly(), makeRequest({ method: 'POST' }))).text).toBe('posted');
  });

  it('matches the method name exactly: a lower-case "get" finds nothing', () => {
    expect(() => new Greeting().render(makeRequest({ method: 'get' }))).toThrow(UnsupportedMethod);
  });

  it('renders HEAD through GET', () => {
    expect(new Greeting().render(makeRequest({ method: 'HEAD' }))).toBe('hello');
  });

  it('carries the allowed methods worked out from render_* names', () => {
    try {
      new Greeting().render(makeRequest({ method: 'PUT' }));
      expect.unreachable();
    } catch (error) {
      expect((error as UnsupportedMethod).allowedMethods).toEqual(['GET', 'HEAD']);
      expect((error as UnsupportedMethod).code).toBe('LOOM_ERR_UNSUPPORTED_METHOD');
    }
  });

  it('carries an explicit allowedMethods list when the resource sets one', () => {
    const r = new PostOnly();
    r.allowedMethods = ['POST', 'PATCH'];
    expect(() => r.render(makeRequest({ method: 'GET' }))).toThrow(expect.objectContaining({ allowedMethods: ['POST', 'PATCH'] }));
  });

  it('does not list HEAD for a resource that cannot render GET', () => {
    expect(allowedMethodsOf(new PostOnly())).toEqual(['POST']);
  });

  it('lets render_GET return NOT_DONE_YET and finish later', async () => {
    class Later extends Resource {
      render_GET(req: Request) {
        queueMicrotask(() => {
          req.write('late');
          req.finish();
        });
        return NOT_DONE_YET;
      }
    }
    expect((await render(new Later())).text).toBe('late');
  });
});

describe('UnsupportedMethod', () => {
  it('requires a list of allowed methods', () => {
    expect(() => new UnsupportedMethod('GET' as unknown as string[])).toThrow(/needs the list of allowed methods/);
  });
});
