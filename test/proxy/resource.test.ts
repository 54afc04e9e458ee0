/**
 * The proxy resources (lib/proxy/resource.ts): how a reverse proxy maps its part of the URL
 * space onto the upstream's, and how a forward proxy reads absolute URIs. The upstream
 * is a real node:http server on port 0; the path-mapping tests send in-memory requests
 * through a Site (lib/testing), the forward proxy gets real proxy requests.
 */
import net from 'node:net';
import { Agent, Pool } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isLoomError } from '../../lib/errors.ts';
import { ForwardProxyResource, ReverseProxyResource, parseProxyTarget } from '../../lib/proxy/resource.ts';
import { ProxyClientFactory } from '../../lib/proxy/client.ts';
import { Resource } from '../../lib/resource.ts';
import { makeRequest, request, testSite } from '../../lib/testing.ts';
import { exchange } from '../support/raw-http.ts';
import { headerValues, send, startBackend, startSite, type Backend } from '../support/proxy-backend.ts';

let backend: Backend;
const factory = new ProxyClientFactory();

beforeAll(async () => {
  backend = await startBackend();
});

afterEach(() => backend.reset());

afterAll(async () => {
  await factory.close();
  await backend.close();
});

/** A Site whose `/rp` is a reverse proxy for `/echo` on the backend. */
function mounted(path = '/echo'): ReturnType<typeof testSite> {
  const root = new Resource();
  root.putChild('rp', new ReverseProxyResource('127.0.0.1', backend.port, path, factory));
  return testSite(root);
}

/** The target the backend saw for an in-memory request to `uri`. */
async function upstreamTarget(uri: string, path?: string): Promise<string> {
  const response = await request(mounted(path), { uri });
  expect(response.code, response.text).toBe(200);
  return (JSON.parse(response.text) as { url: string }).url;
}

describe('ReverseProxyResource', () => {
  it('maps the resource itself to its path, exactly', async () => {
    expect(await upstreamTarget('/rp')).toBe('/echo');
  });

  it('maps a trailing slash to the path plus a slash', async () => {
    expect(await upstreamTarget('/rp/')).toBe('/echo/');
  });

  it('appends each segment below it, re-quoted', async () => {
    expect(await upstreamTarget('/rp/a/b')).toBe('/echo/a/b');
    expect(await upstreamTarget('/rp/sub%20dir/x')).toBe('/echo/sub%20dir/x');
    expect(await upstreamTarget('/rp/caf%C3%A9')).toBe('/echo/caf%C3%A9');
  });

  it('keeps an encoded slash inside one segment (%2F goes out as %2F)', async () => {
    expect(await upstreamTarget('/rp/a%2Fb/c')).toBe('/echo/a%2Fb/c');
  });

  it('passes the query string on as it was sent', async () => {
    expect(await upstreamTarget('/rp/x?y=1&z=%20&z=2')).toBe('/echo/x?y=1&z=%20&z=2');
    expect(await upstreamTarget('/rp?only=query')).toBe('/echo?only=query');
  });

  it('maps the upstream root with the empty path', async () => {
    expect(await upstreamTarget('/rp', '')).toBe('/');
    expect(await upstreamTarget('/rp/', '')).toBe('/');
    expect(await upstreamTarget('/rp/deeper', '')).toBe('/deeper');
  });

  it('forwards any method, not only GET and POST', async () => {
    const response = await request(mounted(), { uri: '/rp/item', method: 'DELETE' });
    expect((JSON.parse(response.text) as { method: string }).method).toBe('DELETE');
  });

  it('makes children that share its factory, and so its connections', () => {
    const parent = new ReverseProxyResource('127.0.0.1', backend.port, '/base', factory);
    const child = parent.getChild('x y', makeRequest());
    expect(child).toBeInstanceOf(ReverseProxyResource);
    expect([child.host, child.port, child.path]).toEqual(['127.0.0.1', backend.port, '/base/x%20y']);
    expect(child.factory).toBe(parent.factory);
  });

  it('lets a static child take over part of the space', async () => {
    const site = mounted();
    const proxy = site.resource.getChildWithDefault('rp', makeRequest()) as ReverseProxyResource;
    const local = new Resource();
    Object.assign(local, { isLeaf: true, render_GET: () => 'local' });
    proxy.putChild('here', local);
    expect((await request(site, { uri: '/rp/here' })).text).toBe('local');
  });

  it('sends Host without the port when the upstream port is 80', async () => {
    // A pool that dials the backend whatever the address: the test needs no port 80.
    const pool = new Pool('http://upstream.example:80', {
      connect: (_options, done) => {
        const socket = net.connect(backend.port, '127.0.0.1');
        socket.once('connect', () => done(null, socket)).once('error', (error) => done(error, null));
        return socket;
      },
    });
    const proxy = new ReverseProxyResource('upstream.example', 80, '/x', { dispatcher: pool });
    const response = await request(testSite(proxy), { uri: '/' });
    expect(headerValues((JSON.parse(response.text) as { rawHeaders: string[] }).rawHeaders, 'host')).toEqual(['upstream.example']);
    await pool.destroy();
  });

  it('refuses a bad host, port or path with a message saying what to give', () => {
    const cases: [string, number, string][] = [['', 80, ''], ['h', 0, ''], ['h', 70000, ''], ['h', 1.5, ''], ['h', 80, 'echo']];
    for (const [host, port, path] of cases) {
      let caught: unknown;
      try {
        new ReverseProxyResource(host, port, path);
      } catch (error) {
        caught = error;
      }
      expect(isLoomError(caught, 'LOOM_ERR_INVALID_ARGUMENT'), `${host} ${port} ${path}`).toBe(true);
    }
  });
});

