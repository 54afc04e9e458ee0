/**
 * What the docs site knows about the repository: the lessons (from `lessons/NN-slug/`),
 * the API pages TypeDoc wrote (`docs/api/`), the library's source files (`lib/`), and
 * the cross references between them, all read from disk when the site is built.
 *
 * Nothing here is a hand-kept list. A lesson that lands in `lessons/` gets its page, its
 * place in the sidebar and its previous/next links on the next build; the "taught in"
 * lists on API and source pages come from what the lessons import and include. The
 * VitePress config (`config.ts`) and the markdown plugins (`markdown.ts`) read this;
 * `test/docs/site-model.test.ts` checks it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listLessons } from '../../tools/workbook/catalog.ts';
import { parseFrontMatter } from '../../tools/workbook/front-matter.ts';
import { wovenIncludes } from '../../tools/workbook/weave.ts';

/** The repository root, which is also the VitePress `srcDir`. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** One lesson as the site shows it. */
export interface LessonPage {
  /** `02`. */
  readonly number: string;
  /** `02-dynamic-content`. */
  readonly name: string;
  readonly title: string;
  readonly summary: string;
  /** `/lessons/02-dynamic-content`: where the page is served. */
  readonly route: string;
  /** `lessons/02-dynamic-content/README.md`, relative to the repository root. */
  readonly readme: string;
  /** The library files the lesson includes code from, with the regions it includes. */
  readonly libIncludes: readonly LibInclude[];
  /** Exported names the lesson's code imports or its text names, in first-seen order. */
  readonly names: readonly string[];
  /** The items of the lesson's "Twisted and Loom" section, as markdown, one line each. */
  readonly twistedNotes: readonly string[];
}

/** `<<< ../../lib/resource.ts#resource-render{ts}` in a lesson, gathered by file. */
export interface LibInclude {
  /** `lib/resource.ts`. */
  readonly file: string;
  /** `['resource-render']`; empty when the whole file is included. */
  readonly regions: readonly string[];
}

/** One page of the API reference. */
export interface ApiPage {
  /** The exported name: `Resource`. */
  readonly name: string;
  /** `Class`, `Function`, `Interface`, `Type alias` or `Variable`. */
  readonly kind: string;
  /** `/api/classes/Resource`. */
  readonly route: string;
  /** `docs/api/classes/Resource.md`, relative to the repository root. */
  readonly file: string;
}

/** One file of the library, shown on its own source page. */
export interface SourcePage {
  /** `lib/gateway/pool.ts`. */
  readonly file: string;
  /** The route parameter: `gateway-pool`. */
  readonly param: string;
  /** `/source/gateway-pool`. */
  readonly route: string;
  /** The first paragraph of the file's `@module` comment, as plain text. */
  readonly summary: string;
  /** The `// #region` names in the file, in order. */
  readonly regions: readonly string[];
  /** What the module comment says about Twisted. */
  readonly twisted: TwistedNotes;
}

/** A module comment's "Twisted counterpart: …" and "Loom differs: …", as plain text. */
export interface TwistedNotes {
  /** The counterpart's first sentence; `''` when the comment names none. */
  readonly counterpart: string;
  /** True when the comment says Twisted has no counterpart: the module is Loom's own. */
  readonly loomOnly: boolean;
  /** Each difference, one line each (a bullet, or the one sentence after "Loom differs:"). */
  readonly differences: readonly string[];
}

/** Everything the site is built from. */
export interface SiteModel {
  readonly lessons: readonly LessonPage[];
  readonly api: ReadonlyMap<string, ApiPage>;
  readonly sources: readonly SourcePage[];
}

/** TypeDoc's output folders, with the word a page title uses for each. */
const API_KINDS: ReadonlyArray<readonly [folder: string, kind: string]> = [
  ['classes', 'Class'],
  ['functions', 'Function'],
  ['interfaces', 'Interface'],
  ['type-aliases', 'Type alias'],
  ['variables', 'Variable'],
];

/** Read the whole model from the repository at `root`. */
export function loadSiteModel(root: string = REPO_ROOT): SiteModel {
  const api = listApiPages(root);
  return { lessons: listLessonPages(root, new Set(api.keys())), api, sources: listSourcePages(root) };
}

/** Every lesson that has a README, in number order. */
export function listLessonPages(root: string, exportedNames: ReadonlySet<string>): LessonPage[] {
  return listLessons(root)
    .filter((lesson) => existsSync(join(lesson.dir, 'README.md')))
    .map((lesson) => {
      const readme = join(lesson.dir, 'README.md');
      const text = parseFrontMatter(readFileSync(readme, 'utf8')).body;
      const code = readdirSync(lesson.dir)
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
        .sort()
        .map((f) => readFileSync(join(lesson.dir, f), 'utf8'));
      return {
        number: lesson.number,
        name: lesson.name,
        title: lesson.title,
        summary: lesson.summary,
        route: `/lessons/${lesson.name}`,
        readme: toPosix(relative(root, readme)),
        libIncludes: libIncludesOf(text, lesson.dir, root),
        names: namesTaught(text, code, exportedNames),
        twistedNotes: sectionItems(text, /^(Twisted and Loom|Loom and Twisted)$/i),
      };
    });
}

