import { describe, expect, it, vi } from 'vitest';
import { LoomError } from '../lib/errors.ts';
import { NOT_DONE_YET, Resource, UnsupportedMethod, type RenderResult } from '../lib/resource.ts';
import type { Request } from '../lib/request.ts';
import { Site } from '../lib/site.ts';
import { makeRequest, memoryLogger, render, request, testSite } from '../lib/testing.ts';

class Returns extends Resource {
  override isLeaf = true;
  readonly value: () => unknown;
  constructor(value: () => unknown) {
    super();
    this.value = value;
  }
  render_GET(_request: Request): RenderResult {
    return this.value() as RenderResult;
  }
}

describe('render: bodies', () => {
  it('sends a string body as UTF-8 with its byte length', async () => {
    const response = await render(new Returns(() => 'héllo'));
    expect(response.code).toBe(200);
    expect(response.headers.getLast('content-length')).toBe('6');
    expect(response.text).toBe('héllo');
  });

  it('sends a Uint8Array body as it is', async () => {
    const response = await render(new Returns(() => new Uint8Array([0, 255, 1])));
    expect([...response.body]).toEqual([0, 255, 1]);
    expect(response.headers.getLast('content-length')).toBe('3');
  });

  it('keeps a Content-Length the resource set itself', async () => {
    class Own extends Resource {
    override isLeaf = true;
      render_GET(req: Request) {
        req.setHeader('content-length', '2');
        return 'ab';
      }
    }
    expect((await render(new Own())).headers.getRawHeaders('content-length')).toEqual(['2']);
  });

  it('waits for a Promise of a body', async () => {
    const response = await render(new Returns(() => Promise.resolve('later')));
    expect(response.text).toBe('later');
  });

  it('sends nothing for NOT_DONE_YET until the resource writes and finishes', async () => {
    let req!: Request;
    class Later extends Resource {
    override isLeaf = true;
      render_GET(r: Request) {
        req = r;
        return NOT_DONE_YET;
      }
    }
    const pending = render(new Later());
    expect(req.startedWriting).toBe(false);
    req.write('a');
    req.write('b');
    req.finish();
    const response = await pending;
    expect(response.text).toBe('ab');
    expect(response.headers.hasHeader('content-length')).toBe(false);
  });
});

describe('render: results that are not bodies', () => {
  for (const [what, value] of [['undefined', undefined], ['null', null], ['a number', 42], ['an object', { a: 1 }]] as const) {
    it(`answers 500 naming the resource and the value when render returns ${what}`, async () => {
      const site = testSite(new Returns(() => value));
      const response = await request(site, { uri: '/x' });
      expect(response.code).toBe(500);
      expect(response.text).toContain('Request did not return a body');
      expect(response.text).toContain('Returns answered GET /x');
      expect(site.logger.messages.some((m) => m.level === 'error' && m.message.includes('Returns'))).toBe(true);
    });
  }

  it('answers 500 when a Promise resolves to something that is not a body', async () => {
    const response = await request(testSite(new Returns(() => Promise.resolve(7))));
    expect(response.code).toBe(500);
    expect(response.text).toContain('a Promise that resolved to the number 7');
  });

  it('hints at a forgotten return when render returns undefined', async () => {
    expect((await request(testSite(new Returns(() => undefined)))).text).toContain('forget to return');
  });
});

describe('render: failures', () => {
  it('answers a thrown error with a 500 "Processing Failed" page and no stack', async () => {
    const site = testSite(new Returns(() => { throw new Error('secret detail'); }));
    const response = await request(site);
    expect(response.code).toBe(500);
    expect(response.headers.getLast('content-type')).toBe('text/html; charset=utf-8');
    expect(response.text).toContain('Processing Failed');
    expect(response.text).not.toContain('secret detail');
    expect(site.logger.messages[0]).toMatchObject({ level: 'error', message: expect.stringContaining('in Returns for GET /') });
    expect((site.logger.messages[0]?.error as Error).message).toBe('secret detail');
  });

  it('shows the escaped stack with displayTracebacks', async () => {
    const site = testSite(new Returns(() => { throw new Error('<b>boom</b> ü'); }), { displayTracebacks: true });
    const response = await request(site);
    expect(response.code).toBe(500);
    expect(response.text).toContain('Loom Traceback');
    expect(response.text).toContain('&lt;b&gt;boom&lt;/b&gt; ü');
    expect(response.text).toContain('render.test.ts');
  });

  it('answers a rejected Promise with a 500 page', async () => {
    const site = testSite(new Returns(() => Promise.reject(new Error('async boom'))));
    const response = await request(site);
    expect(response.code).toBe(500);
    expect(site.logger.messages[0]?.message).toContain('Returns');
  });

  it('answers a LoomError with a 4xx status with that status and its message', async () => {
    class Json extends Resource {
    override isLeaf = true;
      render_POST(req: Request) {
        return JSON.stringify(req.content.json());
      }
    }
    const site = testSite(new Json());
    const response = await request(site, { method: 'POST', body: '{not json' });
    expect(response.code).toBe(400);
    expect(response.text).toContain('The request body is not valid JSON');
    expect(site.logger.messages).toEqual([]);
  });

  it('cuts the connection when a resource fails after it started writing', async () => {
    const site = testSite(new Returns(() => { throw new Error('never'); }));
    class Half extends Resource {
    override isLeaf = true;
      render_GET(req: Request) {
        req.write('partial');
        throw new Error('midway');
      }
    }
    site.resource = new Half();
    const req = makeRequest({}, site);
    const notice = req.notifyFinish();
    site.dispatch(req);
    await expect(notice).rejects.toMatchObject({ code: 'LOOM_ERR_CONNECTION_LOST' });
    expect(site.logger.messages[0]?.message).toContain('Half');
  });

  it('keeps the server up when a resource throws a non-Error value', async () => {
    const response = await request(testSite(new Returns(() => { throw 'a string'; })));
    expect(response.code).toBe(500);
  });
});

