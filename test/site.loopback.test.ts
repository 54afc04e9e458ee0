/**
 * A real Site on 127.0.0.1 (and a UNIX socket), driven over real connections: what
 * only the wire shows. Every server listens on port 0; tests wait for events, never
 * for timers.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_DONE_YET, Resource, type IResource } from '../lib/resource.ts';
import type { Request } from '../lib/request.ts';
import { Site, type ListeningPort } from '../lib/site.ts';
import { memoryLogger } from '../lib/testing.ts';
import { connect, exchange, statusLines } from './support/raw-http.ts';

/** A promise plus its resolver, to hand control between a resource and a test. */
function signal<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

class Hello extends Resource {
  override isLeaf = true;
  render_GET() {
    return 'Hello, world!';
  }
}

class Body extends Resource {
  override isLeaf = true;
  /** Whether the last body was in a temporary file while the resource read it. */
  lastSpooled: boolean | null = null;
  render_POST(req: Request) {
    this.lastSpooled = req.content.spooled;
    return `${req.content.length} ${createHash('sha1').update(req.content.bytes()).digest('hex')}`;
  }
}

const gates = { slowRendered: signal(), fastRendered: signal(), heldRendered: signal(), release: signal() };
const lost = { notice: signal<unknown>(), wrote: signal() };

class Slow extends Resource {
  override isLeaf = true;
  render_GET(req: Request) {
    gates.slowRendered.resolve();
    gates.fastRendered.promise.then(() => {
      req.write('slow');
      req.finish();
    });
    return NOT_DONE_YET;
  }
}

class Fast extends Resource {
  override isLeaf = true;
  render_GET() {
    gates.fastRendered.resolve();
    return 'fast';
  }
}

class Dripping extends Resource {
  override isLeaf = true;
  render_GET(req: Request) {
    req.notifyFinish().then(() => lost.notice.resolve('finished'), (error: unknown) => lost.notice.resolve(error));
    req.write('first part');
    lost.wrote.resolve();
    return NOT_DONE_YET;
  }
}

class Held extends Resource {
  override isLeaf = true;
  render_GET(req: Request) {
    gates.heldRendered.resolve();
    gates.release.promise.then(() => {
      req.write('released');
      req.finish();
    });
    return NOT_DONE_YET;
  }
}

class Throws extends Resource {
  override isLeaf = true;
  render_GET(): string {
    throw new Error('boom');
  }
}

class WhoAmI extends Resource {
  override isLeaf = true;
  render_GET(req: Request) {
    return JSON.stringify({ client: req.getClientAddress(), host: req.getHost(), url: req.prePathURL() });
  }
}

const body = new Body();
let site: Site;
let port: ListeningPort;
let base: string;

function root(): IResource {
  const r = new Resource();
  for (const [name, child] of Object.entries({ hello: new Hello(), body, slow: new Slow(), fast: new Fast(), drip: new Dripping(), throws: new Throws(), who: new WhoAmI() })) r.putChild(name, child);
  return r;
}

beforeAll(async () => {
  site = new Site(root(), { logger: memoryLogger(), maxBodySize: 64 * 1024, spoolThreshold: 1024 });
  port = await site.listen('tcp:0:interface=127.0.0.1');
  base = port.url;
});

afterAll(async () => {
  await site.close();
});