/** The pages TypeDoc wrote under `docs/api/`, by exported name; empty before TypeDoc ran. */
export function listApiPages(root: string): Map<string, ApiPage> {
  const pages = new Map<string, ApiPage>();
  for (const [folder, kind] of API_KINDS) {
    const dir = join(root, 'docs/api', folder);
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.md')).sort()) {
      const name = file.slice(0, -'.md'.length);
      pages.set(name, { name, kind, route: `/api/${folder}/${name}`, file: `docs/api/${folder}/${file}` });
    }
  }
  return pages;
}

/** Every TypeScript file under `lib/`, sorted by path. */
export function listSourcePages(root: string): SourcePage[] {
  return walk(join(root, 'lib'))
    .filter((path) => /\.(ts|mjs)$/.test(path))
    .map((path) => {
      const file = toPosix(relative(root, path));
      const param = sourceParam(file);
      const text = readFileSync(path, 'utf8');
      const comment = moduleComment(text);
      return {
        file, param, route: `/source/${param}`,
        summary: firstParagraph(comment), regions: regionsOf(text), twisted: twistedNotes(comment),
      };
    })
    .sort((a, b) => a.file.localeCompare(b.file));
}

/**
 * The library files a lesson's text includes code from. Only includes count (code shown
 * on the page): woven blocks (`<!-- weave: ../../lib/x.ts#region -->`, see
 * tools/workbook/weave.ts) and `<<<` lines; the paths are relative to the lesson's folder.
 */
export function libIncludesOf(markdown: string, lessonDir: string, root: string): LibInclude[] {
  const byFile = new Map<string, string[]>();
  for (const { path, region } of wovenIncludes(markdown)) {
    const file = path.startsWith('@/') ? path.slice(2) : toPosix(relative(root, resolve(lessonDir, path)));
    if (!file.startsWith('lib/')) continue;
    const regions = byFile.get(file) ?? [];
    if (region !== undefined && !regions.includes(region)) regions.push(region);
    byFile.set(file, regions);
  }
  return [...byFile].map(([file, regions]) => ({ file, regions }));
}

/**
 * The exported names a lesson teaches: those its code imports from the library, then
 * those its text names in backticks (`Resource`, `new Site(…)`, `request.notifyFinish`
 * does not count: that is a method, not an export). An all-lower-case name such as
 * `render` counts only when imported, because in prose it is far more often the method.
 */