describe('ForwardProxyResource', () => {
  it('fetches an absolute http:// URI for a real proxy client, with the Host of the URI', async () => {
    const proxy = new ForwardProxyResource();
    const front = await startSite(proxy);
    try {
      const response = await send(front.port, `http://127.0.0.1:${backend.port}/page?q=1`, { headers: ['Host', 'elsewhere.example'] });
      const seen = JSON.parse(response.text) as { url: string; rawHeaders: string[] };
      expect(response.status).toBe(200);
      expect(seen.url).toBe('/page?q=1');
      // RFC 9112 §3.2.2: the URI's host wins over the client's Host header.
      expect(headerValues(seen.rawHeaders, 'host')).toEqual([`127.0.0.1:${backend.port}`]);
      // A forward proxy does not tell strangers who its clients are, unless asked.
      expect(headerValues(seen.rawHeaders, 'x-forwarded-for')).toEqual([]);
    } finally {
      await front.site.close();
      await proxy.close();
    }
  });

  it('forwards the method and body of a POST, and adds X-Forwarded-For when asked', async () => {
    const dispatcher = new Agent();
    afterAll(() => dispatcher.destroy());
    const proxy = new ForwardProxyResource({ dispatcher, xForwarded: true });
    const response = await request(testSite(proxy), { uri: `http://127.0.0.1:${backend.port}/submit`, method: 'POST', body: 'x=1' });
    const seen = JSON.parse(response.text) as { method: string; url: string; body: string; rawHeaders: string[] };
    expect([seen.method, seen.url, seen.body]).toEqual(['POST', '/submit', 'x=1']);
    expect(headerValues(seen.rawHeaders, 'x-forwarded-for')).toEqual(['192.168.1.1']);
  });

  it('asks for / when the URI has no path', async () => {
    const proxy = new ForwardProxyResource(factory);
    const response = await request(testSite(proxy), { uri: `http://127.0.0.1:${backend.port}` });
    expect((JSON.parse(response.text) as { url: string }).url).toBe('/');
  });

  it('answers 400 to a request that is not for an absolute URI', async () => {
    const response = await request(testSite(new ForwardProxyResource(factory)), { uri: '/local/path' });
    expect(response.code).toBe(400);
    expect(response.text).toContain('absolute URI');
  });

  it('answers 400 to a scheme other than http', async () => {
    const response = await request(testSite(new ForwardProxyResource(factory)), { uri: 'ftp://example.com/file' });
    expect(response.code).toBe(400);
    expect(response.text).toContain('http:// URLs only');
  });

  it('answers 501 to a CONNECT on a connection that cannot carry a tunnel (an in-memory one)', async () => {
    const response = await request(testSite(new ForwardProxyResource(factory)), { uri: 'example.com:443', method: 'CONNECT' });
    expect(response.code).toBe(501);
    expect(response.text).toContain('cannot carry a tunnel');
  });

  it('answers 502 when the URI names a host that is not there', async () => {
    const gone = await startBackend();
    const port = gone.port;
    await gone.close();
    const response = await request(testSite(new ForwardProxyResource(factory)), { uri: `http://127.0.0.1:${port}/` });
    expect(response.code).toBe(502);
  });
});

