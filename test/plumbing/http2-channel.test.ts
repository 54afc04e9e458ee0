/**
 * HTTP/2's head in the form a Request reads, and a response's headers in the form
 * node:http2 takes. The channel itself is tested on real connections in
 * test/site.tls.test.ts (curl, nghttp, Node's client, Chromium in site.browser-h2.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { http2BodyLength, http2Head, http2Headers } from '../../lib/plumbing/http2-channel.ts';
import type { ServerHttp2Stream } from 'node:http2';

describe('http2Head', () => {
  it('takes the method and path from the pseudo-headers and the Host from :authority, leaving the pseudo-headers out', () => {
    const head = http2Head([':method', 'POST', ':path', '/form?x=1', ':scheme', 'https', ':authority', 'example.com', 'content-type', 'text/plain']);
    expect(head).toEqual({ method: 'POST', url: '/form?x=1', httpVersion: '2', rawHeaders: ['host', 'example.com', 'content-type', 'text/plain'] });
  });

  it('drops a host header when :authority was sent (RFC 9113 §8.3.1 says they must agree; :authority wins)', () => {
    const head = http2Head([':method', 'GET', ':path', '/', ':authority', 'a.example', 'host', 'b.example']);
    expect(head.rawHeaders).toEqual(['host', 'a.example']);
  });

  it('takes a CONNECT\'s target from :authority, as HTTP/1.1 takes it from the request line (a CONNECT has no :path)', () => {
    const head = http2Head([':method', 'CONNECT', ':authority', 'example.com:443']);
    expect(head).toEqual({ method: 'CONNECT', url: 'example.com:443', httpVersion: '2', rawHeaders: ['host', 'example.com:443'] });
  });

  it('keeps a host header when there is no :authority', () => {
    const head = http2Head([':method', 'GET', ':path', '/', 'host', 'b.example']);
    expect(head.rawHeaders).toEqual(['host', 'b.example']);
  });
});

describe('http2BodyLength', () => {
  const stream = (endAfterHeaders: boolean) => ({ endAfterHeaders }) as ServerHttp2Stream;
  it('is the Content-Length when one was sent', () => {
    expect(http2BodyLength(stream(false), { 'content-length': '42' })).toBe(42);
  });
  it('is 0 when the HEADERS frame ended the stream, and 1 (read to find out) otherwise', () => {
    expect(http2BodyLength(stream(true), {})).toBe(0);
    expect(http2BodyLength(stream(false), {})).toBe(1);
  });
});

describe('http2Headers', () => {
  it('lower-cases names and keeps a repeated name (Set-Cookie) as an array of its values, in order', () => {
    const headers = http2Headers(['Content-Type', 'text/html', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2', 'Set-Cookie', 'c=3']);
    expect({ ...headers }).toEqual({ 'content-type': 'text/html', 'set-cookie': ['a=1', 'b=2', 'c=3'] });
  });

  it('leaves out the connection headers HTTP/2 forbids (RFC 9113 §8.2.2)', () => {
    const headers = http2Headers(['Connection', 'keep-alive', 'Keep-Alive', 'timeout=5', 'Transfer-Encoding', 'chunked', 'Upgrade', 'h2c',
      'Proxy-Connection', 'close', 'Content-Length', '2']);
    expect({ ...headers }).toEqual({ 'content-length': '2' });
  });

  it('keeps a header named __proto__ or constructor as a header, and inherits nothing from Object.prototype (security)', () => {
    const headers = http2Headers(['__proto__', 'x', 'Constructor', 'y', 'Server', 'Loom']);
    expect(Object.keys(headers)).toEqual(['__proto__', 'constructor', 'server']);
    expect(Object.getOwnPropertyDescriptor(headers, '__proto__')?.value).toBe('x');
    expect(headers.constructor).toBe('y');
    expect('toString' in headers).toBe(false);
    expect(Object.getPrototypeOf(Object.getPrototypeOf(headers))).toBe(null);
  });
});
