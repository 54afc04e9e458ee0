/**
 * The weave: code shown in a lesson README or a guide (docs/guide) is copied into the
 * page itself, from a `#region` of a real file, so that GitHub, an editor and a terminal
 * show it as the docs site does. Each woven block sits between two markers and says where its code comes from:
 *
 * ```md
 * <!-- weave: ../../lib/vhost.ts#vhost-pick-host -->
 * *`lib/vhost.ts`, lines 40–52*
 *
 * ```ts
 * …the region, dedented…
 * ```
 * <!-- /weave -->
 * ```
 *
 * `npm run weave` rewrites every block from its file and turns any VitePress include line
 * (`<<< ../../lib/vhost.ts#vhost-pick-host{ts}`) into such a block; `--check` only reports.
 * The region rules are VitePress's (`findRegion` in its snippet plugin): the first
 * `// #region name` to the next `// #endregion name`, marker lines of other regions
 * dropped, the common indent removed. Not Twisted's: a workbook tool.
 * Tests: `test/tools/weave.test.ts`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';

/** One region marker, in the spellings the lessons' files use (TypeScript, CSS, HTML, shell). */
const MARKERS: readonly RegExp[] = [
  /^\/\/ ?#?((?:end)?region) ([\w*-]+)$/,
  /^\/\* ?#((?:end)?region) ([\w*-]+) ?\*\/$/,
  /^<!-- #?((?:end)?region) ([\w*-]+) -->$/,
  /^# ?((?:end)?region) ([\w*-]+)$/,
];

