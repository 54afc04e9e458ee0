/**
 * Graded tests for exercise 06. Each test sends one request (in memory) to the tree
 * `createRoot()` returns, or to a page of your own making, and checks its status line
 * and headers as well as its body.
 */
import { describe, it } from 'vitest';
import { Resource } from '../../lib/index.ts';
import { request, type TestResponse } from '../../lib/testing.ts';
import { subject } from '../../tools/grading/subject.ts';
import { GradingError, expectResponse, transcript } from '../../tools/grading/wire.ts';

const { createRoot, Moved } = await subject<typeof import('./old-pages.ts')>(import.meta.url, 'old-pages.ts');

describe('Moved', () => {
  it('answers /old-home with 301 and the Location of the new page', async () => {
    const response = await request(createRoot(), { uri: '/old-home' });
    expectResponse(response, { code: 301, headers: { location: '/home' }, body: '<html><body>This page has moved.</body></html>' });
    expectReason(response, 'Moved Permanently');
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
    expectReason(response, 'Gone');
  });

  it('answers HEAD with the same 410', async () => {
    const response = await request(createRoot(), { method: 'HEAD', uri: '/promo' });
    expectResponse(response, { code: 410, body: '' });
  });
});

/** Fail unless the status line carries the standard reason phrase for its code. */
function expectReason(response: TestResponse, reason: string): void {
  if (response.message === reason) return;
  throw new GradingError(transcript(response, [`expected the status line "HTTP/1.1 ${response.code} ${reason}", got "HTTP/1.1 ${response.code} ${response.message}"`],
    'Give setResponseCode only the code: the standard reason phrase is filled in for you.'));
}