// Node gives CONNECT to a 'connect' listener with the bare socket, never to the request
// handler; lib/site.ts answers it through the resource tree as Twisted does.
describe('CONNECT on a live Site', () => {
  const connect = 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n';

  it('reaches the forward proxy, which refuses a port it does not tunnel to with 403 and closes (tunnels: test/proxy/tunnel.test.ts)', async () => {
    const front = await startSite(new ForwardProxyResource(factory));
    try {
      const raw = await exchange(front.port, 'CONNECT example.com:25 HTTP/1.1\r\nHost: example.com:25\r\n\r\n');
      expect(raw).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
      expect(raw).toContain('only opens tunnels to port 443');
    } finally {
      await front.site.close();
    }
  });

  it('gets Twisted\'s 501 from a resource that does not render CONNECT, instead of a silent close', async () => {
    const page = new Resource();
    Object.assign(page, { isLeaf: true, render_GET: () => 'page' });
    const front = await startSite(page);
    try {
      expect(await exchange(front.port, connect)).toMatch(/^HTTP\/1\.1 501 Not Implemented\r\n/);
    } finally {
      await front.site.close();
    }
  });
});

describe('parseProxyTarget', () => {
  it('splits host, port and path, defaulting to port 80 and path /', () => {
    expect(parseProxyTarget('http://example.com/a/b?c=d')).toEqual({ host: 'example.com', port: 80, hostHeader: 'example.com', path: '/a/b?c=d' });
    expect(parseProxyTarget('HTTP://Example.com:8080')).toEqual({ host: 'Example.com', port: 8080, hostHeader: 'Example.com:8080', path: '/' });
    expect(parseProxyTarget('http://example.com?q').path).toBe('/?q');
  });

  it('reads a bracketed IPv6 address and brackets it again in Host', () => {
    expect(parseProxyTarget('http://[::1]:8080/x')).toEqual({ host: '::1', port: 8080, hostHeader: '[::1]:8080', path: '/x' });
  });

  it('drops user:password@ and the fragment', () => {
    expect(parseProxyTarget('http://user:pw@example.com/p#frag')).toEqual({ host: 'example.com', port: 80, hostHeader: 'example.com', path: '/p' });
  });

  it('does not normalise the path (dot segments are the origin\'s business)', () => {
    expect(parseProxyTarget('http://example.com/a/../b').path).toBe('/a/../b');
  });

  it('refuses a target with no host or a port out of range, with a 400', () => {
    for (const uri of ['http:///path', 'http://example.com:0/', 'http://example.com:99999/', 'http://exa mple.com:x/']) {
      let caught: unknown;
      try {
        parseProxyTarget(uri);
      } catch (error) {
        caught = error;
      }
      expect(isLoomError(caught, 'LOOM_ERR_BAD_REQUEST') && caught.status === 400, uri).toBe(true);
    }
  });
});
