import { writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrotliEncoderFactory, GzipEncoderFactory } from '../../lib/encoding/encoders.ts';
import { EncodingResourceWrapper } from '../../lib/encoding/wrapper.ts';
import { isLoomError } from '../../lib/errors.ts';
import type { Request } from '../../lib/request.ts';
import { Resource } from '../../lib/resource.ts';
import { Data } from '../../lib/static/data.ts';
import { File } from '../../lib/static/file.ts';
import { Site } from '../../lib/site.ts';
import { request, type RequestOptions } from '../../lib/testing.ts';
import { rawRequest } from '../support/raw-http.ts';
import { age, makeTree } from '../support/temp-tree.ts';
import { decoded, ended, prose } from './support.ts';

/** The page of Twisted's GzipEncoderTests: "Some data", under /foo. */
function twistedTree(setup: (request: Request) => void = () => {}): EncodingResourceWrapper {
  class Page extends Resource {
    override isLeaf = true;
    render_GET(req: Request): string {
      setup(req);
      return 'Some data';
    }
  }
  const root = new Resource();
  root.putChild('foo', new Page());
  // minLength 0: Twisted compresses even nine bytes, and these cases are Twisted's.
  return new EncodingResourceWrapper(root, [new GzipEncoderFactory()], { minLength: 0 });
}

async function get(tree: EncodingResourceWrapper, options: RequestOptions) {
  const response = await request(tree, options);
  await ended(response.channel);
  return response;
}

// Twisted's test_web GzipEncoderTests, case by case.
describe('EncodingResourceWrapper with GzipEncoderFactory (Twisted GzipEncoderTests)', () => {
  it('encodes the body with gzip when the client accepts it (test_encoding)', async () => {
    const r = await get(twistedTree(), { uri: '/foo', headers: { 'accept-encoding': 'gzip,deflate' } });
    expect(r.headers.getLast('content-encoding')).toBe('gzip');
    expect(gunzipSync(r.channel.body).toString()).toBe('Some data');
  });

  it('finds gzip among codings separated by spaces (test_whitespaceInAcceptEncoding)', async () => {
    const r = await get(twistedTree(), { uri: '/foo', headers: { 'accept-encoding': 'deflate, gzip' } });
    expect(r.headers.getLast('content-encoding')).toBe('gzip');
    expect(gunzipSync(r.channel.body).toString()).toBe('Some data');
  });

  it('sends the identity, with its Content-Length, when gzip is not accepted (test_nonEncoding)', async () => {
    const r = await get(twistedTree(), { uri: '/foo', headers: { 'accept-encoding': 'foo,bar' } });
    expect(r.headers.getLast('content-encoding')).toBeUndefined();
    expect(r.headers.getLast('content-length')).toBe('9');
    expect(r.text).toBe('Some data');
  });

  it('reads every Accept-Encoding line (test_multipleAccept)', async () => {
    const r = await get(twistedTree(), { uri: '/foo', headers: [['accept-encoding', 'deflate'], ['accept-encoding', 'gzip']] });
    expect(r.headers.getLast('content-encoding')).toBe('gzip');
    expect(gunzipSync(r.channel.body).toString()).toBe('Some data');
  });

  it('leaves a body already encoded alone, where Twisted appends gzip and compresses twice (test_alreadyEncoded)', async () => {
    const tree = twistedTree((req) => req.setHeader('content-encoding', 'deflate'));
    const r = await get(tree, { uri: '/foo', headers: [['accept-encoding', 'deflate'], ['accept-encoding', 'gzip']] });
    expect(r.headers.getRawHeaders('content-encoding')).toEqual(['deflate']);
    expect(r.text).toBe('Some data');
  });

  it('leaves a body with several Content-Encoding lines alone too (test_multipleEncodingLines)', async () => {
    const tree = twistedTree((req) => req.responseHeaders.setRawHeaders('content-encoding', ['foo', 'bar']));
    const r = await get(tree, { uri: '/foo', headers: { 'accept-encoding': 'gzip' } });
    expect(r.headers.getRawHeaders('content-encoding')).toEqual(['foo', 'bar']);
    expect(r.text).toBe('Some data');
  });
});

