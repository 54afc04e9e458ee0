/**
 * Graded tests for exercise 24. Each test sends in-memory requests to the root that
 * `createRoot()` returns, with the `Host` header a browser would send for that name
 * (`curl -H 'Host: www.bakery.test' …` sends the same), and one test sends real HTTP
 * over loopback.
 */
import { request as httpRequest } from 'node:http';
import { describe, it } from 'vitest';
import { NameVirtualHost, Site } from '../../lib/index.ts';
import { memoryLogger, request, testSite, type TestResponse } from '../../lib/testing.ts';
import { subject } from '../../tools/grading/subject.ts';
import { GradingError, expectResponse, type Expected } from '../../tools/grading/wire.ts';

const { createRoot } = await subject<typeof import('./hosts.ts')>(import.meta.url, 'hosts.ts');

const HOME = '<html><body>Fresh bread every morning.</body></html>';
const MENU = '<html><body>Bread, buns and cake.</body></html>';
const NO_BAKERY = '<html><body>No bakery here. Try www.bakery.test.</body></html>';

/** A fresh server root, and a way to visit it as `host` (undefined: no Host header at all). */
function bakery() {
  const site = testSite(createRoot());
  const visit = (uri: string, host: string | undefined, httpVersion = '1.1') =>
    request(site, { uri, httpVersion, headers: host === undefined ? {} : { host } });
  const check = (response: TestResponse, expected: Expected, note: string) => {
    const errors = site.logger.messages.filter((m) => m.level === 'error')
      .map((m) => `The server logged: ${m.message}${m.error instanceof Error ? `: ${m.error.message}` : ''}`);
    expectResponse(response, expected, [note, ...errors].join('\n'));
  };
  return { site, visit, check };
}

describe('createRoot', () => {
  it('returns a NameVirtualHost', () => {
    const root = createRoot();
    if (!(root instanceof NameVirtualHost)) {
      throw new GradingError(`✗ createRoot() returned ${root?.constructor?.name ?? String(root)}; expected a NameVirtualHost, which picks a tree by the Host header.`);
    }
  });

  it('serves the shop at www.bakery.test', async () => {
    const { visit, check } = bakery();
    check(await visit('/', 'www.bakery.test'), { code: 200, body: HOME }, 'The Host header names www.bakery.test.');
    check(await visit('/menu', 'www.bakery.test'), { code: 200, body: MENU }, 'The Host header names www.bakery.test.');
  });

  it('serves the same shop at the bare name bakery.test', async () => {
    const { visit, check } = bakery();
    check(await visit('/', 'bakery.test'), { code: 200, body: HOME }, 'The Host header names bakery.test, without www.');
    check(await visit('/menu', 'bakery.test'), { code: 200, body: MENU }, 'The Host header names bakery.test, without www.');
  });

  it('gives both shop names one and the same tree, not two copies', () => {
    const root = createRoot();
    if (!(root instanceof NameVirtualHost)) throw new GradingError('✗ createRoot() must return a NameVirtualHost.');
    const www = root.hosts.get('www.bakery.test');
    const bare = root.hosts.get('bakery.test');
    if (www === undefined || www !== bare) {
      throw new GradingError('✗ vhosts.hosts.get("www.bakery.test") and vhosts.hosts.get("bakery.test") should be the same object.\n' +
        'Call shopTree() once and add its result under both names, so that a page added to the shop appears under both.');
    }
  });

  it('matches a name in any case and on any port', async () => {
    const { visit, check } = bakery();
    check(await visit('/menu', 'WWW.Bakery.TEST:8080'), { code: 200, body: MENU }, 'The browser sent "Host: WWW.Bakery.TEST:8080": the shop, on port 8080.');
  });

  it('sends orders.bakery.test to the orders desk, with the whole path', async () => {
    const { visit, check } = bakery();
    check(await visit('/42', 'orders.bakery.test'), { code: 200, body: 'Order 42 is in the oven.' }, 'The Host header names orders.bakery.test.');
    check(await visit('/2024/7', 'orders.bakery.test'), { code: 200, body: 'Order 2024/7 is in the oven.' }, 'The Host header names orders.bakery.test.');
  });

  it('keeps the trees apart: /menu is not on the orders desk, /42 is not in the shop', async () => {
    const { visit, check } = bakery();
    check(await visit('/menu', 'orders.bakery.test'), { code: 200, body: 'Order menu is in the oven.' }, 'The orders desk answers every path itself.');
    check(await visit('/42', 'www.bakery.test'), { code: 404 }, 'The shop has no page /42.');
  });

  it('answers any other name with the default page', async () => {
    const { visit, check } = bakery();
    check(await visit('/', 'cakes.example.net'), { code: 200, body: NO_BAKERY }, 'The Host header names cakes.example.net, which the bakery does not use.');
    check(await visit('/menu', 'shop.bakery.test'), { code: 200, body: NO_BAKERY }, 'The Host header names shop.bakery.test, which the bakery does not use.');
  });

  it('answers an HTTP/1.0 request with no Host header with the default page', async () => {
    const { visit, check } = bakery();
    check(await visit('/', undefined, '1.0'), { code: 200, body: NO_BAKERY }, 'An old HTTP/1.0 client sent no Host header.');
  });

  it('tells the names apart over real HTTP too', async () => {
    const site = new Site(createRoot(), { logger: memoryLogger() });
    const { url } = await site.listen('tcp:0:interface=127.0.0.1');
    try {
      // Through loopback, the Host header is whatever the client writes in it: curl -H does the same.
      for (const [host, body] of [['bakery.test', HOME], ['127.0.0.1', NO_BAKERY]] as const) {
        const response = await getOverLoopback(url, host);
        if (response !== body) {
          throw new GradingError(`GET / with "Host: ${host}" over real HTTP.\n✗ expected the body ${JSON.stringify(body)}, got ${JSON.stringify(response)}.`);
        }
      }
    } finally {
      await site.close();
    }
  });
});

/** GET `/` from `url` with a Host header of our choosing (fetch would replace it with the URL's). */
function getOverLoopback(url: string, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { headers: { host } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      response.on('error', reject);
    }).on('error', reject).end();
  });
}
