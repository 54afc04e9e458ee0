import { describe, expect, it } from 'vitest';
import { Data } from '../../lib/static/data.ts';
import { Resource, UnsupportedMethod } from '../../lib/resource.ts';
import { makeRequest, request } from '../../lib/testing.ts';

/** A root with the Data mounted at /d (a Data is not a leaf, so it cannot answer / with its bytes). */
function mounted(data: Data): Resource {
  const root = new Resource();
  root.putChild('d', data);
  return root;
}

describe('Data', () => {
  it('answers GET with its bytes, Content-Type and Content-Length', async () => {
    const response = await request(mounted(new Data('héllo', 'text/plain; charset=utf-8')), { uri: '/d' });
    expect(response.code).toBe(200);
    expect(response.text).toBe('héllo');
    expect(response.headers.getLast('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.getLast('content-length')).toBe('6');
  });

  it('serves bytes as given', async () => {
    const bytes = new Uint8Array([0, 1, 2, 255]);
    expect((await request(mounted(new Data(bytes, 'application/octet-stream')), { uri: '/d' })).body).toEqual(Buffer.from(bytes));
  });

  it('answers HEAD with the same headers and an empty body', async () => {
    const response = await request(mounted(new Data('hello', 'text/plain')), { uri: '/d', method: 'HEAD' });
    expect(response.code).toBe(200);
    expect(response.headers.getLast('content-length')).toBe('5');
    expect(response.body.length).toBe(0);
  });

  it('raises UnsupportedMethod for other methods, which the Site turns into 405 or 501', async () => {
    const data = new Data('hello', 'text/plain');
    expect(() => data.render(makeRequest({ method: 'POST' }))).toThrow(UnsupportedMethod);
    const post = await request(mounted(data), { uri: '/d', method: 'POST' });
    expect(post.code).toBe(405);
    expect(post.headers.getLast('allow')).toBe('GET, HEAD');
    expect((await request(mounted(data), { uri: '/d', method: 'PUT' })).code).toBe(501);
  });

  it('is not a leaf: a path below it is a 404 unless a child is put there', async () => {
    const data = new Data('top', 'text/plain');
    expect((await request(mounted(data), { uri: '/d/more' })).code).toBe(404);
    data.putChild('more', new Data('below', 'text/plain'));
    expect((await request(mounted(data), { uri: '/d/more' })).text).toBe('below');
  });
});
