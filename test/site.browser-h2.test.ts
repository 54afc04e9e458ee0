/**
 * A real browser over HTTP/2: Chromium loads a page and its stylesheet from a Site on an
 * ssl: endpoint, and both the browser and the Site say the protocol was h2. The
 * certificate is the test's own (test/support/tls.ts); Chromium is told to trust exactly
 * that one, by its public key's hash, rather than to ignore certificate errors.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { Data, Resource, Site, type Request } from '../lib/index.ts';
import { memoryLogger } from '../lib/testing.ts';
import { chromium, withChromiumTrusting } from './support/chromium.ts';
import { requires } from './support/programs.ts';
import { makeCertificate, type TestCertificate } from './support/tls.ts';

const openssl = requires('openssl');

/** The page, which names the protocol the Site saw it arrive over. */
class Page extends Resource {
  override isLeaf = true;
  render_GET(request: Request): string {
    request.setHeader('content-type', 'text/html; charset=utf-8');
    return `<!DOCTYPE html><html><head><link rel="stylesheet" href="/style.css"><title>h2</title></head>` +
      `<body><p id="proto">${request.clientproto}</p></body></html>`;
  }
}

/** The base64 SHA-256 of the certificate's public key: what --ignore-certificate-errors-spki-list takes. */
openssl.describe('Chromium over HTTP/2', () => {
  let certificate: TestCertificate;
  let site: Site;
  let base: string;
  beforeAll(async () => {
    certificate = makeCertificate();
    const root = new Resource();
    root.putChild('', new Page());
    root.putChild('style.css', new Data('p { color: green; }\n', 'text/css'));
    site = new Site(root, { logger: memoryLogger() });
    base = (await site.listen(certificate.endpoint)).url;
  });
  afterAll(async () => {
    await site?.close();
    certificate?.remove();
  });

  chromium.it('loads a page and its stylesheet over h2, as the browser and the Site both report', async () => {
    await withChromiumTrusting(certificate.cert, async (context) => {
      const page = await context.newPage();
      const response = await page.goto(base);
      expect(response?.status()).toBe(200);
      expect(await page.textContent('#proto')).toBe('HTTP/2');
      // Written as strings: the page's code runs in the browser, where the DOM's types live.
      const protocols = await page.evaluate<[string, string][]>(`[...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
        .map((e) => [new URL(e.name).pathname, e.nextHopProtocol])`);
      // The browser also asks for /favicon.ico (a 404 here), over the same connection.
      expect(protocols.filter(([path]) => path !== '/favicon.ico')).toEqual([['/', 'h2'], ['/style.css', 'h2']]);
      expect(await page.evaluate<string>(`getComputedStyle(document.getElementById('proto')).color`)).toBe('rgb(0, 128, 0)');
    });
  }, 60_000);
});
