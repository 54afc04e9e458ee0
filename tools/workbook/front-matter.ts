/**
 * Reads the YAML front matter that opens each lesson's README:
 *
 * ```md
 * ---
 * title: Handling POSTs
 * summary: forms, render_POST, args and escaping
 * ---
 * ```
 *
 * Only the flat `key: value` subset lessons use is understood (values may be quoted);
 * a full YAML parser would be a dependency for two fields. Tests:
 * `test/tools/front-matter.test.ts`.
 */

/** A document split into its front matter fields and the text after them. */
export interface FrontMatter {
  readonly data: ReadonlyMap<string, string>;
  readonly body: string;
}

const FENCE = /^---[ \t]*$/;

/**
 * Split `text` into front matter and body. Text that does not open with a `---` line has
 * no front matter: every line is body. Lines that are not `key: value` (comments, blank
 * lines) are skipped rather than rejected, so one odd line cannot hide a lesson.
 */
export function parseFrontMatter(text: string): FrontMatter {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines.length === 0 || !FENCE.test(lines[0]!)) return { data: new Map(), body: text };
  const end = lines.findIndex((line, i) => i > 0 && FENCE.test(line));
  if (end < 0) return { data: new Map(), body: text };
  const data = new Map<string, string>();
  for (const line of lines.slice(1, end)) {
    const match = /^([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*)$/.exec(line);
    if (match !== null) data.set(match[1]!, unquote(match[2]!.trim()));
  }
  return { data, body: lines.slice(end + 1).join('\n') };
}

function unquote(value: string): string {
  const quote = value[0];
  if ((quote === '"' || quote === "'") && value.length >= 2 && value.endsWith(quote)) {
    const inner = value.slice(1, -1);
    // YAML doubles a single quote inside '…'; inside "…" it uses backslash escapes.
    return quote === "'" ? inner.replaceAll("''", "'") : inner.replace(/\\(["\\])/g, '$1');
  }
  // An unquoted value ends where a ` #` comment starts.
  return value.replace(/\s+#.*$/, '');
}
