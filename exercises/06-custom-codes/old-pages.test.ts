/**
 * Graded tests for exercise 06. Each test sends one request (in memory) to the tree
 * `createRoot()` returns, or to a page of your own making, and checks its status line
 * and headers as well as its body.
 */
import { describe, it } from 'vitest';
import { Resource } from '../../lib/index.ts';
import { request } from '../../lib/testing.ts';
import { subject } from '../../tools/grading/subject.ts';
import { expectResponse } from '../../tools/grading/wire.ts';

/** What to do when the status line has a reason phrase of its own. */
const STANDARD_REASON = 'Give setResponseCode only the code: the standard reason phrase is filled in for you.';

const { createRoot, Moved } = await subject<typeof import('./old-pages.ts')>(import.meta.url, 'old-pages.ts');

describe('Moved', () => {
  it('answers /old-home with 301 and the Location of the new page', async () => {
    const response = await request(createRoot(), { uri: '/old-home' });
    expectResponse(response, { code: 301, headers: { location: '/home' }, body: '<html><body>This page has moved.</body></html>' });
    expectResponse(response, { message: 'Moved Permanently' }, STANDARD_REASON);
  });

  it('sends the location it was given, not a fixed one', async () => {
    const root = new Resource();
    root.putChild('blog', new Moved('https://example.com/elsewhere'));
    const response = await request(root, { uri: '/blog' });
    expectResponse(response, { code: 301, headers: { location: 'https://example.com/elsewhere' } },
      'Here /blog is new Moved("https://example.com/elsewhere").');
  });

  it('answers HEAD with the same 301 and Location', async () => {
    const response = await request(createRoot(), { method: 'HEAD', uri: '/old-home' });
    expectResponse(response, { code: 301, headers: { location: '/home' }, body: '' });
  });
});

describe('Gone', () => {
  it('answers /promo with 410 Gone', async () => {
    const response = await request(createRoot(), { uri: '/promo' });
    expectResponse(response, { code: 410, body: '<html><body>This page is gone for good.</body></html>' });
    expectResponse(response, { message: 'Gone' }, STANDARD_REASON);
  });

  it('answers HEAD with the same 410', async () => {
    const response = await request(createRoot(), { method: 'HEAD', uri: '/promo' });
    expectResponse(response, { code: 410, body: '' });
  });
});
