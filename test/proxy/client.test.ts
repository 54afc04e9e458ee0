/**
 * The exchange a proxy makes with its upstream (lib/proxy/client.ts), over real
 * loopback connections: client → Loom Site with a ReverseProxyResource → a node:http
 * backend. Every server listens on port 0; time is a FakeClock; the tests wait on
 * events (a request arriving, a chunk received), never on timers.
 */
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import http from 'node:http';
import { promisify } from 'node:util';
import { Agent as UndiciAgent, type Pool } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LoomError } from '../../lib/errors.ts';
import { ProxyClientFactory } from '../../lib/proxy/client.ts';
import { ReverseProxyResource } from '../../lib/proxy/resource.ts';
import { exchange } from '../support/raw-http.ts';
import { echo, headerValues, send, startBackend, startSite, type Backend, type ProxySite } from '../support/proxy-backend.ts';

const run = promisify(execFile);

let backend: Backend;
let proxy: ReverseProxyResource;
let front: ProxySite;

beforeAll(async () => {
  backend = await startBackend();
  proxy = new ReverseProxyResource('127.0.0.1', backend.port, '', { timeout: 5 });
  front = await startSite(proxy, 1000);
});

afterEach(() => backend.reset());

afterAll(async () => {
  await front.site.close();
  await proxy.close();
  await backend.close();
});

/** What the echo backend saw, parsed. */
function echoed(text: string): { method: string; url: string; rawHeaders: string[]; body: string } {
  return JSON.parse(text) as { method: string; url: string; rawHeaders: string[]; body: string };
}

describe('ProxyClient: the request sent upstream', () => {
  it('forwards the method, the target, the headers and the body of a POST', async () => {
    const response = await send(front.port, '/form?x=1', {
      method: 'POST', body: 'a=1&b=2', headers: ['Content-Type', 'application/x-www-form-urlencoded', 'X-Custom', 'yes'],
    });
    const seen = echoed(response.text);
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/form?x=1');
    expect(seen.body).toBe('a=1&b=2');
    expect(headerValues(seen.rawHeaders, 'content-type')).toEqual(['application/x-www-form-urlencoded']);
    expect(headerValues(seen.rawHeaders, 'x-custom')).toEqual(['yes']);
    expect(headerValues(seen.rawHeaders, 'content-length')).toEqual(['7']);
  });

  it('rewrites Host to the upstream host and port', async () => {
    const seen = echoed((await send(front.port, '/', { headers: ['Host', 'public.example'] })).text);
    expect(headerValues(seen.rawHeaders, 'host')).toEqual([`127.0.0.1:${backend.port}`]);
  });

  it('keeps every value of a repeated request header (Twisted keeps the last)', async () => {
    const seen = echoed((await send(front.port, '/', { headers: ['X-Many', 'one', 'X-Many', 'two'] })).text);
    expect(headerValues(seen.rawHeaders, 'x-many')).toEqual(['one', 'two']);
  });

  it('drops hop-by-hop request headers, and those Connection names', async () => {
    // Raw bytes: node's own client refuses to send some of these (Trailer without chunking).
    const raw = await exchange(front.port, ['GET /hops HTTP/1.1', 'Host: front', 'Connection: close, X-Hop', 'X-Hop: secret',
      'Keep-Alive: timeout=9', 'Proxy-Connection: keep-alive', 'TE: trailers', 'Trailer: X-Trailing', 'Upgrade: example/1',
      'X-Kept: kept', '', ''].join('\r\n'));
    const seen = echoed(raw.slice(raw.indexOf('\r\n\r\n') + 4));
    const names = seen.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    for (const hop of ['x-hop', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade']) expect(names, hop).not.toContain(hop);
    // The proxy's own connection to the upstream has its own Connection header, not the client's.
    expect(headerValues(seen.rawHeaders, 'connection')).toEqual(['keep-alive']);
    expect(headerValues(seen.rawHeaders, 'x-kept')).toEqual(['kept']);
  });

  it('does not pass on Expect: 100-continue, which the Site has already answered', async () => {
    const seen = await new Promise<ReturnType<typeof echoed>>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: front.port, path: '/expect', method: 'POST', agent: false,
        headers: { 'expect': '100-continue', 'content-length': '5' } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(echoed(text)));
      });
      req.on('continue', () => req.end('hello'));
      req.on('error', reject);
    });
    expect(seen.body).toBe('hello');
    expect(headerValues(seen.rawHeaders, 'expect')).toEqual([]);
  });

  it('sends a chunked request body with its length, once read whole', async () => {
    const seen = await new Promise<ReturnType<typeof echoed>>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: front.port, path: '/chunked', method: 'PUT', agent: false }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(echoed(text)));
      });
      req.on('error', reject);
      req.write('part one, ');
      req.end('part two');
    });
    expect(seen.body).toBe('part one, part two');
    expect(headerValues(seen.rawHeaders, 'transfer-encoding')).toEqual([]);
    expect(headerValues(seen.rawHeaders, 'content-length')).toEqual(['18']);
  });

  it('sends a body spooled to a temporary file intact', async () => {
    // 300 KB of a repeating but position-dependent pattern: a piece sent twice or out of
    // order changes the hash.
    const body = Buffer.alloc(300_000);
    for (let i = 0; i < body.length; i++) body[i] = (i * 7 + (i >> 8)) & 0xff;
    backend.answer = ({ body: got, res }) => res.end(createHash('sha1').update(got).digest('hex'));
    const response = await send(front.port, '/upload', { method: 'POST', body });
    expect(response.text).toBe(createHash('sha1').update(body).digest('hex'));
  });

  it('adds X-Forwarded-For (appended), X-Forwarded-Host and X-Forwarded-Proto', async () => {
    const seen = echoed((await send(front.port, '/', {
      headers: ['Host', 'www.example.org', 'X-Forwarded-For', '203.0.113.9', 'X-Forwarded-Proto', 'https'],
    })).text);
    expect(headerValues(seen.rawHeaders, 'x-forwarded-for')).toEqual(['203.0.113.9, 127.0.0.1']);
    expect(headerValues(seen.rawHeaders, 'x-forwarded-host')).toEqual(['www.example.org']);
    // The client cannot claim TLS it did not use: the proxy says what it received.
    expect(headerValues(seen.rawHeaders, 'x-forwarded-proto')).toEqual(['http']);
  });
});

