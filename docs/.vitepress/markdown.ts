/**
 * Markdown plugins that tie the docs site to the repository:
 *
 * - **cross references**: a lesson page ends with the library files its code comes from
 *   and the API pages of the names it teaches; an API page opens with the lessons that
 *   teach its name and the file that defines it; `<!-- @loom:… -->` placeholders in the
 *   guides expand to generated lists (lessons, library files);
 * - **links written for GitHub**: a lesson may link to `../03-static-dispatch/README.md`
 *   or `../../lib/resource.ts`, which reads well on GitHub and in an editor; here such a
 *   link is turned into the site's page for it, and a link to a repository file that
 *   has no page fails the build instead of leaving a dead link;
 * - **includes that must exist**: `<<< ./example.ts#region` with a region the file does
 *   not have fails the build (VitePress alone would quietly include the whole file).
 *
 * Everything is keyed on the page's real file (`lessons/02-…/README.md`), which VitePress
 * passes as `env.realPath` when rendering a page and as `env.path` when indexing it for
 * search.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import type { MarkdownEnv, MarkdownRenderer } from 'vitepress';
import { parseFrontMatter } from '../../tools/workbook/front-matter.ts';
import {
  REPO_ROOT, introduces, lessonsIncluding, lessonsTeaching, regionsOf,
  type LessonPage, type SiteModel,
} from './loom-site.ts';

/** Lesson numbers where each part of the workbook starts (DESIGN.md, "Lesson plan"). */
export const PARTS: ReadonlyArray<{ readonly title: string; readonly from: number }> = [
  { title: 'Part I · Twisted Web in 60 seconds', from: 1 },
  { title: 'Part II · Configuring and using the web server', from: 20 },
  { title: 'Part III · Beyond Twisted', from: 31 },
];

/** The model and the name → defining file map, as the plugins need them. */
export interface SiteLinks {
  readonly model: SiteModel;
  /** `Resource` → `lib/resource.ts`, read from the re-exports in `lib/index.ts`. */
  readonly definedIn: ReadonlyMap<string, string>;
}

/** Install the Loom plugins on VitePress's markdown-it instance. */
export function loomMarkdown(md: MarkdownRenderer, links: SiteLinks): void {
  mermaidFences(md);
  lessonFrontMatter(md);
  md.core.ruler.before('normalize', 'loom-inject', (state) => {
    state.src = injectIntoPage(state.src, pageFile(state.env), links);
  });
  md.core.ruler.after('block', 'loom-check-includes', (state) => {
    for (const token of state.tokens) {
      const src = (token as { src?: unknown }).src;
      if (Array.isArray(src)) checkInclude(String(src[0]), String(src[1] ?? ''), pageFile(state.env));
    }
  });
  md.core.ruler.after('inline', 'loom-links', (state) => {
    const page = pageFile(state.env);
    if (!page.startsWith('lessons/')) return;
    for (const block of state.tokens) {
      for (const token of block.children ?? []) {
        if (token.type !== 'link_open') continue;
        const href = token.attrGet('href');
        if (href !== null) token.attrSet('href', siteHrefFor(href, page, links.model));
      }
    }
  });
}

/**
 * Lessons write their front matter as flat `key: value` lines and the workbook reads it
 * that way (tools/workbook/front-matter.ts), so `summary: a script: children…` is fine
 * there; strict YAML, which VitePress uses, rejects the second `: `. Before VitePress
 * reads a lesson, its front matter is rewritten with every value quoted, as the workbook
 * understood it.
 */
function lessonFrontMatter(md: MarkdownRenderer): void {
  const render = md.render.bind(md);
  md.render = (src, env) => render(pageFile(env).startsWith('lessons/') ? quotedFrontMatter(src) : src, env);
}

/** `src` with its flat front matter re-written as YAML whose values are all quoted. */
export function quotedFrontMatter(src: string): string {
  const { data, body } = parseFrontMatter(src);
  if (data.size === 0) return src;
  const lines = [...data].map(([key, value]) => `${key}: ${JSON.stringify(value)}`);
  return `---\n${lines.join('\n')}\n---\n${body}`;
}

