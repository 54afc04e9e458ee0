/**
 * Graded tests for exercise 29. Each test sends in-memory requests to the root that
 * `createRoot()` returns, as a browser following an old bookmark would, and checks that
 * the page at the new place answers, with no redirect; one test calls
 * `stripIndexHtml` on a request by hand.
 */
import { describe, it } from 'vitest';
import { RewriterResource } from '../../lib/index.ts';
import { makeRequest, request, testSite, type TestResponse } from '../../lib/testing.ts';
import { subject } from '../../tools/grading/subject.ts';
import { GradingError, expectResponse, type Expected } from '../../tools/grading/wire.ts';

const { createRoot, stripIndexHtml } = await subject<typeof import('./moved.ts')>(import.meta.url, 'moved.ts');

const NEWS = (walked: string) => `<html><body>All the news (walked ${walked})</body></html>`;
const LAUNCH = '<html><body>We launched (walked /news/launch)</body></html>';
const ANN = '<html><body>Ann, reporter (walked /users/ann/)</body></html>';

/** A fresh server root, and a way to visit it. */
function newsroom() {
  const site = testSite(createRoot());
  const visit = (uri: string) => request(site, { uri });
  const check = (response: TestResponse, expected: Expected, note: string) => {
    const errors = site.logger.messages.filter((m) => m.level === 'error')
      .map((m) => `The server logged: ${m.message}${m.error instanceof Error ? `: ${m.error.message}` : ''}`);
    expectResponse(response, expected, [note, ...errors].join('\n'));
  };
  return { visit, check };
}

describe('stripIndexHtml', () => {
  it('turns a last segment index.html into a trailing slash, and rewrites request.path', () => {
    const req = makeRequest({ uri: '/news/index.html' });
    req.prepath = [];
    req.postpath = ['news', 'index.html'];
    stripIndexHtml(req);
    const got = JSON.stringify(req.postpath);
    if (got !== '["news",""]') {
      throw new GradingError(`stripIndexHtml on postpath ["news","index.html"].\n✗ expected postpath ["news",""] (a trailing slash is a last segment ""), got ${got}.`);
    }
    if (req.path !== '/news/') {
      throw new GradingError(`stripIndexHtml on /news/index.html.\n✗ expected request.path "/news/", got ${JSON.stringify(req.path)}. Call setPathFromSegments(request) after changing postpath.`);
    }
  });

  it('keeps request.path in step below the root too: prepath first, each segment quoted', () => {
    // A rewriter put at /site/ runs its rules with prepath ['site'] already walked.
    const req = makeRequest({ uri: '/site/new%20stories/index.html' });
    req.prepath = ['site'];
    req.postpath = ['new stories', 'index.html'];
    stripIndexHtml(req);
    if (req.path !== '/site/new%20stories/') {
      throw new GradingError('stripIndexHtml on /site/new%20stories/index.html, with prepath ["site"] and postpath ["new stories","index.html"].\n' +
        `✗ expected request.path "/site/new%20stories/", got ${JSON.stringify(req.path)}. ` +
        'setPathFromSegments(request) builds it from prepath and postpath, quoting each segment; a path joined by hand from postpath alone loses both.');
    }
  });

  it('leaves index.html alone when it is not the last segment', () => {
    const req = makeRequest({ uri: '/index.html/x' });
    req.prepath = [];
    req.postpath = ['index.html', 'x'];
    stripIndexHtml(req);
    const got = JSON.stringify(req.postpath);
    if (got !== '["index.html","x"]') {
      throw new GradingError(`stripIndexHtml on postpath ["index.html","x"].\n✗ expected it unchanged (only a LAST segment index.html names a folder's page), got ${got}.`);
    }
  });
});

describe('createRoot', () => {
  it('returns a RewriterResource', () => {
    const root = createRoot();
    if (!(root instanceof RewriterResource)) {
      throw new GradingError(`✗ createRoot() returned ${root?.constructor?.name ?? String(root)}; expected a RewriterResource around newsroomTree().`);
    }
  });

  it('still serves the real paths', async () => {
    const { visit, check } = newsroom();
    check(await visit('/news/'), { code: 200, body: NEWS('/news/') }, 'The real path of the news page.');
    check(await visit('/news/launch'), { code: 200, body: LAUNCH }, 'The real path of a story.');
    check(await visit('/users/ann/'), { code: 200, body: ANN }, 'The real path of Ann\'s page.');
  });

  it('walks /blog/… as /news/… (step 1)', async () => {
    const { visit, check } = newsroom();
    check(await visit('/blog/launch'), { code: 200, body: LAUNCH, headers: { location: undefined } }, 'An old bookmark: /blog was renamed /news. Expected the page itself, not a redirect.');
    check(await visit('/blog/'), { code: 200, body: NEWS('/news/') }, 'An old bookmark of the blog\'s front page.');
  });

  it('matches whole segments: /blogroll is not /blog (step 1)', async () => {
    const { visit, check } = newsroom();
    check(await visit('/blogroll'), { code: 404 }, 'No page /blogroll, old or new. alias() compares whole segments.');
  });

  it('walks /~ann/ as /users/ann/ (step 2)', async () => {
    const { visit, check } = newsroom();
    check(await visit('/~ann/'), { code: 200, body: ANN }, 'A Unix-style home page URL.');
  });

  it('walks …/index.html as the folder it is in (step 3)', async () => {
    const { visit, check } = newsroom();
    check(await visit('/news/index.html'), { code: 200, body: NEWS('/news/') }, 'An old link to index.html.');
    check(await visit('/~ann/index.html'), { code: 200, body: ANN }, 'An old link to index.html on Ann\'s page: the rules combine.');
  });

  it('combines the rules: /blog/index.html is the news page', async () => {
    const { visit, check } = newsroom();
    check(await visit('/blog/index.html'), { code: 200, body: NEWS('/news/') }, 'Both old habits at once: /blog and index.html.');
  });
});
