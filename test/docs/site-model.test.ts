/**
 * How the docs site reads the repository (docs/.vitepress/loom-site.ts) and the markdown
 * plugins built on it (docs/.vitepress/markdown.ts), without building the site. Most
 * cases use a small repository made in a temporary folder; the last block checks the
 * real one, so that a guide that names a missing file fails here in a second rather
 * than in a site build that takes a minute.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import MarkdownIt from 'markdown-it';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  REPO_ROOT, importedFromLib, libIncludesOf, listLessonPages, loadSiteModel, moduleComment, moduleSummary,
  namesTaught, regionsOf, sectionItems, sourceParam, twistedNotes, type SiteModel,
} from '../../docs/.vitepress/loom-site.ts';
import {
  apiHeader, checkInclude, quotedFrontMatter, differencesTable, injectIntoPage, lessonFooter, loomMarkdown, readDefinedIn, siteHrefFor,
  type SiteLinks,
} from '../../docs/.vitepress/markdown.ts';

/** A two-lesson repository: lesson 01 introduces Resource and Site, lesson 02 adds escapeHTML. */
const FIXTURE: Record<string, string> = {
  'lessons/01-first/README.md': [
    '---', 'title: The first lesson', 'summary: Resource and Site.', '---', '', '# 01 · The first lesson', '',
    'A `Resource` answers; `new Site(root)` serves it; `render` is a method here.', '',
    '<<< ./example.ts#first-page{ts}', '', '<<< ../../lib/resource.ts#resource-render{ts}', '',
    '## Twisted and Loom', '', '- Twisted returns bytes; Loom returns strings,', '  because text is a string.', '- Both say 404.', '',
    'A closing paragraph.', '', '## Try it', '', '```sh', 'curl -i http://127.0.0.1:8001/  # `Session` here is code', '```',
  ].join('\n'),
  'lessons/01-first/example.ts': "import { Resource, Site, type Request } from '../../lib/index.ts';\n// #region first-page\nexport const x = 1;\n// #endregion first-page\n",
  'lessons/02-second/README.md': '---\ntitle: The second lesson\n---\n\n# 02\n\nUses `escapeHTML(text)` and `Resource.render`.\n\n<<< ../../lib/html.ts{ts}\n',
  'lessons/03-no-readme/example.ts': 'export {};\n',
  'lib/index.ts': "export { Resource, render } from './resource.ts';\nexport { Site, type SiteOptions as Options } from './site.ts';\nexport { escapeHTML } from './html.ts';\n",
  'lib/resource.ts': [
    '/**', ' * @module', ' * Resources and the tree.', ' *', ' * Twisted counterpart: `twisted.web.resource`. Loom differs:',
    ' * - segments are strings, because JavaScript', ' *   has strings;', ' * - HEAD needs GET.', ' * Tests: `test/resource.test.ts`.', ' */',
    '// #region resource-render', 'export class Resource {}', '// #endregion resource-render', 'export function render() {}',
  ].join('\n'),
  'lib/site.ts': '/**\n * @module\n * The Site.\n *\n * Twisted counterpart: `twisted.web.server.Site`. Loom differs: the clock is injected, so tests | pin it. Tests: `test/site.test.ts`.\n */\nexport class Site {}\n',
  'lib/html.ts': '/**\n * @module\n * Escaping.\n */\nexport function escapeHTML() {}\n',
  'lib/gateway/pool.ts': '/**\n * @module\n * A pool.\n *\n * Twisted counterpart: none; Twisted shares memory.\n */\n',
  'docs/api/classes/Resource.md': '# Class: Resource\n\nThe base class.\n',
  'docs/api/classes/Site.md': '# Class: Site\n',
  'docs/api/functions/escapeHTML.md': '# Function: escapeHTML()\n',
  'docs/api/functions/render.md': '# Function: render()\n',
};

