/**
 * Every link in the repository's markdown leads somewhere: a relative link names a file
 * or folder that exists, and an anchor (`#the-walk-down-the-tree`, here or on another
 * page) names a heading of that page, slugged as GitHub and VitePress both slug plain
 * headings. Site links (`/guide/x#y`) are checked against docs/. Code fences and inline
 * code are not links. The "Lesson NN" pointers of lib/ top comments are checked by
 * test/architecture.test.ts; the lesson list's unwritten rows by test/tools/plan.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');

/** Markdown files git tracks, less the generated API reference. */
function markdownFiles(): string[] {
  return execFileSync('git', ['ls-files', '*.md'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n').filter((f) => f !== '' && !f.startsWith('docs/api/') && existsSync(join(ROOT, f)));
}

/** `[text](href)` targets outside code, with their line numbers. */
function linksOf(markdown: string): Array<{ href: string; line: number }> {
  const links: Array<{ href: string; line: number }> = [];
  let fence: string | undefined;
  markdown.split('\n').forEach((line, i) => {
    const opens = /^\s*(```+|~~~+)/.exec(line)?.[1];
    if (opens !== undefined && (fence === undefined || opens.startsWith(fence))) {
      fence = fence === undefined ? opens : undefined;
      return;
    }
    if (fence !== undefined) return;
    for (const m of line.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) links.push({ href: m[1]!, line: i + 1 });
  });
  return links;
}

/** A heading's anchor: lower case, punctuation dropped, spaces to dashes. */
function slug(heading: string): string {
  return heading.replace(/`/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').trim().toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/^(```|~~~)[^]*?^\1/gm, '');
  const anchors = new Set<string>();
  for (const m of text.matchAll(/^#{1,6}\s+(.*?)(?:\s+\{#([\w-]+)\})?\s*$/gm)) {
    anchors.add(m[2] ?? slug(m[1]!));
    if (m[2] !== undefined) anchors.add(slug(m[1]!));
  }
  for (const m of text.matchAll(/<a (?:id|name)="([^"]+)"/g)) anchors.add(m[1]!);
  return anchors;
}

/** What is wrong with `href` on `page`, or undefined. */
function problemWith(page: string, href: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href)) return undefined;
  const [path = '', anchor] = href.split('#');
  let target: string;
  if (path === '') target = join(ROOT, page);
  else if (path.startsWith('/')) target = sitePage(path);
  else target = resolve(ROOT, dirname(page), decodeURI(path));
  if (!existsSync(target)) return `${href}: no such file`;
  if (anchor === undefined || anchor === '' || /^L\d+/.test(anchor)) return undefined;
  const file = statSync(target).isDirectory() ? join(target, 'README.md') : target;
  if (!file.endsWith('.md') || !existsSync(file)) return undefined;
  return anchorsOf(file).has(anchor) ? undefined : `${href}: no heading for #${anchor}`;
}

/** The markdown file behind a site path: `/guide/x` → docs/guide/x.md, `/lessons/NN-…` → the README. */
function sitePage(path: string): string {
  const clean = path.replace(/\/$/, '').replace(/\.html$/, '');
  if (clean.startsWith('/lessons/')) return join(ROOT, clean, 'README.md');
  if (clean.startsWith('/api') || clean.startsWith('/source')) return ROOT;
  const md = join(ROOT, 'docs', `${clean}.md`);
  return existsSync(md) ? md : join(ROOT, 'docs', clean, 'index.md');
}

describe('linksOf and slug', () => {
  it('skips code and reads titles off', () => {
    expect(linksOf('[a](x.md) `[b](y.md)`\n```\n[c](z.md)\n```\n[d](w.md "title")')).toEqual([{ href: 'x.md', line: 1 }, { href: 'w.md', line: 5 }]);
  });

  it('slugs headings as GitHub does', () => {
    expect(slug('The walk down the tree')).toBe('the-walk-down-the-tree');
    expect(slug('`putChild`: static dispatch, again!')).toBe('putchild-static-dispatch-again');
  });
});

describe('the markdown of this repository', () => {
  it('has no link to a missing file or heading', () => {
    const broken: string[] = [];
    for (const page of markdownFiles()) {
      for (const { href, line } of linksOf(readFileSync(join(ROOT, page), 'utf8'))) {
        const problem = problemWith(page, href);
        if (problem !== undefined) broken.push(`${page}:${line}: ${problem}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
