import { createServer, type Server } from 'node:http';
import { createSecureServer, type Http2SecureServer } from 'node:http2';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { burst, problemWith, sessionCookie, verify, type Answer, type Bodies } from '../../bench/check.ts';
import { makeCertificate, type TestCertificate } from '../support/tls.ts';

const bodies: Bodies = { hello: Buffer.from('Hello, world!'), '1k': Buffer.alloc(1024, 1), '1m': Buffer.alloc(16, 2), page: Buffer.from('<p>page</p>'), css: Buffer.from('p { }') };
const answer = (status: number, body: Buffer | string, headers: Answer['headers'] = {}): Answer => ({ status, headers, body: Buffer.from(body) });

describe('problemWith', () => {
  it('accepts the expected status and body', () => {
    expect(problemWith({ status: 200, body: 'hello' }, answer(200, 'Hello, world!'), bodies)).toBeNull();
  });

  it('names a wrong status and shows the start of the body', () => {
    expect(problemWith({ status: 200, body: 'hello' }, answer(500, 'Processing Failed'), bodies)).toBe('expected status 200, got 500: "Processing Failed"');
  });

  it('catches a body of the right size but wrong bytes', () => {
    expect(problemWith({ status: 200, body: '1k' }, answer(200, Buffer.alloc(1024, 9)), bodies)).toMatch(/expected the 1k body \(1024 bytes\), got 1024 bytes/);
  });

  it('wants gzip when asked, and compares the decompressed body', () => {
    const check = { status: 200, body: 'page', gzip: true } as const;
    expect(problemWith(check, answer(200, gzipSync(bodies.page), { 'content-encoding': 'gzip' }), bodies)).toBeNull();
    expect(problemWith(check, answer(200, bodies.page), bodies)).toBe('expected Content-Encoding: gzip, got ""');
  });

  it('checks a session counter against the expected count', () => {
    expect(problemWith({ status: 200, counter: true }, answer(200, '2'), bodies, 2)).toBeNull();
    expect(problemWith({ status: 200, counter: true }, answer(200, '1'), bodies, 2)).toMatch(/counter to read 2/);
  });
});

describe('sessionCookie', () => {
  it('keeps only name=value of the first Set-Cookie', () => {
    expect(sessionCookie(answer(200, '', { 'set-cookie': ['TWISTED_SESSION=ab12; Path=/; HttpOnly'] }))).toBe('TWISTED_SESSION=ab12');
    expect(sessionCookie(answer(200, ''))).toBeNull();
  });
});

describe('verify and burst against a live server', () => {
  let server: Server;
  let base = '';
  const counts = new Map<string, number>();

  beforeAll(async () => {
    // /hello answers hello; /count keeps a counter per cookie, like a session.
    server = createServer((req, res) => {
      if (req.url === '/hello') return void res.end('Hello, world!');
      const cookie = req.headers.cookie ?? '';
      const key = cookie === '' ? `s${counts.size + 1}` : cookie.split('=')[1]!;
      if (cookie === '') res.setHeader('set-cookie', `SID=${key}; Path=/`);
      counts.set(key, (counts.get(key) ?? 0) + 1);
      res.end(String(counts.get(key)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('verifies a plain answer', async () => {
    expect(await verify(`${base}/hello`, {}, { status: 200, body: 'hello' }, bodies)).toEqual({ problem: null, cookie: null });
  });

  it('verifies a session counter by asking twice, and hands back the cookie', async () => {
    const verified = await verify(`${base}/count`, {}, { status: 200, counter: true }, bodies);
    expect(verified.problem).toBeNull();
    expect(verified.cookie).toMatch(/^SID=s\d+$/);
  });

  it('reports a wrong answer', async () => {
    expect((await verify(`${base}/hello`, {}, { status: 200, body: '1k' }, bodies)).problem).toMatch(/expected the 1k body/);
  });

  it('bursts requests over several connections and counts wrong answers', async () => {
    const good = await burst(`${base}/hello`, {}, { status: 200, body: 'hello' }, bodies, 40, 4);
    expect(good).toMatchObject({ requests: 40, unexpected: 0 });
    const bad = await burst(`${base}/hello`, {}, { status: 404 }, bodies, 10, 2);
    expect(bad).toMatchObject({ requests: 10, unexpected: 10 });
  });

  it('stops a burst without a count at its deadline', async () => {
    const warm = await burst(`${base}/hello`, {}, { status: 200, body: 'hello' }, bodies, Infinity, 2, 0.2);
    expect(warm.requests).toBeGreaterThan(0);
    expect(warm.unexpected).toBe(0);
    expect(warm.seconds).toBeGreaterThanOrEqual(0.2);
    expect(warm.seconds).toBeLessThan(5);
  });
});

describe('verify and burst over TLS, on a self-signed certificate', () => {
  let certificate: TestCertificate;
  let server: Http2SecureServer;
  let base = '';
  const protocols: string[] = [];

  beforeAll(async () => {
    certificate = makeCertificate();
    // One server for both transports, as Loom's ssl: endpoint is: h2 by ALPN, else HTTP/1.1.
    server = createSecureServer({ key: readFileSync(certificate.key), cert: certificate.pem, allowHTTP1: true }, (req, res) => {
      protocols.push(req.httpVersion);
      res.end('Hello, world!');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    base = `https://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    certificate.remove();
  });

  it('verifies over HTTP/1.1 and over HTTP/2, each on the protocol asked for', async () => {
    protocols.length = 0;
    expect(await verify(`${base}/hello`, {}, { status: 200, body: 'hello' }, bodies)).toEqual({ problem: null, cookie: null });
    expect(await verify(`${base}/hello`, {}, { status: 200, body: 'hello' }, bodies, 'h2')).toEqual({ problem: null, cookie: null });
    expect(protocols).toEqual(['1.1', '2.0']);
  });

  it('bursts over TLS keep-alive connections', async () => {
    expect(await burst(`${base}/hello`, {}, { status: 200, body: 'hello' }, bodies, 20, 2)).toMatchObject({ requests: 20, unexpected: 0 });
  });
});
