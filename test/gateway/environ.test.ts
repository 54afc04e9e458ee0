import { describe, expect, it } from 'vitest';
import { completeEnviron, environFromCgi, environFromRequest, joinSegments } from '../../lib/gateway/environ.ts';
import { BlockingInput, LogErrorStream } from '../../lib/gateway/input.ts';
import { GATEWAY_VERSION } from '../../lib/gateway/spec.ts';
import { getChildForRequest } from '../../lib/resource.ts';
import { Resource } from '../../lib/resource.ts';
import { makeRequest, type RequestOptions } from '../../lib/testing.ts';

/** A request as traversal leaves it at a gateway mounted at /app (a leaf). */
function atMount(options: RequestOptions) {
  const root = new Resource();
  const leaf = new Resource();
  leaf.isLeaf = true;
  root.putChild('app', leaf);
  const request = makeRequest(options);
  getChildForRequest(root, request);
  return request;
}

describe('environFromRequest', () => {
  it('sets every CGI variable, each a string', () => {
    const env = environFromRequest(atMount({ method: 'POST', uri: '/app/x?a=1&b=%20', body: 'abc',
      headers: { Host: 'example.com:8080', 'Content-Type': 'text/plain' } }));
    expect(env).toMatchObject({
      REQUEST_METHOD: 'POST', SCRIPT_NAME: '/app', PATH_INFO: '/x', QUERY_STRING: 'a=1&b=%20',
      CONTENT_TYPE: 'text/plain', CONTENT_LENGTH: '3', SERVER_NAME: 'example.com', SERVER_PORT: '80',
      SERVER_PROTOCOL: 'HTTP/1.1', REMOTE_ADDR: '192.168.1.1', REMOTE_PORT: '12344', 'gateway.url_scheme': 'http',
    });
    for (const value of Object.values(env)) expect(typeof value).toBe('string');
  });

  it('takes SCRIPT_NAME from prepath and PATH_INFO from postpath, decoded', () => {
    const env = environFromRequest(atMount({ uri: '/app/p%20q/r%2Fs' }));
    expect([env.SCRIPT_NAME, env.PATH_INFO]).toEqual(['/app', '/p q/r/s']);
  });

  it('gives an empty SCRIPT_NAME at the root and an empty PATH_INFO at the mount point', () => {
    const leaf = new Resource();
    leaf.isLeaf = true;
    const atRoot = makeRequest({ uri: '/x/y' });
    getChildForRequest(leaf, atRoot);
    expect([environFromRequest(atRoot).SCRIPT_NAME, environFromRequest(atRoot).PATH_INFO]).toEqual(['', '/x/y']);
    const env = environFromRequest(atMount({ uri: '/app' }));
    expect([env.SCRIPT_NAME, env.PATH_INFO]).toEqual(['/app', '']);
    expect(environFromRequest(atMount({ uri: '/app/' })).PATH_INFO).toBe('/');
    expect(joinSegments([])).toBe('');
  });

  it('gives empty strings for a missing query, Content-Type and Content-Length', () => {
    const env = environFromRequest(atMount({ uri: '/app' }));
    expect([env.QUERY_STRING, env.CONTENT_TYPE, env.CONTENT_LENGTH]).toEqual(['', '', '']);
  });

  it('turns every header into HTTP_*, joining repeats with a comma and newlines into spaces', () => {
    const env = environFromRequest(atMount({ uri: '/app', headers: [['X-Multi', 'a'], ['X-Multi', 'b'], ['User-Agent', 'curl'], ['X-Folded', 'one\ntwo']] }));
    expect(env.HTTP_X_MULTI).toBe('a,b');
    expect(env.HTTP_USER_AGENT).toBe('curl');
    expect(env.HTTP_X_FOLDED).toBe('one two');
  });

  it('leaves Content-Type and Content-Length out of HTTP_* (they have their own variables)', () => {
    const env = environFromRequest(atMount({ method: 'POST', uri: '/app', body: 'x', headers: { 'Content-Type': 'text/plain' } }));
    expect(env.HTTP_CONTENT_TYPE).toBeUndefined();
    expect(env.HTTP_CONTENT_LENGTH).toBeUndefined();
  });

  it('drops a header with an underscore, so a client cannot pose as a header a proxy sets (security)', () => {
    const env = environFromRequest(atMount({ uri: '/app', headers: { 'X_Forwarded_User': 'admin' } }));
    expect(env.HTTP_X_FORWARDED_USER).toBeUndefined();
  });

  it('gives IPv6 client addresses as they are, and https for a secure request', () => {
    const env = environFromRequest(atMount({ uri: '/app', secure: true, client: { type: 'IPv6', host: '::1', port: 50000 } }));
    expect([env.REMOTE_ADDR, env.REMOTE_PORT, env['gateway.url_scheme']]).toEqual(['::1', '50000', 'https']);
  });

  it('takes SERVER_PORT from the socket and SERVER_NAME from the Host header', () => {
    const env = environFromRequest(atMount({ uri: '/app', headers: { Host: '[::1]:9999' }, host: { type: 'IPv4', host: '10.0.0.1', port: 8080 } }));
    expect([env.SERVER_NAME, env.SERVER_PORT]).toEqual(['::1', '8080']);
  });
});

