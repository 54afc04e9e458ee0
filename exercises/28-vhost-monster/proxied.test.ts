/**
 * Graded tests for exercise 28. The back server's tree is asked in memory, with the
 * URLs a proxy would send it; then a real front Site proxies to a real back Site over
 * loopback, as in the lesson, and the redirect must name the public server.
 */
import { describe, it } from 'vitest';
import { ReverseProxyResource, Site } from '../../lib/index.ts';
import { memoryLogger, request, testSite } from '../../lib/testing.ts';
import { subject } from '../../tools/grading/subject.ts';
import { GradingError, expectResponse } from '../../tools/grading/wire.ts';

const { createBackRoot, createFrontRoot, upstreamPath } = await subject<typeof import('./proxied.ts')>(import.meta.url, 'proxied.ts');

const THANKS = '<html><body>Thanks for signing up.</body></html>';

describe('createBackRoot', () => {
  it('still works when asked directly, with no proxy in front', async () => {
    const response = await request(testSite(createBackRoot()), { uri: '/signup', headers: { host: 'back.internal:8538' } });
    expectResponse(response, { code: 302, headers: { location: 'http://back.internal/thanks' } },
      'The request came straight to the back server (an in-memory request arrives on port 80).');
  });

  it('mounts a VHostMonsterResource at /proxied, so a proxied redirect names the public host', async () => {
    const response = await request(testSite(createBackRoot()), { uri: '/proxied/https/news.example.org/signup', headers: { host: '127.0.0.1:8538' } });
    expectResponse(response, { code: 302, headers: { location: 'https://news.example.org/thanks' } },
      'A proxy sent /proxied/https/news.example.org/signup: the public URL was https://news.example.org/signup.');
  });

  it('walks the rest of the path from the root after the monster', async () => {
    const response = await request(testSite(createBackRoot()), { uri: '/proxied/http/news.example.org:8080/thanks' });
    expectResponse(response, { code: 200, body: THANKS }, 'A proxy sent /proxied/http/news.example.org:8080/thanks.');
  });
});

describe('upstreamPath', () => {
  const cases = [
    ['https://news.example.org', '/proxied/https/news.example.org'],
    ['http://news.example.org:8080', '/proxied/http/news.example.org:8080'],
    ['http://news.example.org:80/', '/proxied/http/news.example.org'],
    ['https://News.Example.org:8443/', '/proxied/https/news.example.org:8443'],
    // The default port is the scheme's own: 443 goes for https, but not for http.
    ['https://news.example.org:443', '/proxied/https/news.example.org'],
    ['http://news.example.org:443', '/proxied/http/news.example.org:443'],
  ] as const;
  for (const [publicUrl, expected] of cases) {
    it(`turns ${publicUrl} into ${expected}`, () => {
      const got = upstreamPath(publicUrl);
      if (got !== expected) {
        throw new GradingError(`upstreamPath(${JSON.stringify(publicUrl)})\n✗ expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}.`);
      }
    });
  }
});

describe('createFrontRoot', () => {
  it('is a ReverseProxyResource to 127.0.0.1:backPort with the upstream path', () => {
    const front = createFrontRoot(8538, 'https://news.example.org');
    if (!(front instanceof ReverseProxyResource) || front.host !== '127.0.0.1' || front.port !== 8538 || front.path !== '/proxied/https/news.example.org') {
      const what = front instanceof ReverseProxyResource ? `ReverseProxyResource(${JSON.stringify(front.host)}, ${front.port}, ${JSON.stringify(front.path)})` : String(front?.constructor?.name);
      throw new GradingError(`createFrontRoot(8538, 'https://news.example.org')\n✗ expected ReverseProxyResource("127.0.0.1", 8538, "/proxied/https/news.example.org"), got ${what}.`);
    }
  });

  it('sends the public redirect back through a real proxy', async () => {
    const back = new Site(createBackRoot(), { logger: memoryLogger() });
    const { url: backUrl } = await back.listen('tcp:0:interface=127.0.0.1');
    const frontRoot = createFrontRoot(Number(new URL(backUrl).port), 'https://news.example.org');
    const front = new Site(frontRoot, { logger: memoryLogger() });
    const { url } = await front.listen('tcp:0:interface=127.0.0.1');
    try {
      const signup = await fetch(`${url}signup`, { redirect: 'manual' });
      const location = signup.headers.get('location');
      if (signup.status !== 302 || location !== 'https://news.example.org/thanks') {
        throw new GradingError(`GET ${url}signup, through the front Site to the back one.\n✗ expected 302 to https://news.example.org/thanks, got ${signup.status} to ${String(location)}.`);
      }
      const thanks = await fetch(`${url}thanks`);
      const body = await thanks.text();
      if (body !== THANKS) throw new GradingError(`GET ${url}thanks, through the front Site.\n✗ expected ${JSON.stringify(THANKS)}, got ${thanks.status} ${JSON.stringify(body)}.`);
    } finally {
      await front.close();
      await back.close();
      if (frontRoot instanceof ReverseProxyResource) await frontRoot.factory.close();
    }
  });
});
