/**
 * The proxy's header rules (lib/proxy/headers.ts) on in-memory requests; the same rules
 * over real connections are in test/proxy/client.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { copyResponseHead, upstreamHeaders } from '../../lib/proxy/headers.ts';
import { makeRequest } from '../../lib/testing.ts';

describe('upstreamHeaders', () => {
  it('adds no X-Forwarded-* with xForwarded: false, and passes the client\'s on', () => {
    const request = makeRequest({ headers: [['Host', 'a.example'], ['X-Forwarded-For', '10.1.1.1'], ['Connection', 'close']] });
    expect(upstreamHeaders(request, 'up:8080', false)).toEqual(['Host', 'up:8080', 'X-Forwarded-For', '10.1.1.1']);
    expect(upstreamHeaders(request, 'up:8080', true)).toEqual(['Host', 'up:8080',
      'X-Forwarded-For', '10.1.1.1, 192.168.1.1', 'X-Forwarded-Host', 'a.example', 'X-Forwarded-Proto', 'http']);
  });

  it('drops hop-by-hop headers and the names Connection lists, and keeps every value of a repeat', () => {
    const request = makeRequest({ headers: [['Host', 'a'], ['Connection', 'X-Secret, keep-alive'], ['X-Secret', 's'], ['Keep-Alive', '5'],
      ['TE', 'trailers'], ['Upgrade', 'h2c'], ['Proxy-Connection', 'x'], ['Accept', 'a'], ['accept', 'b']] });
    expect(upstreamHeaders(request, 'up', false)).toEqual(['Host', 'up', 'Accept', 'a', 'Accept', 'b']);
  });

  it('sends the length of the body as read, for a chunked one too, and no Expect', () => {
    const request = makeRequest({ method: 'POST', body: 'hello', headers: [['Transfer-Encoding', 'chunked'], ['Expect', '100-continue']] });
    expect(upstreamHeaders(request, 'up', false)).toEqual(['Host', 'up', 'Content-Length', '5']);
  });
});

describe('copyResponseHead', () => {

  it('copies status, phrase and headers, and turns off the default Content-Type', () => {
    const request = makeRequest({});
    copyResponseHead(request, 418, 'Teapot', ['Set-Cookie', 'a=1', 'Set-Cookie', 'b=2', 'X-Up', 'yes'].map((h) => Buffer.from(h, 'latin1')));
    expect([request.code, request.codeMessage, request.defaultContentType]).toEqual([418, 'Teapot', null]);
    expect(request.responseHeaders.getRawHeaders('set-cookie')).toEqual(['a=1', 'b=2']);
  });

  it('drops hop-by-hop response headers and the names Connection lists', () => {
    const request = makeRequest({});
    copyResponseHead(request, 200, 'OK', ['Connection', 'X-Private', 'X-Private', 'p', 'Transfer-Encoding', 'chunked', 'Keep-Alive', 'timeout=5', 'X-Kept', 'k']);
    expect([...request.responseHeaders.getAllRawHeaders()].map(([name]) => name.toLowerCase())).toEqual(['x-kept']);
  });
});
