import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AccessLog } from '../lib/access-log.ts';
import { NOT_DONE_YET, Resource, type IResource } from '../lib/resource.ts';
import type { Request } from '../lib/request.ts';
import { Site } from '../lib/site.ts';
import { EventTracer, type TraceEvent } from '../lib/trace.ts';
import { FakeClock, makeRequest, request, testSite, type MemoryChannel } from '../lib/testing.ts';

class Echo extends Resource {
  override isLeaf = true;
  render_GET(req: Request) {
    return `prepath=${req.prepath.join('/')} postpath=${req.postpath.join('/')} sitepath=${req.sitepath.join('/')}`;
  }
  render_POST(req: Request) {
    const files = [...req.files].map(([name, list]) => `${name}:${list.map((f) => `${f.filename}/${f.mimeType}/${f.data.toString()}`).join(',')}`);
    return JSON.stringify({ args: Object.fromEntries(req.args), files });
  }
}

function tree(): IResource {
  const root = new Resource();
  root.putChild('', new Echo());
  root.putChild('echo', new Echo());
  return root;
}

describe('Site.getResourceFor', () => {
  it('resolves "/" to the root\'s "" child', async () => {
    expect((await request(tree(), { uri: '/' })).text).toBe('prepath= postpath= sitepath=');
  });

  it('records sitepath as the prepath when traversal started', () => {
    const site = new Site(tree());
    const req = makeRequest({ uri: '/echo/x' }, site);
    req.prepath = ['mounted'];
    site.getResourceFor(req);
    expect(req.sitepath).toEqual(['mounted']);
    expect(req.prepath).toEqual(['mounted', 'echo']);
  });

  it('answers a failure during traversal with a 500 page', async () => {
    class Broken extends Resource {
      override getChild(): IResource {
        throw new Error('lookup failed');
      }
    }
    const site = testSite(new Broken());
    const response = await request(site, { uri: '/anything' });
    expect(response.code).toBe(500);
    expect(site.logger.messages[0]?.message).toContain('while finding the resource');
  });
});

describe('Site: the "*" request target', () => {
  it('answers OPTIONS * with 200 and Content-Length 0, without traversal', async () => {
    const response = await request(tree(), { method: 'OPTIONS', uri: '*' });
    expect(response.code).toBe(200);
    expect(response.headers.getLast('content-length')).toBe('0');
    expect(response.headers.hasHeader('content-type')).toBe(false);
  });

  it('answers other methods on * with 405 and Allow: OPTIONS', async () => {
    const response = await request(tree(), { method: 'GET', uri: '*' });
    expect(response.code).toBe(405);
    expect(response.headers.getLast('allow')).toBe('OPTIONS');
  });
});

describe('Site: form bodies', () => {
  it('parses multipart fields into args and files into request.files', async () => {
    const boundary = 'XyZ';
    const body = [
      `--${boundary}`, 'Content-Disposition: form-data; name="name"', '', 'Ada',
      `--${boundary}`, 'Content-Disposition: form-data; name="name"', '', 'Grace',
      `--${boundary}`, 'Content-Disposition: form-data; name="upload"; filename="a.txt"', 'Content-Type: text/plain', '', 'file body',
      `--${boundary}--`, '',
    ].join('\r\n');
    const response = await request(tree(), { method: 'POST', uri: '/echo?q=1', body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    expect(JSON.parse(response.text)).toEqual({ args: { q: ['1'], name: ['Ada', 'Grace'] }, files: ['upload:a.txt/text/plain/file body'] });
  });

  it('answers a multipart body that does not parse with 400 and closes the connection', async () => {
    const response = await request(testSite(tree()), { method: 'POST', uri: '/echo', body: 'garbage', headers: { 'content-type': 'multipart/form-data' } });
    expect(response.code).toBe(400);
    expect(response.text).toContain('multipart/form-data body could not be parsed');
    expect(response.channel.closing).toBe(true);
  });
});

describe('Site: access log', () => {
  it('writes one combined-format line per finished request, timed by the Site clock', async () => {
    const out = new PassThrough();
    const lines: string[] = [];
    out.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
    const site = new Site(tree(), { accessLog: out, clock: new FakeClock(1_700_000_000) });
    await request(site, { uri: '/echo/a', headers: { 'user-agent': 'test/1', referer: 'http://r/' } });
    await request(site, { method: 'HEAD', uri: '/echo' });
    await new Promise((r) => setImmediate(r));
    expect(lines).toEqual([
      `"192.168.1.1" - - [14/Nov/2023:22:13:20 +0000] "GET /echo/a HTTP/1.1" 200 ${'prepath=echo postpath=a sitepath='.length} "http://r/" "test/1"`,
      '"192.168.1.1" - - [14/Nov/2023:22:13:20 +0000] "HEAD /echo HTTP/1.1" 200 - "-" "-"',
    ]);
  });

  it('logs nothing for a request that never finishes', async () => {
    const out = new PassThrough();
    let written = '';
    out.on('data', (d: Buffer) => (written += d.toString()));
    class Never extends Resource {
      override isLeaf = true;
      render_GET() {
        return NOT_DONE_YET;
      }
    }
    const site = new Site(new Never(), { accessLog: new AccessLog(out) });
    site.dispatch(makeRequest({}, site));
    await new Promise((r) => setImmediate(r));
    expect(written).toBe('');
  });
});

describe('Site: tracing', () => {
  it('reports each traversal step, the render method and the answer', async () => {
    const seen: (readonly TraceEvent[])[] = [];
    const site = new Site(tree(), { tracer: new EventTracer((events) => seen.push(events)) });
    await request(site, { uri: '/echo/x/y' });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.map((e) => e.kind)).toEqual(['request', 'child', 'leaf', 'render', 'finish']);
    expect(seen[0]![1]).toMatchObject({ segment: 'echo', dispatch: 'static', prepath: ['echo'], postpath: ['x', 'y'] });
    expect(seen[0]![2]).toMatchObject({ resource: 'Echo', postpath: ['x', 'y'] });
    expect(seen[0]![3]).toMatchObject({ method: 'render_GET' });
    expect(seen[0]![4]).toMatchObject({ code: 200, bytes: 'prepath=echo postpath=x/y sitepath='.length });
  });

  it('reports a client that goes away before finish', async () => {
    const seen: (readonly TraceEvent[])[] = [];
    class Never extends Resource {
      override isLeaf = true;
      render_GET() {
        return NOT_DONE_YET;
      }
    }
    const site = new Site(new Never(), { tracer: new EventTracer((events) => seen.push(events)) });
    const req = makeRequest({}, site);
    site.dispatch(req);
    (req.channel as MemoryChannel).loseConnection();
    expect(seen[0]!.at(-1)).toEqual({ kind: 'lost' });
  });
});

describe('Site options', () => {
  it('refuses a non-positive limit with a clear error', () => {
    expect(() => new Site(tree(), { maxBodySize: 0 })).toThrow(/maxBodySize must be a positive number/);
    expect(() => new Site(tree(), { timeout: -1 })).toThrow(expect.objectContaining({ code: 'LOOM_ERR_INVALID_ARGUMENT' }));
  });

  it('defaults to no tracebacks, a 100 MiB body cap and Twisted\'s 60 s timeout', () => {
    const site = new Site(tree());
    expect(site.displayTracebacks).toBe(false);
    expect(site.maxBodySize).toBe(100 * 1024 * 1024);
    expect(site.timeout).toBe(60);
    expect(site.serverHeader).toMatch(/^Loom\//);
  });
});