describe('ProxyClient: the answer sent back', () => {
  it('copies the status code and the reason phrase', async () => {
    backend.answer = ({ res }) => {
      res.writeHead(418, 'Short and Stout', { 'content-type': 'text/plain' });
      res.end('tea');
    };
    const response = await send(front.port, '/');
    expect([response.status, response.reason, response.text]).toEqual([418, 'Short and Stout', 'tea']);
  });

  it('lets the upstream Server, Date and Content-Type replace the defaults, and keeps every Set-Cookie', async () => {
    backend.answer = ({ res }) => {
      res.writeHead(200, [['Server', 'Upstream/1'], ['Date', 'Tue, 01 Jan 2030 00:00:00 GMT'], ['Content-Type', 'text/plain'],
        ['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2; HttpOnly'], ['X-Up', 'u']].flat());
      res.end('ok');
    };
    const { rawHeaders } = await send(front.port, '/');
    expect(headerValues(rawHeaders, 'server')).toEqual(['Upstream/1']);
    expect(headerValues(rawHeaders, 'date')).toEqual(['Tue, 01 Jan 2030 00:00:00 GMT']);
    expect(headerValues(rawHeaders, 'content-type')).toEqual(['text/plain']);
    expect(headerValues(rawHeaders, 'set-cookie')).toEqual(['a=1', 'b=2; HttpOnly']);
    expect(headerValues(rawHeaders, 'x-up')).toEqual(['u']);
  });

  it('adds no Content-Type when the upstream sent none', async () => {
    backend.answer = ({ res }) => {
      res.removeHeader('content-type');
      res.end('untyped');
    };
    const response = await send(front.port, '/');
    expect(response.text).toBe('untyped');
    expect(headerValues(response.rawHeaders, 'content-type')).toEqual([]);
  });

  it('drops hop-by-hop response headers, and those Connection names', async () => {
    backend.answer = ({ res }) => {
      res.writeHead(200, ['Connection', 'keep-alive, X-Secret-Hop', 'X-Secret-Hop', 'y', 'Keep-Alive', 'timeout=7, max=99', 'X-Kept', 'k']);
      res.end('hop');
    };
    const response = await send(front.port, '/');
    expect(response.text).toBe('hop');
    expect(headerValues(response.rawHeaders, 'x-secret-hop')).toEqual([]);
    expect(headerValues(response.rawHeaders, 'keep-alive').join()).not.toContain('max=99');
    expect(headerValues(response.rawHeaders, 'x-kept')).toEqual(['k']);
  });

  it('answers HEAD with the upstream headers and no body', async () => {
    backend.answer = ({ res }) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1234' });
      res.end();
    };
    const response = await send(front.port, '/', { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(headerValues(response.rawHeaders, 'content-length')).toEqual(['1234']);
    expect(response.body.length).toBe(0);
  });

  it('passes a large answer through intact', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 'loom ');
    backend.answer = ({ res }) => res.end(big);
    const response = await send(front.port, '/big');
    expect(response.body.equals(big)).toBe(true);
  });

  it('streams the answer: the client gets the first chunk before the upstream has finished', async () => {
    let upstreamRes: http.ServerResponse | null = null;
    backend.answer = ({ res }) => {
      upstreamRes = res;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first;');
    };
    const body = await new Promise<string>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port: front.port, path: '/stream', agent: false }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString();
          // The upstream is still open: only now does the test let it finish.
          if (text === 'first;') upstreamRes!.end('second');
        });
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
    });
    expect(body).toBe('first;second');
  });
});

