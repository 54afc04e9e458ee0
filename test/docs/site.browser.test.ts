/**
 * The built docs site, opened in a real browser (Debian's Chromium through
 * playwright-core): every page renders without a console error and without reaching off
 * the machine (each written page and one of each generated kind opened in a tab of its
 * own, the other generated pages reached by following a link, as a reader would), every
 * internal link lands on a page and an anchor that exist, every
 * diagram is drawn as an SVG, search finds a lesson by a word from its text, dark mode
 * switches, a phone-sized screen needs no sideways scrolling, and screenshots of the home
 * page, a lesson and an API page are written for review. How the site is found or built,
 * and when these tests skip, is in `support/built-site.ts`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listLessonPages } from '../../docs/.vitepress/loom-site.ts';
import {
  ROOT, buildSite, builtPages, ensureShotsDir, fileForPath, launchChromium, readiness, servePreview,
  type Browser, type Preview,
} from './support/built-site.ts';

const state = readiness();
const title = state.ready ? 'the docs site in Chromium' : `the docs site in Chromium (skipped: ${state.reason})`;
if (!state.ready) console.log(`docs browser tests skipped: ${state.reason}`);

/** Pages load this many at a time, one tab each: enough to keep two cores busy. */
const TABS = 3;

/** The first built page of each generated kind (an API class, function, …, a source file). */
const FIRST_OF_KIND = new Set<string>();