export function namesTaught(markdown: string, code: readonly string[], exported: ReadonlySet<string>): string[] {
  const names: string[] = [];
  const add = (name: string): void => {
    if (exported.has(name) && !names.includes(name)) names.push(name);
  };
  for (const source of code) for (const name of importedFromLib(source)) add(name);
  const prose = markdown.replace(/^(```|~~~)[^]*?^\1/gm, '');
  for (const match of prose.matchAll(/`(?:new\s+)?([A-Za-z_$][\w$]*)(?:[.(<][^`]*)?`/g)) {
    const name = match[1]!;
    if (name !== name.toLowerCase()) add(name);
  }
  return names;
}

/** The names `source` imports from files under `lib/` (values and types alike). */
export function importedFromLib(source: string): string[] {
  const names: string[] = [];
  for (const match of source.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*['"]([^'"]+)['"]/g)) {
    if (!/(^|\/)lib(\/|$)/.test(match[2]!)) continue;
    for (const part of match[1]!.split(',')) {
      const name = part.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0]!.trim();
      if (name !== '') names.push(name);
    }
  }
  return names;
}

/**
 * The list items of the `## ` section whose title matches `title`: each item joined into
 * one line. Paragraphs in the section that are not list items are left out.
 */
export function sectionItems(markdown: string, title: RegExp): string[] {
  const lines = markdown.replace(/^(```|~~~)[^]*?^\1/gm, '').split('\n');
  const start = lines.findIndex((line) => line.startsWith('## ') && title.test(line.slice(3).trim()));
  if (start < 0) return [];
  const items: string[] = [];
  let open = false; // whether an indented line continues the last item
  for (const line of lines.slice(start + 1)) {
    if (/^#{1,2} /.test(line)) break;
    if (/^[-*] /.test(line)) {
      items.push(line.slice(2).trim());
      open = true;
    } else if (open && /^\s+\S/.test(line)) items[items.length - 1] += ` ${line.trim()}`;
    else if (line.trim() !== '') open = false;
  }
  return items;
}

/** The lessons that teach `name`, in order; the first is where it is introduced. */
export function lessonsTeaching(model: SiteModel, name: string): LessonPage[] {
  return model.lessons.filter((lesson) => lesson.names.includes(name));
}

/** The lessons that include code from `file` (`lib/resource.ts`). */
export function lessonsIncluding(model: SiteModel, file: string): LessonPage[] {
  return model.lessons.filter((lesson) => lesson.libIncludes.some((inc) => inc.file === file));
}

/** True when `lesson` is the first lesson that teaches `name`. */
export function introduces(model: SiteModel, lesson: LessonPage, name: string): boolean {
  return lessonsTeaching(model, name)[0]?.name === lesson.name;
}

/** The text of a file's opening `/** … *\/` comment, without the `*` margins and `@module`. */
export function moduleComment(source: string): string {
  const comment = /^(?:#![^\n]*\n)?\s*\/\*\*([^]*?)\*\//.exec(source);
  if (comment === null) return '';
  return comment[1]!
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, '').trimEnd())
    .filter((line) => line.trim() !== '@module')
    .join('\n')
    .trim();
}

/** The first paragraph of a module comment, joined into one line. */
export function moduleSummary(source: string): string {
  return firstParagraph(moduleComment(source));
}

/**
 * The first paragraph, joined into one line. A paragraph that runs into an example
 * ("`moved.asis` can say" followed by a code block) is cut back to its last full sentence.
 */
function firstParagraph(comment: string): string {
  const paragraph = (comment.split(/\n\s*\n/)[0] ?? '').split('\n').map((line) => line.trim()).join(' ').trim();
  if (/[.!?)`]$/.test(paragraph)) return paragraph;
  const end = paragraph.lastIndexOf('. ');
  return end < 0 ? paragraph : paragraph.slice(0, end + 1);
}

/**
 * Read "Twisted counterpart: …" and "Loom differs: …" out of a module comment, the two
 * notes every lib file carries (STYLE.md, "The shape of a lib file"). Differences written
 * as a list give one entry per item; written as a sentence, one entry.
 */
export function twistedNotes(comment: string): TwistedNotes {
  const flat = comment.replace(/\s+/g, ' ');
  const counterpartMatch = /Twisted counterpart:\s*(.*?)(?:\.(?=\s|$)|$)/.exec(flat) ?? /Twisted has no counterpart[^.]*/.exec(flat);
  const counterpart = counterpartMatch === null ? '' : (counterpartMatch[1] ?? 'none').trim();
  const loomOnly = /^none\b/i.test(counterpart) || /Twisted has no counterpart/.test(flat);
  const start = /Loom\s+differs[^:]*:\s*/.exec(comment);
  if (start === null) return { counterpart, loomOnly, differences: [] };
  const rest = comment.slice(start.index + start[0].length);
  return { counterpart, loomOnly, differences: rest.startsWith('- ') ? listItems(rest) : [firstSentences(rest)] };
}

/** The items of a `- ` list at the start of `text`, each joined into one line. */
function listItems(text: string): string[] {
  const items: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('- ')) items.push(line.slice(2).trim());
    else if (/^\s+\S/.test(line) && items.length > 0) items[items.length - 1] += ` ${line.trim()}`;
    else break;
  }
  return items.map((item) => item.replace(/[;.]$/, ''));
}

/** The sentences of a paragraph up to the notes that follow it (tests, lessons, left out). */
function firstSentences(text: string): string {
  const paragraph = (text.split(/\n\s*\n/)[0] ?? '').replace(/\s+/g, ' ').trim();
  const sentences = paragraph.split(/(?<=\.)\s+(?=[A-Z`])/);
  const end = sentences.findIndex((s, i) => i > 0 && /^(Tests?|Lessons?|Left out|Kept from|Ranges are|Values stay)\b/.test(s));
  return (end < 0 ? sentences : sentences.slice(0, end)).join(' ').replace(/[;.]$/, '');
}

/**
 * The region markers in a file, in order, in the spellings VitePress's `<<<` reads:
 * `// #region name` (TypeScript), `/* #region name *\/` (CSS), `<!-- #region name -->`
 * (HTML) and `# region name` (shell, Perl, Python).
 */
export function regionsOf(source: string): string[] {
  const marker = /^\s*(?:\/\/ ?#?|\/\* ?#|<!-- #?|# ?)region ([\w-]+)/gm;
  return [...source.matchAll(marker)].map((m) => m[1]!);
}

/**
 * The route parameter for a library file: `lib/gateway/pool.ts` → `gateway-pool`. The
 * library's own `lib/index.ts` becomes `lib-index`, because `/source/` is the list page.
 */
export function sourceParam(file: string): string {
  const param = file.replace(/^lib\//, '').replace(/\.(d\.ts|ts|mjs)$/, '').replaceAll('/', '-');
  return param === 'index' ? 'lib-index' : param;
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? walk(path) : [path];
  });
}

function toPosix(path: string): string {
  return path.split(sep).join(posix.sep);
}