/**
 * A ```` ```mermaid ```` block becomes `<MermaidDiagram>` (theme/MermaidDiagram.vue), which
 * loads mermaid only on pages that have a diagram. The source travels URI-encoded so that
 * no character in it can end the attribute.
 */
function mermaidFences(md: MarkdownRenderer): void {
  const fence = md.renderer.rules.fence!;
  md.renderer.rules.fence = (tokens, idx, options, env, self) => {
    const token = tokens[idx]!;
    if (token.info.trim() !== 'mermaid') return fence(tokens, idx, options, env, self);
    return `<MermaidDiagram code="${encodeURIComponent(token.content)}" />\n`;
  };
}

/**
 * The page's source file relative to the repository: `lessons/02-…/README.md`; `''` when
 * markdown-it renders a fragment (a title, a sidebar label) with no page behind it.
 */
export function pageFile(env: Partial<MarkdownEnv> | undefined): string {
  const file = env?.realPath ?? env?.path;
  return typeof file === 'string' && file !== '' ? relative(REPO_ROOT, file).split(sep).join('/') : '';
}

/** The page's markdown with its generated parts added. */
export function injectIntoPage(src: string, page: string, links: SiteLinks): string {
  if (page === '') return src;
  const { model } = links;
  const named = [...src.matchAll(/<!--\s*@loom:module\s+(\S+)\s*-->/g)].map((m) => m[1]!);
  let out = src.replace(/<!--\s*@loom:([\w-]+)(?:\s+(\S+))?\s*-->/g, (comment, what: string, arg?: string) => {
    switch (what) {
      case 'lessons': return lessonListMarkdown(model.lessons);
      case 'sources': return sourceListMarkdown(model);
      case 'module': return moduleParagraph(model, arg ?? '', page);
      case 'other-modules': return otherModulesMarkdown(model, named);
      case 'differences': return differencesTable(model);
      case 'lesson-differences': return lessonDifferencesTable(model);
      default: throw new Error(`${page}: unknown placeholder ${comment}`);
    }
  });
  const lesson = model.lessons.find((l) => l.readme === page);
  if (lesson !== undefined) out = `${out.trimEnd()}\n\n${lessonFooter(lesson, links)}\n`;
  const api = [...model.api.values()].find((p) => p.file === page);
  if (api !== undefined) out = insertAfterTitle(out, apiHeader(api.name, links));
  return out;
}

/** The lessons, grouped by part, one line each with its summary. */
export function lessonListMarkdown(lessons: readonly LessonPage[]): string {
  const lines: string[] = [];
  PARTS.forEach((part, i) => {
    const next = PARTS[i + 1]?.from ?? Infinity;
    const inPart = lessons.filter((l) => Number(l.number) >= part.from && Number(l.number) < next);
    if (inPart.length === 0) return;
    lines.push(`### ${part.title}`, '');
    for (const l of inPart) lines.push(`- [${l.number} · ${escapeText(l.title)}](${l.route})${l.summary ? ` — ${escapeText(l.summary)}` : ''}`);
    lines.push('');
  });
  return lines.join('\n');
}

/** Every library file with the first paragraph of its module comment. */
export function sourceListMarkdown(model: SiteModel): string {
  return model.sources
    .filter((s) => !s.file.endsWith('.d.ts') && !s.file.endsWith('.mjs'))
    .map((s) => `- [\`${s.file}\`](${s.route})${s.summary ? `: ${s.summary}` : ''}`)
    .join('\n');
}

/** One paragraph for a library file: its link and the first paragraph of its own comment. */
export function moduleParagraph(model: SiteModel, file: string, page: string): string {
  const source = model.sources.find((s) => s.file === file);
  if (source === undefined) throw new Error(`${page}: <!-- @loom:module ${file} --> names a file that is not in lib/`);
  return `**[\`${source.file}\`](${source.route})**: ${source.summary}`;
}

/** Paragraphs for the library files a page has not placed with `@loom:module`. */
export function otherModulesMarkdown(model: SiteModel, placed: readonly string[]): string {
  return model.sources
    .filter((s) => !placed.includes(s.file) && /\.ts$/.test(s.file) && !s.file.endsWith('.d.ts'))
    .map((s) => moduleParagraph(model, s.file, ''))
    .join('\n\n');
}