/** A VitePress include line: `<<< path#region{lang}`. */
const INCLUDE = /^<<<\s+(\S+?)(?:#([\w-]+))?(?:\{([^}]*)\})?\s*$/;
/** The opening marker of a woven block. */
const OPEN = /^<!-- weave: (\S+?)(?:#([\w-]+))? -->$/;
const CLOSE = '<!-- /weave -->';

/** The language of a fence for a file, when the include line does not say. */
const LANGUAGES: Readonly<Record<string, string>> = {
  '.ts': 'ts', '.mjs': 'js', '.js': 'js', '.json': 'json', '.sh': 'sh', '.cgi': 'sh',
  '.pl': 'perl', '.php': 'php', '.py': 'python', '.html': 'html', '.css': 'css', '.asis': 'http', '.conf': 'nginx',
};

/** Lines `first`..`last` of a file (1-based, inclusive) and the code shown from them. */
export interface Excerpt {
  readonly code: string;
  readonly first: number;
  readonly last: number;
}

/** A problem with one include, with the README line it is on. */
export interface WeaveProblem {
  readonly line: number;
  readonly message: string;
}

export interface WeaveResult {
  /** The README with every block woven afresh. */
  readonly text: string;
  readonly problems: readonly WeaveProblem[];
  /** `file#region` for each include, `file` relative to the repository root. */
  readonly uses: readonly string[];
}

/** Reads a file relative to the README's folder, or says why it cannot. */
export type ReadSource = (path: string) => string | Error;

/**
 * The region `name` of `source`, as VitePress would show it; the whole file without a
 * name. Throws when the region is missing or never closed.
 */
export function excerpt(source: string, name: string | undefined): Excerpt {
  const lines = source.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
  if (name === undefined) return { code: lines.join('\n'), first: 1, last: lines.length };
  const open = findMarker(lines, name, 'region', 0);
  if (open === undefined) throw new Error(`no "// #region ${name}" (it has: ${regionNames(source).join(', ') || 'none'})`);
  const close = findMarker(lines, name, 'endregion', open.index + 1, open.marker);
  if (close === undefined) throw new Error(`"#region ${name}" is never closed by "#endregion ${name}"`);
  const body = lines.slice(open.index + 1, close.index).filter((line) => !open.marker.test(line.trim()));
  return { code: dedent(body).join('\n'), first: open.index + 2, last: close.index };
}

/** Every region a file opens, in order. */
export function regionNames(source: string): string[] {
  const names: string[] = [];
  for (const line of source.split('\n')) {
    const match = matchMarker(line);
    if (match !== undefined && match.tag === 'region') names.push(match.name);
  }
  return names;
}

/** Regions opened and never closed, or closed and never opened. */
export function unbalancedRegions(source: string): string[] {
  const open = new Map<string, number>();
  for (const line of source.split('\n')) {
    const match = matchMarker(line);
    if (match === undefined) continue;
    open.set(match.name, (open.get(match.name) ?? 0) + (match.tag === 'region' ? 1 : -1));
  }
  return [...open].filter(([, count]) => count !== 0).map(([name]) => name);
}

/**
 * `markdown` with each woven block rewritten from its file and each `<<<` line turned
 * into a woven block. `readmePath` is the README's path relative to `root`.
 */
export function weave(markdown: string, readmePath: string, root: string, read: ReadSource = readerFor(root, readmePath)): WeaveResult {
  const lines = markdown.split('\n');
  const out: string[] = [];
  const problems: WeaveProblem[] = [];
  const uses: string[] = [];
  let inFence: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = /^\s*(```+|~~~+)/.exec(line)?.[1];
    if (inFence !== undefined) {
      if (fence !== undefined && fence.startsWith(inFence) && line.trim() === fence) inFence = undefined;
      out.push(line);
      continue;
    }
    if (fence !== undefined) {
      inFence = fence;
      out.push(line);
      continue;
    }
    const include = INCLUDE.exec(line.trim());
    const opening = OPEN.exec(line.trim());
    if (include === null && opening === null) {
      out.push(line);
      continue;
    }
    const [, path = '', region, langGiven] = (include ?? opening)!;
    let lang = langGiven;
    const start = i;
    if (opening !== null) {
      const end = lines.indexOf(CLOSE, i + 1);
      if (end === -1) {
        problems.push({ line: i + 1, message: `"${line.trim()}" has no "${CLOSE}" after it` });
        out.push(line);
        continue;
      }
      lang = lines.slice(i + 1, end).find((l) => l.startsWith('```'))?.slice(3).trim() || undefined;
      i = end;
    }
    const target = repoPath(root, readmePath, path);
    uses.push(region === undefined ? target : `${target}#${region}`);
    const block = wovenBlock(path, target, region, lang, read);
    if (block instanceof Error) {
      problems.push({ line: i + 1, message: `${path}${region === undefined ? '' : `#${region}`}: ${block.message}` });
      out.push(...lines.slice(start, i + 1));
      continue;
    }
    out.push(...block);
  }
  return { text: out.join('\n'), problems, uses };
}

/** The README's include paths in their woven form, for tools that only need to know them. */
export function wovenIncludes(markdown: string): Array<{ readonly path: string; readonly region: string | undefined }> {
  const found: Array<{ path: string; region: string | undefined }> = [];
  for (const line of markdown.split('\n')) {
    const match = OPEN.exec(line.trim()) ?? INCLUDE.exec(line.trim());
    if (match !== null) found.push({ path: match[1]!, region: match[2] });
  }
  return found;
}

/** The caption under a block's marker: which file, which lines. */
export function caption(target: string, part: Excerpt): string {
  const lines = part.first === part.last ? `line ${part.first}` : `lines ${part.first}–${part.last}`;
  return `*\`${target}\`, ${lines}*`;
}

function wovenBlock(path: string, target: string, region: string | undefined, lang: string | undefined, read: ReadSource): string[] | Error {
  const source = read(path);
  if (source instanceof Error) return source;
  let part: Excerpt;
  try {
    part = excerpt(source, region);
  } catch (error) {
    return error as Error;
  }
  const fence = part.code.includes('```') ? '````' : '```';
  return [
    `<!-- weave: ${path}${region === undefined ? '' : `#${region}`} -->`,
    caption(target, part),
    '',
    `${fence}${lang ?? LANGUAGES[extname(path)] ?? ''}`,
    part.code,
    fence,
    CLOSE,
  ];
}

function readerFor(root: string, readmePath: string): ReadSource {
  return (path) => {
    const file = resolve(root, repoPath(root, readmePath, path));
    if (!existsSync(file) || !statSync(file).isFile()) return new Error(`no such file`);
    return readFileSync(file, 'utf8');
  };
}

/** A path as the repository names it; `@/` is VitePress's name for the repository's root. */
function repoPath(root: string, readmePath: string, path: string): string {
  const from = path.startsWith('@/') ? root : resolve(root, dirname(readmePath));
  return relative(root, resolve(from, path.startsWith('@/') ? path.slice(2) : path)).split(sep).join('/');
}

function findMarker(lines: readonly string[], name: string, tag: string, from: number, only?: RegExp): { index: number; marker: RegExp } | undefined {
  for (let index = from; index < lines.length; index++) {
    const match = matchMarker(lines[index]!, only);
    if (match !== undefined && match.name === name && match.tag === tag) return { index, marker: match.marker };
  }
  return undefined;
}

function matchMarker(line: string, only?: RegExp): { tag: string; name: string; marker: RegExp } | undefined {
  for (const marker of only === undefined ? MARKERS : [only]) {
    const match = marker.exec(line.trim());
    if (match !== null) return { tag: match[1]!.toLowerCase(), name: match[2]!, marker };
  }
  return undefined;
}

function dedent(lines: readonly string[]): string[] {
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)![0].length);
  const cut = indents.length === 0 ? 0 : Math.min(...indents);
  return lines.map((l) => l.slice(cut));
}

/** One page (a lesson README or a guide) after weaving. */
export interface WovenLesson extends WeaveResult {
  /** Relative to the repository root: `lessons/02-dynamic-content/README.md`, `docs/guide/gateway.md`. */
  readonly readme: string;
  /** True when `text` differs from the file on disk. */
  readonly changed: boolean;
}

/** Every lesson README under `root/lessons` and every guide under `root/docs/guide`, woven. */
export function weaveLessons(root: string): WovenLesson[] {
  return [...lessonReadmes(root), ...guidePages(root)].map((readme) => {
    const before = readFileSync(join(root, readme), 'utf8');
    const result = weave(before, readme, root);
    return { ...result, readme, changed: result.text !== before };
  });
}

function lessonReadmes(root: string): string[] {
  const lessons = join(root, 'lessons');
  return readdirSync(lessons, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^\d\d-/.test(entry.name) && existsSync(join(lessons, entry.name, 'README.md')))
    .map((entry) => `lessons/${entry.name}/README.md`)
    .sort();
}

function guidePages(root: string): string[] {
  const dir = join(root, 'docs', 'guide');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((name) => name.endsWith('.md')).sort().map((name) => `docs/guide/${name}`);
}

/**
 * `lib/` regions no lesson shows, as `file#region`. Every region in `lib/` is there for
 * a lesson (STYLE.md, "Lessons include code regions"), so one that none shows is a
 * leftover from a renamed region or a lesson rewritten.
 */
export function unusedLibRegions(root: string, uses: ReadonlySet<string>): string[] {
  const unused: string[] = [];
  for (const file of filesUnder(join(root, 'lib'))) {
    const path = relative(root, file).split(sep).join('/');
    for (const name of regionNames(readFileSync(file, 'utf8'))) {
      if (!uses.has(`${path}#${name}`)) unused.push(`${path}#${name}`);
    }
  }
  return unused.sort();
}

/** `lib/` files whose regions do not balance, as `file: name, name`. */
export function unbalancedLibRegions(root: string): string[] {
  const found: string[] = [];
  for (const file of filesUnder(join(root, 'lib'))) {
    const names = unbalancedRegions(readFileSync(file, 'utf8'));
    if (names.length > 0) found.push(`${relative(root, file).split(sep).join('/')}: ${names.join(', ')}`);
  }
  return found.sort();
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|mjs|js)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/**
 * Everything `npm run weave -- --check` and the test report, one line each: woven blocks
 * that are stale, includes that cannot be woven, regions in `lib/` that do not balance,
 * `lib/` regions no page shows that `notYetShown` does not excuse, and entries of
 * `notYetShown` that a page shows or whose region is gone.
 */
export function weaveProblems(root: string, notYetShown: ReadonlySet<string>): string[] {
  const lessons = weaveLessons(root);
  const problems: string[] = [];
  for (const lesson of lessons) {
    for (const problem of lesson.problems) problems.push(`${lesson.readme}:${problem.line}: ${problem.message}`);
    if (lesson.changed && lesson.problems.length === 0) problems.push(`${lesson.readme}: stale, run npm run weave`);
  }
  for (const entry of unbalancedLibRegions(root)) problems.push(`${entry}: a #region without its #endregion, or the reverse`);
  const uses = new Set(lessons.flatMap((l) => l.uses));
  const regions = new Set<string>();
  for (const region of unusedLibRegions(root, uses)) {
    regions.add(region);
    if (!notYetShown.has(region)) problems.push(`${region}: no lesson or guide shows this region; show it, or remove the markers`);
  }
  for (const region of notYetShown) {
    if (uses.has(region)) problems.push(`${region}: listed as not yet shown, but a page shows it; take it off the list`);
    else if (!regions.has(region)) problems.push(`${region}: listed as not yet shown, but lib/ has no such region`);
  }
  return problems;
}