describe('environFromCgi', () => {
  it('keeps the request\'s variables and leaves the rest of a process environment out', () => {
    const env = environFromCgi({ REQUEST_METHOD: 'POST', PATH_INFO: '/x', HTTP_HOST: 'h', PATH: '/usr/bin', SECRET: 's', REMOTE_ADDR: '1.2.3.4' });
    expect(env).toMatchObject({ REQUEST_METHOD: 'POST', PATH_INFO: '/x', HTTP_HOST: 'h', REMOTE_ADDR: '1.2.3.4', SCRIPT_NAME: '', QUERY_STRING: '' });
    expect(env.PATH).toBeUndefined();
    expect(env.SECRET).toBeUndefined();
  });

  it('turns a SCRIPT_NAME of "/" into "" and moves the slash to PATH_INFO', () => {
    expect(environFromCgi({ SCRIPT_NAME: '/', PATH_INFO: 'x' })).toMatchObject({ SCRIPT_NAME: '', PATH_INFO: '/x' });
  });

  it('reads HTTPS=on as the https scheme', () => {
    expect(environFromCgi({ HTTPS: 'on' })['gateway.url_scheme']).toBe('https');
    expect(environFromCgi({})['gateway.url_scheme']).toBe('http');
  });

  it('drops HTTP_CONTENT_TYPE and HTTP_CONTENT_LENGTH if a front end sends them', () => {
    const env = environFromCgi({ CONTENT_TYPE: 'a/b', HTTP_CONTENT_TYPE: 'a/b', HTTP_CONTENT_LENGTH: '3' });
    expect(env.HTTP_CONTENT_TYPE).toBeUndefined();
    expect(env.HTTP_CONTENT_LENGTH).toBeUndefined();
  });
});

describe('completeEnviron', () => {
  it('adds the gateway.* keys', () => {
    const input = BlockingInput.of('');
    const errors = new LogErrorStream(() => {});
    const env = completeEnviron({ 'gateway.url_scheme': 'https' }, input, errors, { multithread: true, multiprocess: false, runOnce: false });
    expect(env['gateway.version']).toBe(GATEWAY_VERSION);
    expect(env['gateway.version']).toEqual([1, 0]);
    expect(env['gateway.url_scheme']).toBe('https');
    expect(env['gateway.input']).toBe(input);
    expect(env['gateway.errors']).toBe(errors);
    expect([env['gateway.multithread'], env['gateway.multiprocess'], env['gateway.run_once']]).toEqual([true, false, false]);
  });
});