let root: string;
let model: SiteModel;
let links: SiteLinks;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'loom-docs-model-'));
  for (const [path, text] of Object.entries(FIXTURE)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  model = loadSiteModel(root);
  links = { model, definedIn: readDefinedIn(root) };
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('listLessonPages', () => {
  it('publishes each lesson with a README at /lessons/NN-slug, in number order', () => {
    expect(model.lessons.map((l) => [l.route, l.readme, l.title])).toEqual([
      ['/lessons/01-first', 'lessons/01-first/README.md', 'The first lesson'],
      ['/lessons/02-second', 'lessons/02-second/README.md', 'The second lesson'],
    ]);
  });

  it('gathers the lib files a lesson includes, with their regions, and skips its own files', () => {
    expect(model.lessons[0]!.libIncludes).toEqual([{ file: 'lib/resource.ts', regions: ['resource-render'] }]);
    expect(model.lessons[1]!.libIncludes).toEqual([{ file: 'lib/html.ts', regions: [] }]);
  });

  it('names the exports a lesson imports or writes in backticks, but a lower-case word only when imported', () => {
    expect(model.lessons[0]!.names).toEqual(['Resource', 'Site']);
    expect(model.lessons[1]!.names).toEqual(['escapeHTML', 'Resource']);
  });

  it('keeps the items of the "Twisted and Loom" section, one line each', () => {
    expect(model.lessons[0]!.twistedNotes).toEqual(['Twisted returns bytes; Loom returns strings, because text is a string.', 'Both say 404.']);
  });
});

describe('reading lessons and code', () => {
  it('reads named, typed and renamed imports from lib only', () => {
    const source = "import { A, type B, C as D } from '../../lib/index.ts';\nimport { E } from './calendar.ts';\nimport type { F } from '../lib/x.ts';";
    expect(importedFromLib(source)).toEqual(['A', 'B', 'C', 'F']);
  });

  it('ignores backticks inside fenced code', () => {
    expect(namesTaught('```ts\n`Site`\n```\nand `Resource`', [], new Set(['Site', 'Resource']))).toEqual(['Resource']);
  });

  it('reads include paths relative to the lesson folder or from the root with @', () => {
    const dir = join(root, 'lessons/01-first');
    expect(libIncludesOf('<<< @/lib/site.ts#site-listen{ts}\n<<< ./example.ts#x', dir, root)).toEqual([{ file: 'lib/site.ts', regions: ['site-listen'] }]);
  });

  it('reads woven blocks as includes, by the path in their marker', () => {
    const dir = join(root, 'lessons/01-first');
    const woven = '<!-- weave: ../../lib/resource.ts#resource-render -->\n*`lib/resource.ts`, line 12*\n\n```ts\nexport class Resource {}\n```\n<!-- /weave -->';
    expect(libIncludesOf(woven, dir, root)).toEqual([{ file: 'lib/resource.ts', regions: ['resource-render'] }]);
  });

  it('finds regions in TypeScript, CSS, HTML and shell spellings', () => {
    const text = '// #region a\n/* #region b */\n<!-- #region c -->\n# region d\n  // #region e\n// #endregion a';
    expect(regionsOf(text)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('takes the first paragraph of a module comment as its summary', () => {
    expect(moduleSummary(FIXTURE['lib/resource.ts']!)).toBe('Resources and the tree.');
    expect(moduleComment('const x = 1;')).toBe('');
    expect(moduleSummary('/**\n * @module\n * As-is files: a file with its own head. `moved.asis` can say\n *\n * ```\n * HTTP/1.1 301\n * ```\n */')).toBe('As-is files: a file with its own head.');
  });

  it('reads "Loom differs" as a list or as a sentence, and marks modules Twisted lacks', () => {
    const resource = twistedNotes(moduleComment(FIXTURE['lib/resource.ts']!));
    expect(resource).toEqual({
      counterpart: '`twisted.web.resource`',
      loomOnly: false,
      differences: ['segments are strings, because JavaScript has strings', 'HEAD needs GET'],
    });
    expect(twistedNotes(moduleComment(FIXTURE['lib/site.ts']!)).differences).toEqual(['the clock is injected, so tests | pin it']);
    expect(twistedNotes(moduleComment(FIXTURE['lib/gateway/pool.ts']!)).loomOnly).toBe(true);
  });

  it('gives each lib file a route parameter, keeping /source/ free for the list', () => {
    expect(sourceParam('lib/gateway/pool.ts')).toBe('gateway-pool');
    expect(sourceParam('lib/index.ts')).toBe('lib-index');
    expect(sourceParam('lib/rsx-env.d.ts')).toBe('rsx-env');
  });

  it('reads list items of one section only', () => {
    const text = '## A\n- one\n## B\n- two\n  more\n\nprose\n- three\n### Sub\n- four\n## C\n- five';
    expect(sectionItems(text, /^B$/)).toEqual(['two more', 'three', 'four']);
  });

  it('maps each re-exported name to its file', () => {
    expect(Object.fromEntries(readDefinedIn(root))).toEqual({
      Resource: 'lib/resource.ts', render: 'lib/resource.ts', Site: 'lib/site.ts', Options: 'lib/site.ts', escapeHTML: 'lib/html.ts',
    });
  });
});

describe('generated page parts', () => {
  it('ends a lesson page with its library code and the API names it introduces or reuses', () => {
    expect(lessonFooter(model.lessons[1]!, links)).toBe([
      '## In the library', '',
      'The library code on this page, in full:', '', '- [`lib/html.ts`](/source/html)', '',
      'New in this lesson: [`escapeHTML`](/api/functions/escapeHTML).', '',
      'Met before: [`Resource`](/api/classes/Resource).',
    ].join('\n'));
  });

  it('opens an API page with its file and the lessons that teach it', () => {
    expect(apiHeader('Resource', links)).toBe([
      '::: info In the workbook', 'Defined in [`lib/resource.ts`](/source/resource).', '',
      'Introduced in lesson [01 · The first lesson](/lessons/01-first). Also in lessons [02](/lessons/02-second).', ':::',
    ].join('\n'));
    expect(apiHeader('Nothing', links)).toBe('');
  });

  it('inserts the header after the title of the API page it belongs to', () => {
    const page = injectIntoPage(FIXTURE['docs/api/classes/Site.md']!, 'docs/api/classes/Site.md', links);
    expect(page).toMatch(/^# Class: Site\n\n::: info In the workbook\nDefined in/);
  });

  it('appends the footer to lesson pages only, and expands placeholders anywhere', () => {
    expect(injectIntoPage('# 01', 'lessons/01-first/README.md', links)).toContain('## In the library');
    const list = injectIntoPage('<!-- @loom:lessons -->', 'docs/lessons/index.md', links);
    expect(list).toContain('- [01 · The first lesson](/lessons/01-first) — Resource and Site.');
    expect(injectIntoPage('<!-- @loom:module lib/site.ts -->', 'docs/x.md', links)).toBe('**[`lib/site.ts`](/source/site)**: The Site.');
    expect(() => injectIntoPage('<!-- @loom:module lib/gone.ts -->', 'docs/x.md', links)).toThrow(/lib\/gone\.ts/);
    expect(() => injectIntoPage('<!-- @loom:nonsense -->', 'docs/x.md', links)).toThrow(/unknown placeholder/);
  });

  it('puts every stated difference in the table, one row each, with pipes escaped', () => {
    const table = differencesTable(model);
    expect(table).toContain('| [`resource.ts`](/source/resource) | `twisted.web.resource` | segments are strings, because JavaScript has strings |');
    expect(table).toContain('|  | 〃 | HEAD needs GET |');
    expect(table).toContain('so tests \\| pin it');
    expect(table).toContain('| [`gateway/pool.ts`](/source/gateway-pool) | none (Twisted shares memory) | added by Loom: a pool. |');
  });
});

describe('links written in lessons', () => {
  const page = 'lessons/01-first/README.md';

  it('sends GitHub-style links to lessons, lib files and docs pages to their pages, keeping the anchor', () => {
    expect(siteHrefFor('../02-second/README.md#the-idea', page, model)).toBe('/lessons/02-second#the-idea');
    expect(siteHrefFor('../02-second/', page, model)).toBe('/lessons/02-second');
    expect(siteHrefFor('../../lib/resource.ts', page, model)).toBe('/source/resource');
    expect(siteHrefFor('../../docs/guide/sessions.md', page, model)).toBe('/guide/sessions');
  });

  it('leaves absolute, external and anchor links alone', () => {
    for (const href of ['/api/', 'https://docs.twisted.org/', '#the-idea', 'mailto:a@b.c']) expect(siteHrefFor(href, page, model)).toBe(href);
  });

  it('fails on a link to a repository file that has no page', () => {
    expect(() => siteHrefFor('../../exercises/01-first/hints.md', page, model)).toThrow(/has no page on the docs site/);
  });
});

describe('lesson front matter', () => {
  it('is quoted as the workbook reads it, so a colon inside a value is not YAML syntax', () => {
    const src = '---\ntitle: Advanced configuration\nsummary: a file or script: children, "quotes"\n---\n\n# 23\n';
    expect(quotedFrontMatter(src)).toBe('---\ntitle: "Advanced configuration"\nsummary: "a file or script: children, \\"quotes\\""\n---\n\n# 23\n');
    expect(quotedFrontMatter('# no front matter\n')).toBe('# no front matter\n');
  });
});

describe('includes and diagrams', () => {
  it('fails on an include of a missing file or a missing region, naming the regions there are', () => {
    const file = join(root, 'lib/resource.ts');
    expect(() => checkInclude(file, 'resource-render', 'p.md')).not.toThrow();
    expect(() => checkInclude(file, '', 'p.md')).not.toThrow();
    expect(() => checkInclude(file, 'resource-gone', 'p.md')).toThrow(/no "\/\/ #region resource-gone"; it has: resource-render/);
    expect(() => checkInclude(join(root, 'lib/nope.ts'), '', 'p.md')).toThrow(/no such file/);
  });

  it('turns a mermaid block into the lazy diagram component', () => {
    const md = new MarkdownIt();
    // VitePress bundles its own copy of markdown-it's types; the object is the same kind.
    loomMarkdown(md as unknown as Parameters<typeof loomMarkdown>[0], links);
    const html = md.render('```mermaid\nflowchart LR\n  a --> b\n```\n\n```ts\nx\n```');
    expect(html).toContain(`<MermaidDiagram code="${encodeURIComponent('flowchart LR\n  a --> b\n')}" />`);
    expect(html).toContain('<code class="language-ts">');
  });
});

describe('the real repository', () => {
  const real = loadSiteModel(REPO_ROOT);

  it('gives every lesson folder with a README a page', () => {
    const folders = readdirSync(join(REPO_ROOT, 'lessons'), { withFileTypes: true })
      .filter((e) => e.isDirectory() && /^\d{2}-/.test(e.name))
      .filter((e) => readdirSync(join(REPO_ROOT, 'lessons', e.name)).includes('README.md'))
      .map((e) => `/lessons/${e.name}`);
    expect(listLessonPages(REPO_ROOT, new Set()).map((l) => l.route)).toEqual(folders.sort());
  });

  it('names only lib files that exist in the guides', () => {
    const guides = readdirSync(join(REPO_ROOT, 'docs/guide')).map((f) => readFileSync(join(REPO_ROOT, 'docs/guide', f), 'utf8'));
    const named = guides.flatMap((text) => [...text.matchAll(/@loom:module\s+(\S+)/g)].map((m) => m[1]!));
    const known = new Set(real.sources.map((s) => s.file));
    expect(named.filter((file) => !known.has(file))).toEqual([]);
  });

  it('has no page that says TODO or coming soon', () => {
    const pages = [
      ...markdownUnder(join(REPO_ROOT, 'docs'), ['api', '.vitepress']),
      ...real.lessons.map((l) => join(REPO_ROOT, l.readme)),
    ];
    const offenders = pages.filter((file) => /\bTODO\b|coming soon/i.test(readFileSync(file, 'utf8').replace(/^(```|~~~)[^]*?^\1/gm, '')));
    expect(offenders).toEqual([]);
  });
});

function markdownUnder(dir: string, skip: readonly string[]): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (skip.includes(entry.name)) return [];
    const path = join(dir, entry.name);
    return entry.isDirectory() ? markdownUnder(path, skip) : entry.name.endsWith('.md') ? [path] : [];
  });
}