describe('render: unsupported methods', () => {
  class GetOnly extends Resource {
    override isLeaf = true;
    render_GET() {
      return 'got';
    }
  }

  it('answers 405 with Allow for POST, with the URI escaped in the page', async () => {
    const response = await request(new GetOnly(), { method: 'POST', uri: '/<script>' });
    expect(response.code).toBe(405);
    expect(response.headers.getLast('allow')).toBe('GET, HEAD');
    expect(response.text).toContain('with the method &quot;POST&quot;');
    expect(response.text).toContain('/&lt;script&gt;');
    expect(response.text).not.toContain('<script>');
  });

  it('answers 501 "Huh?" for methods other than GET, HEAD and POST, escaping the method', async () => {
    for (const method of ['PUT', 'DELETE', 'OPTIONS', 'BREW', 'X<Y']) {
      const response = await request(new GetOnly(), { method });
      expect(response.code, method).toBe(501);
      expect(response.text).toContain('Huh?');
      expect(response.headers.hasHeader('allow')).toBe(false);
    }
    expect((await request(new GetOnly(), { method: 'X<Y' })).text).toContain('X&lt;Y');
  });

  it('renders HEAD through GET, sending the length but no body', async () => {
    const response = await request(new GetOnly(), { method: 'HEAD' });
    expect(response.code).toBe(200);
    expect(response.headers.getLast('content-length')).toBe('3');
    expect(response.body.length).toBe(0);
  });

  it('fakes HEAD for a resource whose own render only knows GET', async () => {
    class Custom extends Resource {
    override isLeaf = true;
      override render(req: Request): RenderResult {
        if (req.method !== 'GET') throw new UnsupportedMethod(['GET']);
        return 'custom';
      }
    }
    const response = await request(new Custom(), { method: 'HEAD' });
    expect(response.code).toBe(200);
    expect(response.headers.getLast('content-length')).toBe('6');
    expect(response.body.length).toBe(0);
    expect(response.request.method).toBe('HEAD');
  });

  it('lets a faked HEAD that returns NOT_DONE_YET finish by itself, dropping its writes', async () => {
    class Streams extends Resource {
    override isLeaf = true;
      override render(req: Request): RenderResult {
        if (req.method !== 'GET') throw new UnsupportedMethod(['GET']);
        queueMicrotask(() => {
          req.write('dropped');
          req.finish();
        });
        return NOT_DONE_YET;
      }
    }
    const response = await request(new Streams(), { method: 'HEAD' });
    expect(response.code).toBe(200);
    expect(response.body.length).toBe(0);
    expect(response.headers.hasHeader('content-length')).toBe(false);
  });

  it('answers 405 to HEAD on a resource that cannot render GET', async () => {
    class PostOnly extends Resource {
    override isLeaf = true;
      render_POST() {
        return 'p';
      }
    }
    const response = await request(new PostOnly(), { method: 'HEAD' });
    expect(response.code).toBe(405);
    expect(response.headers.getLast('allow')).toBe('POST');
  });

  it('says so plainly when a resource answers no method at all', async () => {
    class Nothing extends Resource {
      override isLeaf = true;
    }
    const response = await request(new Nothing(), { method: 'POST' });
    expect(response.code).toBe(405);
    expect(response.headers.getLast('allow')).toBe('');
    expect(response.text).toContain('This resource answers no method at all');
  });

  it('keeps headers the resource set before it refused the method', async () => {
    class Picky extends Resource {
    override isLeaf = true;
      override render(req: Request): RenderResult {
        req.setHeader('x-seen', 'yes');
        throw new UnsupportedMethod(['GET']);
      }
    }
    const response = await request(new Picky(), { method: 'POST' });
    expect(response.code).toBe(405);
    expect(response.headers.getLast('x-seen')).toBe('yes');
  });
});

describe('render without a Site', () => {
  it('still renders, and answers a failure with a 500 logged to the console', async () => {
    expect((await render(new Returns(() => 'ok'))).text).toBe('ok');
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const failed = await render(new Returns(() => { throw new Error('no site here'); }));
      expect(failed.code).toBe(500);
      expect(failed.text).toContain('Processing Failed');
      expect(write.mock.calls.map((c) => String(c[0])).join('')).toMatch(/\[error\] Error in Returns for GET \/[\s\S]*no site here/);
    } finally {
      write.mockRestore();
    }
  });

  it('uses the site logger, not the console, when there is a Site', async () => {
    const logger = memoryLogger();
    const site = new Site(new Returns(() => { throw new LoomError('LOOM_ERR_INVALID_ARGUMENT', 'x'); }), { logger });
    expect((await request(site)).code).toBe(500);
    expect(logger.messages).toHaveLength(1);
  });
});