describe('a Site over loopback', () => {
  it('answers hello world and keeps the connection alive for the next request', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<unknown>();
    for (let i = 0; i < 3; i++) {
      const res = await new Promise<http.IncomingMessage>((resolve, reject) => http.get(`${base}hello`, { agent }, resolve).on('error', reject));
      sockets.add(res.socket);
      let text = '';
      for await (const chunk of res) text += chunk;
      expect(res.statusCode).toBe(200);
      expect(text).toBe('Hello, world!');
      expect(res.headers['content-length']).toBe('13');
    }
    expect(sockets.size).toBe(1);
    agent.destroy();
  });

  it('answers pipelined requests in order, even when the first finishes last', async () => {
    const text = await exchange(port.address.port, 'GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(statusLines(text)).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK']);
    expect(text.indexOf('slow')).toBeLessThan(text.indexOf('fast'));
    await gates.slowRendered.promise;
  });

  it('sends headers but no body for HEAD', async () => {
    const text = await exchange(port.address.port, 'HEAD /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(text).toContain('Content-Length: 13\r\n');
    expect(text.endsWith('\r\n\r\n')).toBe(true);
  });

  it('answers 405 for POST to a GET-only resource and 501 for PUT', async () => {
    const post = await fetch(`${base}hello`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const put = await fetch(`${base}hello`, { method: 'PUT', body: 'x' });
    expect(put.status).toBe(501);
  });

  it('reads a body with a Content-Length, spooling a large one to a temporary file', async () => {
    const data = Buffer.alloc(40_000, 7);
    const res = await fetch(`${base}body`, { method: 'POST', body: data });
    expect(await res.text()).toBe(`40000 ${createHash('sha1').update(data).digest('hex')}`);
    expect(body.lastSpooled).toBe(true); // 40 000 bytes > this Site's 1024-byte threshold
    await fetch(`${base}body`, { method: 'POST', body: 'small' });
    expect(body.lastSpooled).toBe(false);
  });

  it('reads a chunked body', async () => {
    const text = await exchange(port.address.port,
      'POST /body HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n');
    expect(text).toContain(`11 ${createHash('sha1').update('hello world').digest('hex')}`);
  });

  it('answers 413 at once for a declared length over the cap, reads none of it, and closes', async () => {
    const text = await exchange(port.address.port, `POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: ${1024 * 1024}\r\n\r\nonly a little`);
    expect(statusLines(text)).toEqual(['HTTP/1.1 413 Payload Too Large']);
    expect(text).toContain('larger than this server accepts (65536 bytes)');
    expect(text).toContain('Connection: close');
  });

  it('answers 413 as soon as a chunked body passes the cap, and closes', async () => {
    const chunk = `${(40 * 1024).toString(16)}\r\n${'a'.repeat(40 * 1024)}\r\n`;
    const text = await exchange(port.address.port, ['POST /body HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n', chunk, chunk, chunk]);
    expect(statusLines(text)).toEqual(['HTTP/1.1 413 Payload Too Large']);
  });

  it('answers Expect: 100-continue with 100 for an acceptable body, 413 without 100 for one too large', async () => {
    const ok = await connect(port.address.port);
    ok.socket.write('POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n');
    expect(await ok.readUntil('\r\n\r\n')).toBe('HTTP/1.1 100 Continue\r\n\r\n');
    ok.socket.write('abc');
    expect(await ok.readUntil('a9993e36')).toContain('HTTP/1.1 200 OK');

    const big = await exchange(port.address.port, `POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 999999\r\nExpect: 100-continue\r\n\r\n`);
    expect(statusLines(big)).toEqual(['HTTP/1.1 413 Payload Too Large']);
  });

  it('rejects notifyFinish when the client disconnects mid-response', async () => {
    const c = await connect(port.address.port);
    c.socket.write('GET /drip HTTP/1.1\r\nHost: x\r\n\r\n');
    await c.readUntil('first part');
    c.socket.destroy();
    const outcome = await lost.notice.promise;
    expect(outcome).toMatchObject({ code: 'LOOM_ERR_CONNECTION_LOST' });
  });

  it('keeps serving after a resource throws', async () => {
    expect((await fetch(`${base}throws`)).status).toBe(500);
    expect(await (await fetch(`${base}hello`)).text()).toBe('Hello, world!');
  });

  it('answers malformed requests with 400 and closes the connection', async () => {
    for (const bad of ['GET / HTTP/1.1\r\nHost x\r\n\r\n', 'GET / HTTP/1.1\r\nHost : x\r\n\r\n', 'GET / HTTP/1.2\r\n\r\n',
      'POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\na', 'POST / HTTP/1.1\r\nContent-Length: +1\r\n\r\na',
      'POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 'POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n',
      'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 'GET / HTTP/1.1\r\nX: a\x00b\r\n\r\n']) {
      const text = await exchange(port.address.port, bad);
      expect(statusLines(text), JSON.stringify(bad)).toEqual(['HTTP/1.1 400 Bad Request']);
    }
  });

  it('refuses HTTP/2.0 on an HTTP/1 connection with 400, as Twisted does', async () => {
    const text = await exchange(port.address.port, 'GET /hello HTTP/2.0\r\nHost: x\r\n\r\n');
    expect(statusLines(text)).toEqual(['HTTP/1.1 400 Bad Request']);
  });

  it('answers a header block over 16 KiB with 431', async () => {
    const text = await exchange(port.address.port, `GET / HTTP/1.1\r\nX: ${'a'.repeat(17_000)}\r\n\r\n`);
    expect(statusLines(text)).toEqual(['HTTP/1.1 431 Request Header Fields Too Large']);
  });

  it('never keeps an HTTP/1.0 connection alive, even when asked to', async () => {
    const text = await exchange(port.address.port, 'GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    expect(text).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(text).toContain('Connection: close');
  });

  it('answers 400 to an HTTP/1.1 request with no Host header (RFC 9112 §3.2), and serves HTTP/1.0 without one', async () => {
    const text = await exchange(port.address.port, 'GET /hello HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(statusLines(text)).toEqual(['HTTP/1.1 400 Bad Request']);
    expect(statusLines(await exchange(port.address.port, 'GET /hello HTTP/1.0\r\n\r\n'))).toEqual(['HTTP/1.1 200 OK']);
  });

  it('reports the real client and local addresses, and the socket port in prePathURL', async () => {
    // fetch() may not set Host, so this one goes over a raw socket.
    const text = await exchange(port.address.port, 'GET /who HTTP/1.1\r\nHost: example.test:9999\r\nConnection: close\r\n\r\n');
    const info = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as { client: { type: string; host: string }; host: { port: number }; url: string };
    expect(info.client).toMatchObject({ type: 'IPv4', host: '127.0.0.1' });
    expect(info.host.port).toBe(port.address.port);
    expect(info.url).toBe(`http://example.test:${port.address.port}/who`);
  });
});

describe('Site.listen', () => {
  it('fails on a busy port with a message naming the port', async () => {
    const other = new Site(new Hello());
    await expect(other.listen(`tcp:${port.address.port}:interface=127.0.0.1`)).rejects.toMatchObject({
      code: 'LOOM_ERR_ADDRESS_IN_USE',
      message: expect.stringContaining(`port ${port.address.port} on 127.0.0.1`),
    });
  });

  it('shows localhost in the URL when listening on every interface', async () => {
    const everywhere = new Site(new Hello());
    try {
      const listening = await everywhere.listen('tcp:0');
      expect(listening.url).toBe(`http://localhost:${listening.address.port}/`);
      expect(await (await fetch(listening.url)).text()).toBe('Hello, world!');
    } finally {
      await everywhere.close();
    }
  });

  it('refuses an endpoint it cannot parse', async () => {
    await expect(new Site(new Hello()).listen('tcp:notaport')).rejects.toMatchObject({ code: 'LOOM_ERR_BAD_ENDPOINT' });
  });

  it('listens on a UNIX socket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-unix-'));
    const path = join(dir, 'web.sock');
    const unixSite = new Site(new Hello());
    try {
      const listening = await unixSite.listen(`unix:${path}`);
      expect(listening.address).toEqual({ type: 'UNIX', host: path, port: 0 });
      const text = await new Promise<string>((resolve, reject) => {
        http.get({ socketPath: path, path: '/' }, (res) => {
          let t = '';
          res.on('data', (d) => (t += d));
          res.on('end', () => resolve(t));
        }).on('error', reject);
      });
      expect(text).toBe('Hello, world!');
    } finally {
      await unixSite.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lets a request in flight finish when closing, then stops accepting', async () => {
    const closing = new Site(new Held());
    const listening = await closing.listen('tcp:0:interface=127.0.0.1');
    const c = await connect(listening.address.port);
    c.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await gates.heldRendered.promise;
    let closed = false;
    const done = closing.close().then(() => (closed = true));
    await expect(fetch(listening.url)).rejects.toThrow();
    expect(closed).toBe(false);
    gates.release.resolve();
    expect(await c.readUntil('released')).toContain('HTTP/1.1 200 OK');
    await done;
    expect(closed).toBe(true);
  });
});