describe.skipIf(!state.ready)(title, () => {
  let preview: Preview;
  let browser: Browser;
  let context: BrowserContext;
  /** Requests for anything not on the preview server: the site must work offline. */
  const offSite: string[] = [];
  /** Every internal link seen, with the page it was on. */
  const links = new Map<string, string>();
  /** What each page logged as an error, by page. */
  const errors = new Map<string, string[]>();
  let pages: string[] = [];

  /** Record console errors, page errors and failed responses against the page being shown. */
  function watchErrors(page: Page): { now(path: string): void } {
    let current = '';
    page.on('console', (m) => {
      if (m.type() === 'error') note(errors, current, m.text());
    });
    page.on('pageerror', (e) => note(errors, current, e.message));
    page.on('response', (r) => {
      if (r.status() >= 400) note(errors, current, `${r.status()} for ${r.url()}`);
    });
    return { now: (path) => void (current = path) };
  }

  async function collectLinks(page: Page, path: string): Promise<void> {
    for (const href of await internalLinks(page, preview.origin)) if (!links.has(href)) links.set(href, path);
  }

  beforeAll(async () => {
    if (state.mustBuild) {
      const seconds = await buildSite();
      console.log(`docs: built the site in ${seconds.toFixed(0)} s (${state.reason})`);
    }
    pages = builtPages();
    for (const prefix of ['/api/classes/', '/api/functions/', '/api/interfaces/', '/api/type-aliases/', '/api/variables/', '/source/']) {
      const first = pages.find((path) => path.startsWith(prefix) && path.length > prefix.length);
      if (first !== undefined) FIRST_OF_KIND.add(first);
    }
    preview = await servePreview();
    browser = await launchChromium();
    context = browser.context;
    // Chromium resolves no host name but the loopback address (see CHROMIUM_ARGS), so
    // nothing leaves the machine; this records what tried to. (Routing every request
    // through this process to abort the few off-site ones cost about 6 s of CPU.)
    context.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(preview.origin) && !url.startsWith('data:')) offSite.push(url);
    });
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await preview?.close();
  });

  it('loads every written page, and one page of each generated kind, without an error or a request off the machine', async () => {
    const direct = pages.filter(isLoadedDirectly);
    expect(direct).toContain('/');
    const queue = [...direct];
    const worker = async (): Promise<void> => {
      const page = await context.newPage();
      const watch = watchErrors(page);
      for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
        watch.now(path);
        const response = await page.goto(preview.origin + path, { waitUntil: 'load' });
        expect(response?.status(), path).toBe(200);
        await collectLinks(page, path);
      }
      await page.close();
    };
    await Promise.all(Array.from({ length: TABS }, worker));
    expect(Object.fromEntries(errors), 'console errors, by page').toEqual({});
    expect(offSite, 'requests that left the machine').toEqual([]);
  }, 180_000);

  it('renders every other generated page without an error, reached the way a reader reaches it', async () => {
    // The API and source pages come from two templates each, whose direct load the test
    // above covers. Opening each of the rest in a fresh tab would take minutes; following
    // a link inside the site renders the same page component for a fraction of that.
    // Several tabs share the list, as in the test above.
    const queue = pages.filter((path) => !isLoadedDirectly(path));
    expect(queue.length).toBeGreaterThan(0);
    const worker = async (): Promise<void> => {
      const page = await context.newPage();
      const watch = watchErrors(page);
      watch.now('/api/');
      await page.goto(`${preview.origin}/api/`);
      for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
        watch.now(path);
        const title = titleOf(path);
        await page.evaluate(`(() => {
          const a = document.createElement('a');
          a.href = ${JSON.stringify(path)};
          document.body.append(a);
          a.click();
          a.remove();
        })()`);
        await page.waitForFunction(`location.pathname === ${JSON.stringify(path)} && document.title === ${JSON.stringify(title)}`, undefined, { timeout: 15_000 });
        await collectLinks(page, path);
      }
      await page.close();
    };
    await Promise.all(Array.from({ length: TABS }, worker));
    expect(Object.fromEntries(errors), 'console errors, by page').toEqual({});
    expect(offSite, 'requests that left the machine').toEqual([]);
  }, 180_000);

  it('has every internal link land on a built page and an anchor on it', () => {
    expect(links.size).toBeGreaterThan(pages.length);
    const dead: string[] = [];
    for (const [href, from] of links) {
      const url = new URL(href);
      const file = fileForPath(url.pathname);
      if (file === null) dead.push(`${url.pathname} (linked from ${from})`);
      else if (url.hash.length > 1 && !hasAnchor(file, decodeURIComponent(url.hash.slice(1)))) dead.push(`${url.pathname}${url.hash} (linked from ${from})`);
    }
    expect(dead).toEqual([]);
  });

  it('has no page that says TODO or coming soon outside its code', () => {
    const saying = pages.filter((path) => {
      const text = html(fileForPath(path)!).replace(/<pre[^]*?<\/pre>/g, '').replace(/<code[^]*?<\/code>/g, '').replace(/<script[^]*?<\/script>/g, '');
      return /\bTODO\b|coming soon/i.test(text);
    });
    expect(saying).toEqual([]);
  });

  it('draws every diagram as an SVG, with no mermaid error', async () => {
    const withDiagrams = pages.filter((path) => diagramCount(path) > 0);
    expect(withDiagrams).toContain('/guide/request-lifecycle');
    const page = await context.newPage();
    for (const path of withDiagrams) {
      await page.goto(preview.origin + path);
      const expected = diagramCount(path);
      await page.locator('.mermaid svg').nth(expected - 1).waitFor({ timeout: 20_000 });
      expect(await page.locator('.mermaid svg').count(), path).toBe(expected);
      const broken = await page.locator('.mermaid svg[aria-roledescription="error"], .mermaid .error-text').count();
      expect(broken, `mermaid errors on ${path}`).toBe(0);
    }
    await page.close();
  }, 120_000);

  it('finds a lesson by a word from its text', async () => {
    const { lesson, word } = searchableWord(pages);
    const page = await context.newPage();
    await page.goto(`${preview.origin}/`);
    const input = page.locator('#localsearch-input');
    // The button works once the page has hydrated; until then a click does nothing.
    await expect.poll(async () => {
      if (!(await input.isVisible())) await page.locator('.DocSearch-Button').click({ timeout: 2_000 });
      return input.isVisible();
    }, { timeout: 20_000, interval: 250 }).toBe(true);
    await input.fill(word);
    const hit = page.locator(`#localsearch-list a.result[href^="${lesson}"]`).first();
    await hit.waitFor({ timeout: 15_000 });
    await hit.click();
    await page.waitForURL(new RegExp(`${lesson}(#.*)?$`));
    await expect.poll(async () => (await page.locator('.vp-doc').innerText()).toLowerCase(), { timeout: 10_000 }).toContain(word);
    await page.close();
  }, 60_000);

  it('switches to dark mode and remembers it', async () => {
    const page = await context.newPage();
    await page.goto(`${preview.origin}/guide/getting-started`);
    const dark = () => page.evaluate<boolean>("document.documentElement.classList.contains('dark')");
    const before = await dark();
    await page.locator('.VPNavBarAppearance .VPSwitchAppearance').click();
    expect(await dark()).toBe(!before);
    await page.reload();
    expect(await dark()).toBe(!before);
    await page.locator('.VPNavBarAppearance .VPSwitchAppearance').click();
    await page.close();
  }, 30_000);

  it('fits a phone screen without sideways scrolling', async () => {
    const page = await context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    const lesson = listLessonPages(ROOT, new Set())[0]!.route;
    for (const path of ['/', lesson, '/guide/loom-and-twisted', '/guide/request-lifecycle', '/api/classes/Request']) {
      await page.goto(preview.origin + path);
      const [scrollWidth, innerWidth] = await page.evaluate<[number, number]>('[document.documentElement.scrollWidth, window.innerWidth]');
      expect(scrollWidth, `page width of ${path} on a 390 px screen`).toBeLessThanOrEqual(innerWidth);
    }
    await page.close();
  }, 60_000);

  it('takes screenshots of the home page, a lesson and an API page for review', async () => {
    const dir = ensureShotsDir();
    const page = await context.newPage();
    const lesson = listLessonPages(ROOT, new Set())[0]!.route;
    const shots: Array<[string, string, boolean]> = [
      ['/', 'home.png', true],
      [lesson, 'lesson.png', false],
      ['/api/classes/Resource', 'api.png', false],
    ];
    for (const [path, file, full] of shots) {
      await page.goto(preview.origin + path);
      await page.evaluate('document.fonts.ready');
      const png = await page.screenshot({ path: join(dir, file), fullPage: full });
      expect(png.byteLength, file).toBeGreaterThan(10_000);
    }
    await page.close();
  }, 60_000);

  it('notices, and stops, a page that reaches off the machine (so the checks above can fail)', async () => {
    const page = await context.newPage();
    await page.goto(`${preview.origin}/`);
    const before = offSite.length;
    const outcome = await page.evaluate<string>("fetch('https://registry.npmjs.org/').then(() => 'reached', () => 'stopped')");
    expect(outcome).toBe('stopped');
    expect(offSite.slice(before)).toEqual(['https://registry.npmjs.org/']);
    offSite.length = before;
    await page.close();
  }, 30_000);
});