/**
 * Every difference the library's files state in their "Loom differs" notes, one row
 * each, with the Twisted counterpart it differs from. Modules Twisted has no
 * counterpart for get one row saying what they add.
 */
export function differencesTable(model: SiteModel): string {
  const rows: string[] = [];
  for (const source of model.sources) {
    const { counterpart, loomOnly, differences } = source.twisted;
    const where = `[\`${source.file.replace(/^lib\//, '')}\`](${source.route})`;
    const items = differences.length > 0 ? differences : loomOnly ? [`added by Loom: ${lowerFirst(source.summary)}`] : [];
    items.forEach((item, i) => {
      const twisted = i > 0 ? '〃' : loomOnly ? `none (${counterpart.replace(/^none\b[;,:]?\s*/i, '') || 'Loom only'})` : counterpart;
      rows.push(`| ${i === 0 ? where : ''} | ${cell(twisted)} | ${cell(item)} |`);
    });
  }
  return ['| Module | Twisted | What Loom does differently, and why |', '|---|---|---|', ...rows].join('\n');
}

/** The "Twisted and Loom" notes of every lesson, one row per note. */
export function lessonDifferencesTable(model: SiteModel): string {
  const rows: string[] = [];
  for (const lesson of model.lessons) {
    lesson.twistedNotes.forEach((note, i) => {
      rows.push(`| ${i === 0 ? `[${lesson.number} · ${escapeText(lesson.title)}](${lesson.route})` : ''} | ${cell(note)} |`);
    });
  }
  return ['| Lesson | What the lesson points out |', '|---|---|', ...rows].join('\n');
}

/** "In the library": the files a lesson shows and the API pages of the names it teaches. */
export function lessonFooter(lesson: LessonPage, { model }: SiteLinks): string {
  const lines = ['## In the library', ''];
  const sources = lesson.libIncludes.flatMap((inc) => {
    const page = model.sources.find((s) => s.file === inc.file);
    if (page === undefined) return [];
    const regions = inc.regions.length > 0 ? `: ${inc.regions.map((r) => `\`${r}\``).join(', ')}` : '';
    return [`- [\`${inc.file}\`](${page.route})${regions}`];
  });
  if (sources.length > 0) lines.push('The library code on this page, in full:', '', ...sources, '');
  const names = lesson.names.filter((n) => model.api.has(n));
  const link = (n: string): string => `[\`${n}\`](${model.api.get(n)!.route})`;
  const fresh = names.filter((n) => introduces(model, lesson, n));
  const seen = names.filter((n) => !fresh.includes(n));
  if (fresh.length > 0) lines.push(`New in this lesson: ${fresh.map(link).join(', ')}.`, '');
  if (seen.length > 0) lines.push(`Met before: ${seen.map(link).join(', ')}.`, '');
  if (lines.length === 2) return '';
  return lines.join('\n').trimEnd();
}

/** The box at the top of an API page: where the name is defined and which lessons teach it. */
export function apiHeader(name: string, { model, definedIn }: SiteLinks): string {
  const parts: string[] = [];
  const file = definedIn.get(name);
  const source = file === undefined ? undefined : model.sources.find((s) => s.file === file);
  if (source !== undefined) parts.push(`Defined in [\`${source.file}\`](${source.route}).`);
  const [first, ...later] = lessonsTeaching(model, name);
  if (first !== undefined) {
    const also = later.length === 0 ? '' : ` Also in lessons ${later.map((l) => `[${l.number}](${l.route})`).join(', ')}.`;
    parts.push(`Introduced in lesson [${first.number} · ${escapeText(first.title)}](${first.route}).${also}`);
  }
  return parts.length === 0 ? '' : `::: info In the workbook\n${parts.join('\n\n')}\n:::`;
}

