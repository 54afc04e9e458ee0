import { describe, expect, it } from 'vitest';
import { Resource, type IResource } from '../lib/resource.ts';
import type { Request } from '../lib/request.ts';
import { DeferredResource, ParentRedirect, Redirect, redirectTo } from '../lib/util.ts';
import { makeRequest, request, testSite } from '../lib/testing.ts';

class Echo extends Resource {
  override isLeaf = true;
  render_GET(req: Request) {
    return `postpath=${req.postpath.join('/')}`;
  }
}

describe('redirectTo', () => {
  it('sets 302, Location and an HTML content type, and returns a page with a link', () => {
    const req = makeRequest();
    const page = redirectTo('http://example.com/', req);
    expect(req.code).toBe(302);
    expect(req.responseHeaders.getLast('location')).toBe('http://example.com/');
    expect(req.responseHeaders.getLast('content-type')).toBe('text/html; charset=utf-8');
    expect(page).toContain('<a href="http://example.com/">click here</a>');
    expect(page).toContain('content="0;URL=http://example.com/"');
  });

  it('escapes a malicious URL in the page but not in Location', () => {
    const req = makeRequest();
    const url = 'http://x/"><script>alert(1)</script>';
    const page = redirectTo(url, req);
    expect(page).not.toContain('<script>');
    expect(page).toContain('&quot;&gt;&lt;script&gt;');
    expect(req.responseHeaders.getLast('location')).toBe(url);
  });
});

describe('Redirect', () => {
  it('sends every path below it to one fixed URL', async () => {
    const root = new Resource();
    root.putChild('redir', new Redirect('/echo'));
    for (const uri of ['/redir', '/redir/deeper?q', '/redir/a/b/']) {
      const response = await request(root, { uri });
      expect(response.code).toBe(302);
      expect(response.headers.getLast('location')).toBe('/echo');
    }
  });
});

describe('ParentRedirect', () => {
  it('redirects to the directory of the prepath URL, with no query', async () => {
    const root = new Resource();
    const foo = new Resource();
    root.putChild('foo', foo);
    foo.putChild('bar', new ParentRedirect());
    root.putChild('parent', new ParentRedirect());
    expect((await request(root, { uri: '/foo/bar?x=1', headers: { host: 'h' } })).headers.getLast('location')).toBe('http://h/foo/');
    expect((await request(root, { uri: '/parent/anything', headers: { host: 'h' } })).headers.getLast('location')).toBe('http://h/');
  });
});

describe('DeferredResource', () => {
  it('carries on the walk from the resolved resource over the rest of the path', async () => {
    const root = new Resource();
    root.putChild('deferred', new DeferredResource(Promise.resolve(new Echo())));
    expect((await request(root, { uri: '/deferred/x/y' })).text).toBe('postpath=x/y');
  });

  it('works for every request, not just the first', async () => {
    const inner = new Resource();
    inner.putChild('a', new Echo());
    const root = new Resource();
    root.putChild('d', new DeferredResource(Promise.resolve<IResource>(inner)));
    for (let i = 0; i < 3; i++) expect((await request(root, { uri: `/d/a/${i}` })).text).toBe(`postpath=${i}`);
  });

  it('answers a rejected resource with a 500 page and a log line, every time', async () => {
    const site = testSite(new DeferredResource(Promise.reject(new Error('could not load'))));
    expect((await request(site)).code).toBe(500);
    expect((await request(site)).code).toBe(500);
    expect(site.logger.messages.filter((m) => m.level === 'error')).toHaveLength(2);
  });
});