function note(map: Map<string, string[]>, page: string, message: string): void {
  map.set(page, [...(map.get(page) ?? []), message]);
}

/**
 * Pages opened in a tab of their own: every page someone wrote (home, lessons, guides,
 * reference, the index pages) and the first page of each kind the site generates.
 */
function isLoadedDirectly(path: string): boolean {
  if (!/^\/(api|source)\/./.test(path)) return true;
  return FIRST_OF_KIND.has(path);
}

/** The page's links that stay on the site, absolute. */
async function internalLinks(page: Page, origin: string): Promise<string[]> {
  // A string, not a function: the tests are type-checked without the DOM's types.
  const hrefs = await page.evaluate<string[]>("[...document.querySelectorAll('a[href]')].map((a) => a.href)");
  return hrefs.filter((href) => href.startsWith(origin));
}

const htmlCache = new Map<string, string>();
function html(file: string): string {
  let text = htmlCache.get(file);
  if (text === undefined) htmlCache.set(file, (text = readFileSync(file, 'utf8')));
  return text;
}

/** The `<title>` a built page has, which the browser shows once the page has rendered. */
function titleOf(path: string): string {
  const file = fileForPath(path);
  const match = file === null ? null : /<title>([^<]*)<\/title>/.exec(html(file));
  if (match === null) throw new Error(`no built page with a title for ${path}`);
  return decodeEntities(match[1]!);
}

function decodeEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

function hasAnchor(file: string, id: string): boolean {
  const text = html(file);
  return text.includes(`id="${id}"`) || text.includes(`id="${escapeAttr(id)}"`);
}

function escapeAttr(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** How many diagrams the built page holds (each is a `<div class="mermaid">` until drawn). */
function diagramCount(path: string): number {
  const file = fileForPath(path);
  return file === null ? 0 : html(file).split('<div class="mermaid"').length - 1;
}

/**
 * A lesson and a long word from its prose that no other lesson uses and that the fewest
 * other built pages contain, so the search must find that lesson itself: a common word
 * would pass by luck, or push the lesson below the results the search box shows.
 */
function searchableWord(pages: readonly string[]): { lesson: string; word: string } {
  const lessons = listLessonPages(ROOT, new Set()).map((l) => ({
    route: l.route,
    words: new Set(prose(readFileSync(join(ROOT, l.readme), 'utf8')).toLowerCase().match(/\b[a-z]{8,}\b/g) ?? []),
  }));
  const texts = pages.map((path) => ({ path, text: html(fileForPath(path)!).toLowerCase() }));
  let best: { lesson: string; word: string; elsewhere: number } | null = null;
  for (const lesson of lessons) {
    const others = lessons.filter((l) => l !== lesson);
    for (const word of lesson.words) {
      if (others.some((o) => o.words.has(word))) continue;
      const elsewhere = countPagesWith(texts, word, lesson.route, best?.elsewhere ?? Infinity);
      if (best === null || elsewhere < best.elsewhere) best = { lesson: lesson.route, word, elsewhere };
      // No word can beat one found on no other page, and a tie keeps the first.
      if (best.elsewhere === 0) return best;
    }
  }
  if (best === null) throw new Error('no lesson has a word of its own to search for');
  return best;
}

/**
 * How many pages other than `except` contain `word`, counting no further than `limit`:
 * a word already as common as the best one so far is out, however common it is. (The
 * pages come to 30 MB of HTML; counting every word to the end took 20 s of CPU.)
 */
function countPagesWith(texts: ReadonlyArray<{ path: string; text: string }>, word: string, except: string, limit: number): number {
  let count = 0;
  for (const { path, text } of texts) {
    if (path !== except && text.includes(word) && ++count >= limit) break;
  }
  return count;
}

/** A README's text without front matter, code blocks, includes or inline code. */
function prose(markdown: string): string {
  return markdown
    .replace(/^---[^]*?^---$/m, '')
    .replace(/^(```|~~~)[^]*?^\1/gm, '')
    .replace(/^<<<.*$/gm, '')
    .replace(/^<!--.*-->$/gm, '')
    .replace(/`[^`]*`/g, '');
}