describe('EncodingResourceWrapper', () => {
  it('wraps the children traversal finds, so wrapping the root compresses the tree', async () => {
    const root = new Resource();
    const deep = new Resource();
    root.putChild('a', deep);
    deep.putChild('b', new Data(prose(4000), 'text/plain'));
    const tree = new EncodingResourceWrapper(root, [new GzipEncoderFactory()]);
    const r = await get(tree, { uri: '/a/b', headers: { 'accept-encoding': 'gzip' } });
    expect(r.headers.getLast('content-encoding')).toBe('gzip');
    expect(decoded(r.channel).toString()).toBe(prose(4000));
  });

  it('lets the wrapper nearest the resource decide, and compresses once', async () => {
    const inner = new EncodingResourceWrapper(new Data(prose(4000), 'text/plain'), [new GzipEncoderFactory()]);
    const root = new Resource();
    root.putChild('x', inner);
    const tree = new EncodingResourceWrapper(root, [new BrotliEncoderFactory()]);
    const r = await get(tree, { uri: '/x', headers: { 'accept-encoding': 'gzip, br' } });
    expect(r.headers.getRawHeaders('content-encoding')).toEqual(['gzip']);
    expect(decoded(r.channel).toString()).toBe(prose(4000));
  });

  it('compresses once when a wrapped resource renders through another wrapper', async () => {
    const inner = new EncodingResourceWrapper(new Data(prose(4000), 'text/plain'), [new GzipEncoderFactory()]);
    class Delegating extends Resource {
      override isLeaf = true;
      override render(req: Request) {
        return inner.render(req);
      }
    }
    const tree = new EncodingResourceWrapper(new Delegating(), [new BrotliEncoderFactory()]);
    const r = await get(tree, { headers: { 'accept-encoding': 'gzip, br' } });
    expect(r.headers.getRawHeaders('content-encoding')).toEqual(['br']); // the outer wrapper's, and only it
    expect(decoded(r.channel).toString()).toBe(prose(4000));
  });

  it('uses the server order when the client weighs codings the same', async () => {
    const root = new Resource();
    root.putChild('page', new Data(prose(4000), 'text/plain'));
    const tree = new EncodingResourceWrapper(root, [new BrotliEncoderFactory(), new GzipEncoderFactory()]);
    const r = await get(tree, { uri: '/page', headers: { 'accept-encoding': 'gzip, br' } });
    expect(r.headers.getLast('content-encoding')).toBe('br');
    expect(decoded(r.channel).toString()).toBe(prose(4000));
  });

  it('refuses to be made without encoders, or with a negative minLength', () => {
    expect(() => new EncodingResourceWrapper(new Resource(), [])).toThrow(expect.objectContaining({ code: 'LOOM_ERR_INVALID_ARGUMENT' }));
    try {
      new EncodingResourceWrapper(new Resource(), [new GzipEncoderFactory()], { minLength: -1 });
      expect.unreachable();
    } catch (error) {
      expect(isLoomError(error) && error.code).toBe('LOOM_ERR_INVALID_ARGUMENT');
    }
  });
});

describe('EncodingResourceWrapper over a cached static File', () => {
  it('compresses each version of a file once per coding, and again after it changes', async () => {
    const dir = makeTree({ 'site.css': prose(20_000) }, 'loom-encoded-cache-');
    try {
      const path = dir.path('site.css');
      // An old modification time: the file cache does not keep a file modified a moment ago.
      age(path, 7200);
      let compressions = 0;
      class Counting extends GzipEncoderFactory {
        override encodeWhole(body: Uint8Array): Buffer {
          compressions++;
          return super.encodeWhole(body);
        }
      }
      const tree = new EncodingResourceWrapper(new File(dir.root), [new Counting()]);
      const fetchCss = async () => decoded((await get(tree, { uri: '/site.css', headers: { 'accept-encoding': 'gzip' } })).channel).toString();
      for (let i = 0; i < 4; i++) expect(await fetchCss()).toBe(prose(20_000));
      expect(compressions).toBe(1);
      writeFileSync(path, prose(30_000));
      age(path, 3600);
      expect(await fetchCss()).toBe(prose(30_000));
      expect(await fetchCss()).toBe(prose(30_000));
      expect(compressions).toBe(2);
    } finally {
      dir.remove();
    }
  });
});

describe('EncodingResourceWrapper over a socket: a dynamic page, whole', () => {
  // A page made anew for each request, so nothing can be a kept copy: each one is compressed.
  let served = 0;
  class Dynamic extends Resource {
    override isLeaf = true;
    render_GET(req: Request): string {
      req.setHeader('content-type', 'text/html; charset=utf-8');
      served++;
      return `<p>request ${served}</p>` + prose(20_000);
    }
  }
  let site: Site;
  let port: number;

  beforeAll(async () => {
    site = new Site(new EncodingResourceWrapper(new Dynamic(), [new GzipEncoderFactory()]));
    port = (await site.listen('tcp:0:interface=127.0.0.1')).address.port;
  });

  afterAll(() => site.close());

  it('sends each page compressed in one go, with the exact Content-Length and no chunking', async () => {
    // One factory, one kept compressor: page after page must come out whole and separate.
    for (let i = 0; i < 5; i++) {
      const r = await rawRequest(port, '/', { headers: { 'accept-encoding': 'gzip' } });
      expect(r.headers['content-encoding']).toBe('gzip');
      expect(r.headers['transfer-encoding']).toBeUndefined();
      expect(r.headers['content-length']).toBe(String(r.body.byteLength));
      expect(gunzipSync(r.body).toString()).toBe(`<p>request ${served}</p>` + prose(20_000));
    }
  });

  it('answers HEAD with the coding GET would have, and no body', async () => {
    const r = await rawRequest(port, '/', { method: 'HEAD', headers: { 'accept-encoding': 'gzip' } });
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(r.headers['vary']).toBe('Accept-Encoding');
    expect(r.body.byteLength).toBe(0);
  });
});
