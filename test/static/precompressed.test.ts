import { brotliCompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { BrotliEncoderFactory, GzipEncoderFactory } from '../../lib/encoding/encoders.ts';
import { EncodingResourceWrapper } from '../../lib/encoding/wrapper.ts';
import { File } from '../../lib/static/file.ts';
import { findPrecompressed } from '../../lib/static/precompressed.ts';
import { request, type RequestOptions } from '../../lib/testing.ts';
import { makeTree } from '../support/temp-tree.ts';

// Each sibling holds bytes unlike the others (the CSS compressed, plus a marker in the
// identity), so a test can tell which file was sent without decoding guesswork.
const CSS = 'body { color: #333; margin: 0 auto; max-width: 40em; }\n'.repeat(400);
// A file outside the served folder, which a sibling that is a symlink points at.
const outside = makeTree({ 'secret.gz': gzipSync('secret') }, 'loom-precompressed-outside-');
const tree = makeTree({
  'both.css': CSS, 'both.css.br': brotliCompressSync(CSS), 'both.css.gz': gzipSync(CSS),
  'gz-only.js': CSS, 'gz-only.js.gz': gzipSync(CSS),
  'plain.txt': CSS,
  'linked.css': CSS, 'linked.css.gz': { symlink: outside.path('secret.gz') },
}, 'loom-precompressed-');
const dir = tree.root;
afterAll(() => {
  tree.remove();
  outside.remove();
});

const folder = () => new File(dir, { precompressed: true });
const get = (uri: string, options: RequestOptions = {}) => request(folder(), { uri, ...options });

describe('findPrecompressed', () => {
  it('picks the sibling the client prefers among those that exist', () => {
    expect(findPrecompressed(tree.path('both.css'), 'gzip, br')?.coding).toBe('br');
    expect(findPrecompressed(tree.path('both.css'), 'gzip;q=1, br;q=0.5')?.coding).toBe('gzip');
    expect(findPrecompressed(tree.path('gz-only.js'), 'br, gzip')?.coding).toBe('gzip');
    expect(findPrecompressed(tree.path('gz-only.js'), 'br')).toBeNull();
    expect(findPrecompressed(tree.path('both.css'), 'gzip;q=0, br;q=0')).toBeNull();
    expect(findPrecompressed(tree.path('both.css'), undefined)).toBeNull();
  });
});

describe('File with precompressed: true', () => {
  it('sends name.br with the original\'s type, Content-Encoding br, Vary and its own ETag', async () => {
    const r = await get('/both.css', { headers: { 'accept-encoding': 'br, gzip' } });
    expect(r.headers.getLast('content-encoding')).toBe('br');
    expect(r.headers.getLast('content-type')).toContain('text/css');
    expect(r.headers.getLast('vary')).toBe('Accept-Encoding');
    expect(r.body.equals(brotliCompressSync(CSS))).toBe(true);
    const identity = await get('/both.css');
    expect(r.headers.getLast('etag')).not.toBe(identity.headers.getLast('etag'));
    expect(identity.text).toBe(CSS);
  });

  it('falls back to name.gz when there is no name.br', async () => {
    const r = await get('/gz-only.js', { headers: { 'accept-encoding': 'br, gzip' } });
    expect(r.headers.getLast('content-encoding')).toBe('gzip');
    expect(r.headers.getLast('content-type')).toContain('javascript');
    expect(r.body.equals(gzipSync(CSS))).toBe(true);
  });

  it('counts a Range in the bytes of the sibling it sends', async () => {
    const r = await get('/both.css', { headers: { 'accept-encoding': 'gzip', range: 'bytes=0-9' } });
    expect(r.code).toBe(206);
    expect(r.headers.getLast('content-encoding')).toBe('gzip');
    expect(r.body.equals(gzipSync(CSS).subarray(0, 10))).toBe(true);
    expect(r.headers.getLast('content-range')).toBe(`bytes 0-9/${gzipSync(CSS).length}`);
  });

  it('answers If-None-Match with the sibling\'s ETag with a 304', async () => {
    const first = await get('/both.css', { headers: { 'accept-encoding': 'gzip' } });
    const again = await get('/both.css', { headers: { 'accept-encoding': 'gzip', 'if-none-match': first.headers.getLast('etag')! } });
    expect(again.code).toBe(304);
    expect(again.headers.getLast('vary')).toBe('Accept-Encoding');
  });

  it('answers HEAD with the sibling\'s headers and no body', async () => {
    const r = await get('/both.css', { method: 'HEAD', headers: { 'accept-encoding': 'br' } });
    expect(r.headers.getLast('content-encoding')).toBe('br');
    expect(r.headers.getLast('content-length')).toBe(String(brotliCompressSync(CSS).length));
    expect(r.body.length).toBe(0);
  });

  it('sends Vary on the original too, since a sibling could have been chosen', async () => {
    const plain = await get('/both.css');
    expect(plain.text).toBe(CSS);
    expect(plain.headers.getRawHeaders('vary')).toEqual(['Accept-Encoding']);
    const noSibling = await get('/plain.txt', { headers: { 'accept-encoding': 'gzip' } });
    expect(noSibling.headers.getLast('content-encoding')).toBeUndefined();
    expect(noSibling.headers.getRawHeaders('vary')).toEqual(['Accept-Encoding']);
    const off = await request(new File(dir), { uri: '/both.css' });
    expect(off.headers.getRawHeaders('vary')).toBeUndefined();
  });

  it('sends the original when the sibling is a symlink, which could lead out of the folder, unless followSymlinks is set', async () => {
    const r = await get('/linked.css', { headers: { 'accept-encoding': 'gzip' } });
    expect(r.headers.getLast('content-encoding')).toBeUndefined();
    expect(r.text).toBe(CSS);
    const following = await request(new File(dir, { precompressed: true, followSymlinks: true }), { uri: '/linked.css', headers: { 'accept-encoding': 'gzip' } });
    expect(following.headers.getLast('content-encoding')).toBe('gzip');
    expect(gunzipSync(following.body).toString()).toBe('secret');
  });

  it('is off unless asked for: a File sends the original', async () => {
    const r = await request(new File(dir), { uri: '/both.css', headers: { 'accept-encoding': 'br' } });
    expect(r.headers.getLast('content-encoding')).toBeUndefined();
    expect(r.text).toBe(CSS);
  });

  it('is not compressed again by an EncodingResourceWrapper around it', async () => {
    const tree = new EncodingResourceWrapper(folder(), [new BrotliEncoderFactory(), new GzipEncoderFactory()]);
    const r = await request(tree, { uri: '/both.css', headers: { 'accept-encoding': 'br' } });
    expect(r.headers.getRawHeaders('content-encoding')).toEqual(['br']);
    expect(r.headers.getRawHeaders('vary')).toEqual(['Accept-Encoding']);
    expect(r.body.equals(brotliCompressSync(CSS))).toBe(true);
  });
});
