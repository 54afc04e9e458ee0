import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ThreadPool } from '../../lib/gateway/pool.ts';
import { GatewayResource } from '../../lib/gateway/resource.ts';
import { Resource } from '../../lib/resource.ts';
import { Site } from '../../lib/site.ts';
import { FakeClock, makeRequest } from '../../lib/testing.ts';
import { fixture, send, WatchedLogger } from './support.ts';

const APPS = ['hello', 'environ', 'echo', 'stream', 'endless', 'closing', 'closeFails', 'sumBody', 'fifo', 'crash', 'failEarly', 'failLate', 'noStart',
  'twice', 'excInfoBefore', 'excInfoAfter', 'serverHeaders', 'writer', 'stuck'];

class Ping extends Resource {
  override isLeaf = true;
  render_GET() {
    return 'pong';
  }
}

describe('GatewayResource on a live Site', () => {
  // One pool and one Site for the file: each fixture application is mounted at /<name>.
  const pool = new ThreadPool({ minThreads: 2, maxThreads: 3 });
  const clock = new FakeClock(1_000_000);
  const logger = new WatchedLogger();
  let site: Site;
  let base: string;
  let port: number;
  beforeAll(async () => {
    pool.start();
    const root = new Resource();
    for (const name of APPS) root.putChild(name, new GatewayResource(clock, pool, fixture(name), name === 'stuck' ? { timeout: 5 } : {}));
    root.putChild('ping', new Ping());
    site = new Site(root, { logger, clock });
    const listening = await site.listen('tcp:0:interface=127.0.0.1');
    base = listening.url;
    port = listening.address.port;
  });
  afterAll(async () => {
    await site.close();
    await pool.stop();
  });

  describe('the environ', () => {
    it('carries every CGI variable and gateway flag, with SCRIPT_NAME from prepath and PATH_INFO from postpath', async () => {
      const answer = await send(`${base}environ/a%20b/c%2Fd?x=1&y=%20`, { headers: { 'X-Test': 'yes', Host: 'example.org:1234' } });
      const env = JSON.parse(answer.body.toString()) as Record<string, unknown>;
      expect(env).toMatchObject({
        REQUEST_METHOD: 'GET', SCRIPT_NAME: '/environ', PATH_INFO: '/a b/c/d', QUERY_STRING: 'x=1&y=%20',
        CONTENT_TYPE: '', CONTENT_LENGTH: '', SERVER_NAME: 'example.org', SERVER_PORT: String(port), SERVER_PROTOCOL: 'HTTP/1.1',
        REMOTE_ADDR: '127.0.0.1', HTTP_X_TEST: 'yes', HTTP_HOST: 'example.org:1234',
        'gateway.version': [1, 0], 'gateway.url_scheme': 'http', 'gateway.input': 'object', 'gateway.errors': 'object',
        'gateway.multithread': true, 'gateway.multiprocess': false, 'gateway.run_once': false,
      });
      expect(env.REMOTE_PORT).toMatch(/^\d+$/);
    });

    it('gives a POST its Content-Type and Content-Length, and no HTTP_CONTENT_* duplicates', async () => {
      const answer = await send(`${base}environ`, { method: 'POST', body: 'abc', headers: { 'Content-Type': 'text/plain' } });
      const env = JSON.parse(answer.body.toString()) as Record<string, unknown>;
      expect([env.CONTENT_TYPE, env.CONTENT_LENGTH, env.HTTP_CONTENT_TYPE, env.HTTP_CONTENT_LENGTH]).toEqual(['text/plain', '3', undefined, undefined]);
    });
  });

  describe('the response', () => {
    it('reads the POST body through input and answers with the application\'s status and headers', async () => {
      const answer = await send(`${base}echo/x?q=1`, { method: 'POST', body: 'hi there', headers: { 'X-Test': 't', 'Content-Type': 'text/plain' } });
      expect([answer.status, answer.reason]).toEqual([201, 'Created']);
      expect(answer.body.toString()).toBe('method=POST\npath=/echo|/x\nquery=q=1\ntype=text/plain\nlength=8\nheader=t\nbody=hi there\n');
    });

    it('keeps repeated headers, adds no Content-Type of its own, and drops the application\'s Server and Date', async () => {
      const echo = await send(`${base}echo`);
      expect(echo.rawHeaders.filter((_, i, a) => i % 2 === 1 && a[i - 1] === 'X-Multi')).toEqual(['one', 'two']);
      const twice = await send(`${base}twice`);
      expect(twice.headers['content-type']).toBeUndefined();
      const own = await send(`${base}serverHeaders`);
      expect(own.headers.server).toBe('Loom/0.1.0');
      expect(own.headers.date).not.toBe('yesterday');
      expect(own.body.toString()).toBe('ok');
    });

    it('is chunked unless the application set Content-Length', async () => {
      expect((await send(`${base}hello`)).headers['transfer-encoding']).toBe('chunked');
      const fixed = await send(`${base}serverHeaders`);
      expect([fixed.headers['transfer-encoding'], fixed.headers['content-length']]).toEqual([undefined, '2']);
    });

    it('sends write() output and the returned chunks in order', async () => {
      expect((await send(`${base}writer`)).body.toString()).toBe('one two three');
    });

    it('answers HEAD with the headers only', async () => {
      const answer = await send(`${base}hello`, { method: 'HEAD' });
      expect([answer.status, answer.body.length]).toEqual([200, 0]);
    });

    it('streams a large generator to the client intact', async () => {
      const answer = await send(`${base}stream?count=128&size=65536`);
      expect(answer.body.length).toBe(128 * 65536);
      expect(answer.body.every((b, i) => b === i % 251)).toBe(true);
    });

    it('lets the last startResponse win, and replaces the response through excInfo before output', async () => {
      expect((await send(`${base}twice`)).status).toBe(202);
      const replaced = await send(`${base}excInfoBefore`);
      expect([replaced.status, replaced.reason, replaced.body.toString()]).toEqual([500, 'Oops', 'replaced']);
    });
  });

  describe('application errors', () => {
    it('answers an error before any output with a 500 page and logs it', async () => {
      const answer = await send(`${base}failEarly`);
      expect(answer.status).toBe(500);
      expect(answer.body.toString()).toContain('Processing Failed');
      expect(logger.has('Error in GatewayResource for GET /failEarly')).toBe(true);
      const logged = logger.messages.find((m) => m.message.includes('/failEarly'))?.error as Error;
      expect(logged.message).toBe('application failure before output');
      expect(logged.stack).toContain('apps.ts');
    });

    it('cuts the connection on an error after output began', async () => {
      const answer = await send(`${base}failLate`);
      expect(answer.status).toBe(200);
      expect(answer.cut).toBe(true);
      expect(answer.body.toString()).toBe('partial');
    });

    it('cuts the connection when excInfo is raised again after output began', async () => {
      const answer = await send(`${base}excInfoAfter`);
      expect([answer.status, answer.cut, answer.body.toString()]).toEqual([200, true, 'started']);
    });

    it('answers 500 instead of hanging when the application never calls startResponse', async () => {
      const answer = await send(`${base}noStart`);
      expect(answer.status).toBe(500);
      expect(logger.messages.some((m) => m.message.includes('/noStart') && String((m.error as Error)?.message).includes('without calling startResponse'))).toBe(true);
    });

    it('answers 500 when the worker crashes, replaces it, and goes on serving', async () => {
      const answer = await send(`${base}crash`);
      expect(answer.status).toBe(500);
      expect(logger.messages.some((m) => m.message.includes('/crash') && String((m.error as Error)?.message).includes('worker thread'))).toBe(true);
      expect((await send(`${base}hello`)).body.toString()).toBe('Hello, world!');
    });

    it('answers 504 when the application has not started its response within the timeout, and replaces its worker', async () => {
      const answering = send(`${base}stuck`);
      await logger.sees('wrote to errors: stuck');
      clock.advance(5);
      const answer = await answering;
      expect(answer.status).toBe(504);
      expect(answer.body.toString()).toContain('did not start its response within 5 seconds');
      expect((await send(`${base}hello`)).status).toBe(200);
    });
  });

  describe('the body', () => {
    it('is handed over from a body the Site spooled to a temporary file, read whole in small pieces', async () => {
      const spooling = new Site(site.resource, { logger, spoolThreshold: 1000 });
      const { url } = await spooling.listen('tcp:0:interface=127.0.0.1');
      try {
        const body = Buffer.alloc(300_000, 'abcdefghij');
        let sum = 0;
        for (const byte of body) sum = (sum + byte) % 65521;
        const answer = await send(`${url}sumBody`, { method: 'POST', body });
        expect(answer.body.toString()).toBe(`length=300000 sum=${sum}`);
      } finally {
        await spooling.close();
      }
    });
  });

  describe('close()', () => {
    it('counts an error from close() as an application error: logged, and the connection cut', async () => {
      const answer = await send(`${base}closeFails`);
      expect([answer.status, answer.body.toString(), answer.cut]).toEqual([200, 'all of it', true]);
      expect(logger.messages.some((m) => m.message.includes('/closeFails') && String((m.error as Error)?.message) === 'close failed')).toBe(true);
    });

    it('is called after a successful response', async () => {
      await send(`${base}closing`);
      await logger.sees('wrote to errors: closed');
    });

    it('is called when the client disconnects, and the iteration stops', async () => {
      await new Promise<void>((resolve) => {
        const req = httpRequest(`${base}endless`, { agent: false }, (res) => {
          let seen = 0;
          res.on('data', (c: Buffer) => {
            seen += c.length;
            if (seen > 64 * 1024) req.destroy();
          });
          res.on('close', () => resolve());
        });
        req.on('error', () => resolve());
        req.end();
      });
      await logger.sees('wrote to errors: closed after');
    });
  });

  describe('a blocking application', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'loom-gateway-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('never stalls the Site: other requests, to resources and to the gateway, keep being answered', async () => {
      const pipe = join(dir, 'pipe');
      expect(spawnSync('mkfifo', [pipe]).status).toBe(0);
      const blocked = send(`${base}fifo?fifo=${encodeURIComponent(pipe)}`);
      await logger.sees('wrote to errors: blocking');
      // The application is now blocked in readFileSync inside its worker.
      for (let i = 0; i < 5; i++) {
        expect((await send(`${base}ping`)).body.toString()).toBe('pong');
        expect((await send(`${base}hello`)).body.toString()).toBe('Hello, world!');
      }
      writeFileSync(pipe, 'the test');
      expect((await blocked).body.toString()).toBe('unblocked by the test');
    });
  });
});

describe('GatewayResource', () => {
  const resource = new GatewayResource(new FakeClock(), new ThreadPool(), fixture('hello'));

  it('is a leaf', () => {
    expect(resource.isLeaf).toBe(true);
  });

  it('has no children: getChildWithDefault and putChild say why', () => {
    expect(() => resource.getChildWithDefault('x')).toThrow(/is a leaf/);
    expect(() => resource.putChild('x')).toThrow(/Mount other resources beside it/);
  });

  it('answers 503 when its pool is not running', async () => {
    const site = new Site(resource, { logger: new WatchedLogger() });
    const req = makeRequest({ uri: '/' }, site);
    const done = req.notifyFinish();
    site.dispatch(req);
    await done;
    expect(req.code).toBe(503);
  });
});
