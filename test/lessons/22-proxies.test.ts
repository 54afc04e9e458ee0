import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../lib/testing.ts';
import type { LessonExample } from '../../lessons/lesson.ts';
import * as lesson from '../../lessons/22-proxies/example.ts';

const example: LessonExample = lesson;

/** Send `GET target` to the server at `url`, with `target` as the request line has it. */
function rawGet(url: string, target: string): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path: target, agent: false }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    });
    req.on('error', reject).end();
  });
}

describe('lesson 22: proxies', () => {
  // Built here rather than with startExample: the tests need the backend's and the
  // forward proxy's addresses, which only the lesson's own Site knows.
  let site: lesson.ProxyLessonSite;
  let url: string;
  beforeAll(async () => {
    site = lesson.createSite({ logger: memoryLogger() });
    url = (await site.listen('tcp:0:interface=127.0.0.1')).url;
  });
  afterAll(() => site.close());

  it('passes the backend\'s own headers back through the reverse proxy', async () => {
    const response = await fetch(new URL('/api/x', url));
    expect(response.headers.get('x-served-by')).toBe('backend');
    expect(await response.text()).toMatch(/^Host: 127\.0\.0\.1:\d+$/m);
  });

  it('starts a backend that answers directly, without the proxy\'s X-Forwarded-For', async () => {
    const text = await (await fetch(new URL('/echo/direct', site.backendUrl))).text();
    expect(text).toContain('The backend got: GET /echo/direct');
    expect(text).toContain('X-Forwarded-For: (none)');
  });

  it('runs a forward proxy that fetches an absolute http:// URI, adding no X-Forwarded-For', async () => {
    const answer = await rawGet(site.forwardProxyUrl, `${site.backendUrl}echo/via-proxy?x=1`);
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('The backend got: GET /echo/via-proxy?x=1');
    expect(answer.text).toContain('X-Forwarded-For: (none)');
  });

  it('answers 400 when the forward proxy is asked for a path instead of an absolute URI', async () => {
    expect((await rawGet(site.forwardProxyUrl, '/echo/')).status).toBe(400);
  });

  it('stops the backend and the forward proxy when the front closes', async () => {
    const other = lesson.createSite({ logger: memoryLogger() });
    await other.listen('tcp:0:interface=127.0.0.1');
    await other.close();
    await expect(fetch(other.backendUrl)).rejects.toThrow();
    await expect(fetch(other.forwardProxyUrl)).rejects.toThrow();
  });
});

describe('lesson 22: where the helper servers listen', () => {
  it('follows the front\'s port, or BACKEND_PORT and FORWARD_PROXY_PORT when set', () => {
    expect(lesson.derivedPort('BACKEND_PORT', 9000, lesson.BACKEND_OFFSET, {})).toBe(9100);
    expect(lesson.derivedPort('BACKEND_PORT', 9000, lesson.BACKEND_OFFSET, { BACKEND_PORT: '7000' })).toBe(7000);
    expect(lesson.derivedPort('FORWARD_PROXY_PORT', 0, lesson.FORWARD_PROXY_OFFSET, {})).toBe(0);
    expect(lesson.derivedPort('FORWARD_PROXY_PORT', 65400, lesson.FORWARD_PROXY_OFFSET, {})).toBe(0);
    expect(() => lesson.derivedPort('BACKEND_PORT', 9000, 100, { BACKEND_PORT: 'x' })).toThrow('BACKEND_PORT must be a port number');
  });
});