/** Lines for a source page: what the file is, which lessons show it, its regions. */
export function sourcePageMarkdown(file: string, links: SiteLinks): string {
  const { model } = links;
  const page = model.sources.find((s) => s.file === file);
  if (page === undefined) throw new Error(`no source page for ${file}`);
  const lessons = lessonsIncluding(model, file);
  const exports = [...links.definedIn].filter(([, f]) => f === file).map(([n]) => n).filter((n) => model.api.has(n));
  const lines = [`# \`${file}\``, ''];
  if (page.summary) lines.push(page.summary, '');
  if (exports.length > 0) lines.push(`Exports: ${exports.map((n) => `[\`${n}\`](${model.api.get(n)!.route})`).join(', ')}.`, '');
  if (lessons.length > 0) lines.push(`Shown in: ${lessons.map((l) => `[${l.number} · ${escapeText(l.title)}](${l.route})`).join(', ')}.`, '');
  if (page.regions.length > 0) lines.push(`Regions that lessons can include: ${page.regions.map((r) => `\`${r}\``).join(', ')}.`, '');
  const lang = file.endsWith('.mjs') ? 'js' : 'ts';
  lines.push(`<<< @/${file}{${lang}:line-numbers}`, '');
  return lines.join('\n');
}

/** `Resource` → `lib/resource.ts`, from the `export … from './x.ts'` lines of `lib/index.ts`. */
export function readDefinedIn(root: string = REPO_ROOT): Map<string, string> {
  const index = resolve(root, 'lib/index.ts');
  const map = new Map<string, string>();
  if (!existsSync(index)) return map;
  const text = readFileSync(index, 'utf8');
  for (const match of text.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}\s*from\s*['"]\.\/([^'"]+)['"]/g)) {
    const file = `lib/${match[2]!}`.replace(/\.js$/, '.ts');
    for (const part of match[1]!.split(',')) {
      const exported = part.trim().replace(/^type\s+/, '').split(/\s+as\s+/).pop()!.trim();
      if (exported !== '') map.set(exported, file);
    }
  }
  return map;
}

/**
 * Where a link written in a lesson should point on the site. Absolute paths, anchors and
 * external URLs are left alone; a relative path is resolved from the lesson's folder and
 * mapped to the page for that file. A relative link to a repository file with no page
 * throws, so the build fails rather than publishing a link that goes nowhere.
 */
export function siteHrefFor(href: string, page: string, model: SiteModel): string {
  if (/^([a-z][a-z0-9+.-]*:|\/|#)/i.test(href)) return href;
  const [path = '', hash = ''] = href.split(/(?=#)/);
  const target = relative(REPO_ROOT, resolve(REPO_ROOT, dirname(page), decodeURI(path))).split(sep).join('/');
  const lesson = model.lessons.find((l) => target === l.readme || target === dirname(l.readme));
  if (lesson !== undefined) return lesson.route + hash;
  const source = model.sources.find((s) => s.file === target);
  if (source !== undefined) return source.route + hash;
  if (target.startsWith('docs/') && target.endsWith('.md')) return `/${target.slice('docs/'.length, -'.md'.length)}${hash}`;
  throw new Error(`${page}: the link "${href}" points at ${target}, which has no page on the docs site. Link to a lesson, a lib/ file or a docs/ page.`);
}

/** Fail on `<<<` of a missing file or a region the file does not have. */
export function checkInclude(file: string, region: string, page: string): void {
  const where = `${page}: <<< ${relative(REPO_ROOT, file)}${region ? `#${region}` : ''}`;
  if (!existsSync(file) || !statSync(file).isFile()) throw new Error(`${where}: no such file`);
  if (region === '') return;
  const regions = regionsOf(readFileSync(file, 'utf8'));
  if (!regions.includes(region)) {
    throw new Error(`${where}: the file has no "// #region ${region}"; it has: ${regions.join(', ') || '(none)'}`);
  }
}

function insertAfterTitle(src: string, block: string): string {
  if (block === '') return src;
  const match = /^# .*$/m.exec(src);
  if (match === null) return `${block}\n\n${src}`;
  const end = match.index + match[0].length;
  return `${src.slice(0, end)}\n\n${block}\n${src.slice(end)}`;
}

/** Text made safe for one table cell: no line breaks, no bare `|`. */
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function escapeText(text: string): string {
  return text.replace(/([\\`*_[\]<>])/g, '\\$1');
}
