/**
 * A real browser decoding what the encoders send: Chromium loads a page over HTTPS (it
 * offers `br` only to secure origins) and gets it in Brotli, and its stylesheet, from a
 * subtree that offers only gzip, in gzip; the page renders with the style applied. The
 * certificate is the test's own, trusted by its public key's hash (as in
 * test/site.browser-h2.test.ts).
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { BrotliEncoderFactory, Data, EncodingResourceWrapper, GzipEncoderFactory, Resource, Site, type Request } from '../../lib/index.ts';
import { memoryLogger } from '../../lib/testing.ts';
import { chromium, withChromiumTrusting } from '../support/chromium.ts';
import { requires } from '../support/programs.ts';
import { makeCertificate, type TestCertificate } from '../support/tls.ts';

const openssl = requires('openssl');

// Long enough to be worth compressing (the wrapper leaves bodies under 1 KiB alone).
const FILLER = '<p>Filler that repeats, so that the page is worth compressing.</p>'.repeat(60);
const STYLE = `#hello { color: green; }\n${'.unused { margin: 0; }\n'.repeat(80)}`;

class Page extends Resource {
  override isLeaf = true;
  render_GET(request: Request): string {
    request.setHeader('content-type', 'text/html; charset=utf-8');
    return `<!DOCTYPE html><html><head><link rel="stylesheet" href="/gz/style.css"><title>encoded</title></head>` +
      `<body><p id="hello">Hello, decoded.</p>${FILLER}</body></html>`;
  }
}

openssl.describe('Chromium receiving Brotli and gzip', () => {
  let certificate: TestCertificate;
  let site: Site;
  let base: string;
  beforeAll(async () => {
    certificate = makeCertificate();
    const inner = new Resource();
    inner.putChild('', new Page());
    const gz = new Resource();
    gz.putChild('style.css', new Data(STYLE, 'text/css'));
    // The wrapper nearest a resource decides: /gz/ offers only gzip.
    inner.putChild('gz', new EncodingResourceWrapper(gz, [new GzipEncoderFactory()]));
    site = new Site(new EncodingResourceWrapper(inner, [new BrotliEncoderFactory(), new GzipEncoderFactory()]), { logger: memoryLogger() });
    base = (await site.listen(certificate.endpoint)).url;
  });
  afterAll(async () => {
    await site?.close();
    certificate?.remove();
  });

  chromium.it('decodes a Brotli page and a gzip stylesheet and renders them', async () => {
    await withChromiumTrusting(certificate.cert, async (context) => {
      const page = await context.newPage();
      const codings = new Map<string, string | undefined>();
      page.on('response', (response) => codings.set(new URL(response.url()).pathname, response.headers()['content-encoding']));
      const response = await page.goto(base);
      expect(response?.status()).toBe(200);
      await page.waitForLoadState('load');
      expect(await page.textContent('#hello')).toBe('Hello, decoded.');
      expect(await page.evaluate<string>(`getComputedStyle(document.getElementById('hello')).color`)).toBe('rgb(0, 128, 0)');
      expect(codings.get('/')).toBe('br');
      expect(codings.get('/gz/style.css')).toBe('gzip');
    });
  }, 60_000);
});
