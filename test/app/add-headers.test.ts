import { describe, expect, it } from 'vitest';
import { AddHeadersResource, parseAddedHeader } from '../../lib/app/add-headers.ts';
import { Data, Resource, type Request } from '../../lib/index.ts';
import { request, testSite } from '../../lib/testing.ts';

/** A leaf that answers every path itself, by its postpath. */
class Leaf extends Resource {
  override isLeaf = true;
  render_GET(request: Request): string {
    return `leaf saw /${request.postpath.join('/')}`;
  }
}

describe('AddHeadersResource', () => {
  it('adds the headers to a response that traverses the tree, after the resource\'s own', async () => {
    const tree = new Resource();
    tree.putChild('page', new Data('hi', 'text/plain'));
    const response = await request(new AddHeadersResource(tree, [['X-A', '1'], ['X-A', '2']]), { uri: '/page' });
    expect(response.text).toBe('hi');
    expect(response.headers.getRawHeaders('x-a')).toEqual(['1', '2']);
  });

  it('hands a leaf root the whole path, where Twisted would ask it for a child and answer 404', async () => {
    const response = await request(new AddHeadersResource(new Leaf(), [['X-A', '1']]), { uri: '/a/b' });
    expect(response.code).toBe(200);
    expect(response.text).toBe('leaf saw /a/b');
    expect(response.headers.getLast('x-a')).toBe('1');
  });

  it('adds nothing to OPTIONS *, which traverses no segment (as in Twisted)', async () => {
    const site = testSite(new AddHeadersResource(new Resource(), [['X-A', '1']]));
    const response = await request(site, { method: 'OPTIONS', uri: '*' });
    expect(response.code).toBe(200);
    expect(response.headers.hasHeader('x-a')).toBe(false);
  });

  it('puts children on the real root', async () => {
    const root = new Resource();
    new AddHeadersResource(root, []).putChild('x', new Data('x', 'text/plain'));
    expect(root.children.has('x')).toBe(true);
  });
});

describe('parseAddedHeader', () => {
  it('splits at the first colon and trims both sides, as Twisted does', () => {
    expect(parseAddedHeader('  Link :  </a>; rel="x:y" ')).toEqual(['Link', '</a>; rel="x:y"']);
    expect(parseAddedHeader('X-Empty:')).toEqual(['X-Empty', '']);
  });

  it('refuses a value with a line break (security: it would start a header of its own)', () => {
    expect(() => parseAddedHeader('X-A: 1\r\nSet-Cookie: x=1')).toThrow(expect.objectContaining({ code: 'LOOM_ERR_USAGE' }));
  });
});
