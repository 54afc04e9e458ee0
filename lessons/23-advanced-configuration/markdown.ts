/**
 * A processor for lesson 23: Markdown notes shown as HTML pages. It is deliberately
 * small (headings, paragraphs and inline code only): the point is how a processor plugs
 * into a File, not Markdown.
 *
 * Used by example.ts, and on the command line:
 * `npx loom web --path lessons/23-advanced-configuration/site --processor .md=./lessons/23-advanced-configuration/markdown.ts:MarkdownPage`
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Resource, escapeHTML, type Registry, type Request } from '../../lib/index.ts';

// #region markdown-page
/** A `.md` file, rendered as a page. A processor class: made with `(path, registry)`. */
export class MarkdownPage extends Resource {
  readonly path: string;
  readonly registry: Registry;

  constructor(path: string, registry: Registry) {
    super();
    this.path = path;
    this.registry = registry;
  }

  render_GET(request: Request): string {
    const text = readFileSync(this.path, 'utf8');
    request.setHeader('content-type', 'text/html; charset=utf-8');
    return `<!DOCTYPE html>\n<html><head><title>${escapeHTML(basename(this.path))}</title></head><body>\n${markdownToHTML(text)}</body></html>\n`;
  }
}
// #endregion markdown-page

/** `# Title` → `<h1>`, `## Part` → `<h2>`, blank-line paragraphs, `code` spans; everything escaped. */
export function markdownToHTML(text: string): string {
  return text.split(/\n{2,}/).map((block) => block.trim()).filter((block) => block !== '').map((block) => {
    const heading = /^(#{1,6})\s+(.*)$/.exec(block);
    if (heading !== null) return `<h${heading[1]!.length}>${inline(heading[2]!)}</h${heading[1]!.length}>\n`;
    return `<p>${inline(block)}</p>\n`;
  }).join('');
}

function inline(text: string): string {
  return escapeHTML(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}