describe('ProxyClient: connections', () => {
  it('reuses one upstream connection for requests one after another', async () => {
    const before = backend.seen.length;
    for (let i = 0; i < 4; i++) expect((await send(front.port, `/n${i}`)).status).toBe(200);
    const connections = new Set(backend.seen.slice(before).map((s) => s.connection));
    expect(connections.size).toBe(1);
  });

  it('sends a GET again on a new connection when a reused one is closed under it', async () => {
    await send(front.port, '/warm'); // leaves a kept-alive connection in the pool
    let dropped = false;
    backend.answer = (seen) => {
      if (!dropped) {
        dropped = true;
        seen.req.socket.destroy(); // the upstream closes the idle connection as it is reused
      } else echo(seen);
    };
    const before = backend.seen.length;
    const response = await send(front.port, '/again');
    expect(response.status).toBe(200);
    expect(echoed(response.text).url).toBe('/again');
    const tries = backend.seen.slice(before);
    expect(tries.map((s) => s.url)).toEqual(['/again', '/again']);
    expect(tries[0]!.connection).not.toBe(tries[1]!.connection);
  });

  it('sends a GET at most twice: an upstream that closes every connection gives 502 after the second try', async () => {
    backend.answer = (seen) => seen.req.socket.destroy();
    const before = backend.seen.length;
    const response = await send(front.port, '/always-reset');
    expect(response.status).toBe(502);
    expect(backend.seen.slice(before).map((s) => s.url)).toEqual(['/always-reset', '/always-reset']);
  });

  it('does not send a POST twice: a reset connection gives 502', async () => {
    await send(front.port, '/warm');
    backend.answer = (seen) => seen.req.socket.destroy();
    const before = backend.seen.length;
    const response = await send(front.port, '/once', { method: 'POST', body: 'x' });
    expect(response.status).toBe(502);
    expect(backend.seen.length - before).toBe(1);
  });

  it('aborts the upstream request when the client goes away', async () => {
    backend.answer = () => {}; // never answers
    const client = http.get({ host: '127.0.0.1', port: front.port, path: '/abandoned', agent: false });
    client.on('error', () => {});
    const seen = await backend.nextRequest();
    const upstreamClosed = new Promise<void>((resolve) => seen.res.on('close', resolve));
    client.destroy();
    await upstreamClosed;
    expect(seen.res.writableFinished).toBe(false);
  });

  it('aborts the upstream answer when the client goes away in the middle of it', async () => {
    backend.answer = ({ res }) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('ten bytes!');
    };
    let client: http.ClientRequest | null = null;
    const seenPromise = backend.nextRequest();
    await new Promise<void>((resolve) => {
      client = http.get({ host: '127.0.0.1', port: front.port, path: '/half', agent: false }, (res) => res.once('data', () => resolve()));
      client.on('error', () => {});
    });
    const seen = await seenPromise;
    const upstreamClosed = new Promise<void>((resolve) => seen.res.on('close', resolve));
    client!.destroy();
    await upstreamClosed;
    expect(seen.res.writableFinished).toBe(false);
  });
});

