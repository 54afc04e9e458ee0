/**
 * The docs site: VitePress, with the repository root as its source folder so that the
 * lessons are published from where they live (`lessons/NN-slug/README.md` →
 * `/lessons/NN-slug`) and their `<<< ./example.ts#region` includes read the real files.
 *
 * `npm run docs:build` runs TypeDoc first (API markdown into `docs/api/`), then this.
 * Nothing lists lessons, API pages or library files by hand: `loom-site.ts` reads them
 * from disk at build time. A dead link, a missing include or a missing region fails the
 * build. Browser tests: `test/docs/site.browser.test.ts`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DefaultTheme } from 'vitepress';
import { defineConfig } from 'vitepress';
import { REPO_ROOT, loadSiteModel, type SiteModel } from './loom-site.ts';
import { PARTS, loomMarkdown, readDefinedIn, type SiteLinks } from './markdown.ts';

/** Warp and weft, as an inline SVG icon, so the site needs no image file. */
const FAVICON =
  'data:image/svg+xml,' +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#3451b2"/>' +
      '<path d="M6 10h20M6 16h20M6 22h20" stroke="#fff" stroke-width="2.5"/><path d="M11 6v20M21 6v20" stroke="#a8b1ff" stroke-width="2.5"/></svg>',
  );

/** The guides in reading order; a guide not listed here is added after them, by title. */
const GUIDE_ORDER = [
  'getting-started', 'architecture', 'request-lifecycle', 'sessions', 'gateway',
  'proxies-and-virtual-hosts', 'spreading-out', 'loom-and-twisted', 'troubleshooting', 'reliability', 'stress-report', 'exercise-audit',
];

const model = loadSiteModel();
const links: SiteLinks = { model, definedIn: readDefinedIn() };

export default defineConfig({
  title: 'Loom',
  description: 'Twisted Web rebuilt in TypeScript as a workbook: lessons, a readable library and its API reference.',
  lang: 'en',
  srcDir: '..',
  srcExclude: excludedFromSite(),
  rewrites: publishedPath,
  cleanUrls: true,
  // Links to a local server in lesson text ("open http://localhost:8002/") are not pages.
  ignoreDeadLinks: 'localhostLinks',
  head: [['link', { rel: 'icon', href: FAVICON }]],
  markdown: {
    lineNumbers: false,
    config: (md) => loomMarkdown(md, links),
  },
  themeConfig: {
    nav: [
      { text: 'Lessons', link: '/lessons/', activeMatch: '^/lessons/' },
      { text: 'Guides', link: '/guide/getting-started', activeMatch: '^/guide/' },
      { text: 'API', link: '/api/', activeMatch: '^/api/' },
      { text: 'Source', link: '/source/', activeMatch: '^/source/' },
      { text: 'Errors', link: '/reference/errors', activeMatch: '^/reference/' },
    ],
    sidebar: {
      '/lessons/': lessonSidebar(model),
      '/guide/': guideSidebar(),
      '/api/': apiSidebar(),
      '/source/': sourceSidebar(model),
      '/reference/': guideSidebar(),
    },
    search: { provider: 'local' },
    outline: { level: [2, 3] },
    docFooter: { prev: 'Previous', next: 'Next' },
    footer: { message: 'Loom: Twisted Web, rebuilt in TypeScript to be read. MIT licence.' },
  },
  vite: {
    // Mermaid's bundle is large; the warning says nothing useful about this site.
    build: { chunkSizeWarningLimit: 4000 },
    // Mermaid 11 imports CommonJS packages (fastdom, …) that the dev server can only
    // serve once pre-bundled; without this, diagrams fail under `npm run docs:dev`.
    optimizeDeps: { include: ['mermaid'] },
  },
});

/**
 * Where each source file is published: `docs/guide/x.md` → `guide/x.md`, and
 * `lessons/07-handling-posts/README.md` → `lessons/07-handling-posts.md`.
 */
function publishedPath(file: string): string {
  if (file.startsWith('docs/')) return file.slice('docs/'.length);
  const lesson = /^lessons\/(\d{2}-[a-z0-9-]+)\/README\.md$/.exec(file);
  return lesson === null ? file : `lessons/${lesson[1]}.md`;
}

/**
 * Everything in the repository except `docs/` and the lesson READMEs, so a markdown file
 * elsewhere (an exercise's hints, a README in a tool folder) never becomes a page.
 */
function excludedFromSite(): string[] {
  const top = readdirSync(REPO_ROOT).filter((name) => name !== 'docs' && name !== 'lessons');
  const others = top.map((name) => (statSync(join(REPO_ROOT, name)).isDirectory() ? `${name}/**` : name));
  return [...others, 'lessons/*.md', 'lessons/*/!(README).md', 'lessons/*/*/**', 'docs/**/README.md'];
}

function lessonSidebar(m: SiteModel): DefaultTheme.SidebarItem[] {
  const groups = PARTS.map((part, i) => {
    const next = PARTS[i + 1]?.from ?? Infinity;
    const items = m.lessons
      .filter((l) => Number(l.number) >= part.from && Number(l.number) < next)
      .map((l) => ({ text: `${l.number} · ${l.title}`, link: l.route }));
    return { text: part.title, items };
  }).filter((group) => group.items.length > 0);
  return [{ text: 'Lessons', link: '/lessons/' }, ...groups];
}

function guideSidebar(): DefaultTheme.SidebarItem[] {
  const dir = join(REPO_ROOT, 'docs/guide');
  const guides = (existsSync(dir) ? readdirSync(dir) : [])
    .filter((f) => f.endsWith('.md'))
    .map((f) => ({ slug: f.slice(0, -3), title: firstHeading(join(dir, f)) }))
    .sort((a, b) => rank(a.slug) - rank(b.slug) || a.title.localeCompare(b.title));
  return [
    { text: 'Guides', items: guides.map((g) => ({ text: g.title, link: `/guide/${g.slug}` })) },
    { text: 'Reference', items: [{ text: 'Error codes', link: '/reference/errors' }] },
  ];
}

function rank(slug: string): number {
  const i = GUIDE_ORDER.indexOf(slug);
  return i < 0 ? GUIDE_ORDER.length : i;
}

/** A page's `# Title`, for the sidebar. */
function firstHeading(file: string): string {
  const match = /^# (.+)$/m.exec(readFileSync(file, 'utf8'));
  return match?.[1]?.trim() ?? file;
}

/** TypeDoc's own sidebar; empty when the site is built without running TypeDoc first. */
function apiSidebar(): DefaultTheme.SidebarItem[] {
  const file = join(REPO_ROOT, 'docs/api/typedoc-sidebar.json');
  const items = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DefaultTheme.SidebarItem[]) : [];
  return [{ text: 'API reference', link: '/api/', items }];
}

function sourceSidebar(m: SiteModel): DefaultTheme.SidebarItem[] {
  const items = m.sources.map((s) => ({ text: s.file.replace(/^lib\//, ''), link: s.route }));
  return [{ text: 'Library source', link: '/source/', items }];
}