describe('ProxyClient: failures', () => {
  it('answers 502 Bad Gateway when the upstream refuses the connection, and logs which upstream', async () => {
    const gone = await startBackend();
    const port = gone.port;
    await gone.close();
    const dead = new ReverseProxyResource('127.0.0.1', port, '/x');
    const site = await startSite(dead);
    try {
      const response = await send(site.port, '/');
      expect([response.status, response.reason]).toEqual([502, 'Bad Gateway']);
      expect(headerValues(response.rawHeaders, 'content-type')).toEqual(['text/html; charset=utf-8']);
      expect(response.text).toContain('<h1>Bad Gateway</h1>');
      expect(response.text).not.toContain(String(port)); // the page does not name the upstream…
      expect(site.site.logger.messages.map((m) => m.message).join('\n')).toContain(`127.0.0.1:${port}`); // …the log does
    } finally {
      await site.site.close();
      await dead.close();
    }
  });

  it('answers 504 Gateway Timeout when the upstream does not answer in time', async () => {
    backend.answer = () => {};
    const pending = send(front.port, '/slow');
    const seen = await backend.nextRequest();
    const upstreamClosed = new Promise<void>((resolve) => seen.res.on('close', resolve));
    front.clock.advance(4.9);
    expect(seen.res.closed).toBe(false);
    front.clock.advance(0.1);
    const response = await pending;
    expect([response.status, response.reason]).toEqual([504, 'Gateway Timeout']);
    expect(response.text).toContain('<h1>Gateway Timeout</h1>');
    await upstreamClosed; // the upstream request was abandoned, not left running
  });

  it('cuts the client connection when the upstream stalls mid-body past the timeout', async () => {
    backend.answer = ({ res }) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('ten bytes!');
    };
    const cut = await cutShort(front.port, '/stall', () => front.clock.advance(5));
    expect(cut).toEqual({ status: 200, body: 'ten bytes!', complete: false });
  });

  it('does not cut a slow body that keeps coming: the timeout counts from the last piece', async () => {
    let upstreamRes: http.ServerResponse | null = null;
    backend.answer = ({ res }) => {
      upstreamRes = res;
      res.writeHead(200, { 'content-length': '30' });
      res.write('ten bytes!');
    };
    const cut = await cutShort(front.port, '/trickle', () => {
      front.clock.advance(3);
      upstreamRes!.write('0123456789'); // heard at 3 s: silence now counts from here
    }, (body) => {
      if (body !== 'ten bytes!0123456789') return;
      front.clock.advance(2.5); // 5.5 s since the start, 2.5 s of silence: still fine
      upstreamRes!.end('abcdefghij');
    });
    expect(cut).toEqual({ status: 200, body: 'ten bytes!0123456789abcdefghij', complete: true });
  });

  it('cuts the client connection when the upstream dies mid-body', async () => {
    backend.answer = ({ req, res }) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('ten bytes!', () => req.socket.destroy());
    };
    const cut = await cutShort(front.port, '/dies', () => {});
    expect(cut).toEqual({ status: 200, body: 'ten bytes!', complete: false });
  });
});

describe('ProxyClientFactory', () => {
  it('refuses a timeout that is not a positive number', () => {
    for (const timeout of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new ProxyClientFactory({ timeout }), String(timeout)).toThrowError(LoomError);
    }
  });

  it('keeps one pool per upstream, closed by close(), and never closes a dispatcher it was given', async () => {
    const one = { host: '127.0.0.1', port: 1, hostHeader: '127.0.0.1:1', path: '/' };
    const two = { ...one, port: 2, hostHeader: '127.0.0.1:2' };
    const mine = new ProxyClientFactory();
    const pool = mine.dispatcherFor(one) as Pool;
    expect(mine.dispatcherFor(one)).toBe(pool);
    expect(mine.dispatcherFor(two)).not.toBe(pool);
    expect(mine.dispatcherFor(one)).toBe(pool); // back to the first upstream: its pool, not a new one
    await mine.close();
    expect(pool.destroyed).toBe(true);
    const given = new UndiciAgent();
    const theirs = new ProxyClientFactory({ dispatcher: given });
    expect([theirs.dispatcherFor(one), theirs.dispatcherFor(two)]).toEqual([given, given]);
    await theirs.close();
    expect([given.closed, given.destroyed]).toEqual([false, false]);
    await given.destroy();
  });

  it('loads undici at the first upstream request, not when Loom is imported', async () => {
    // A process of its own: this one has undici loaded already. The CommonJS module cache
    // says whether undici's files were read.
    const script = [
      "import { createRequire } from 'node:module';",
      "const cache = createRequire(import.meta.url).cache;",
      "const loaded = () => Object.keys(cache).some((file) => file.includes('/node_modules/undici/'));",
      "const { ProxyClientFactory } = await import('./lib/index.ts');",
      "const before = loaded();",
      "const factory = new ProxyClientFactory();",
      "factory.dispatcherFor({ host: '127.0.0.1', port: 1, hostHeader: '127.0.0.1:1', path: '/' });",
      "console.log(JSON.stringify([before, loaded()]));",
      "await factory.close();",
    ].join('\n');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
    expect(JSON.parse(stdout)).toEqual([false, true]);
  });
});

/**
 * GET `path`, call `then` once the first ten body bytes have arrived (and `onBody` at every
 * piece), and report how the response ended.
 */
function cutShort(port: number, path: string, then: () => void, onBody: (body: string) => void = () => {}):
  Promise<{ status: number; body: string; complete: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
        if (body === 'ten bytes!') then();
        onBody(body);
      });
      res.on('error', () => {});
      res.on('close', () => resolve({ status: res.statusCode!, body, complete: res.complete }));
    });
    req.on('error', reject);
  });
}
