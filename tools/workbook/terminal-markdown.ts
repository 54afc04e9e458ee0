/**
 * A lesson README drawn for a terminal, for `npm run read NN`: headings in bold, inline
 * code and links coloured, the front matter as a title line, weave markers dropped (their
 * captions stay, dimmed), and fenced code indented and highlighted. Line by line, not a
 * full CommonMark renderer: lesson READMEs keep to headings, paragraphs, lists, tables,
 * quotes and fences (STYLE.md), and each of those reads well as it is written. With
 * colour off the text is the README's own, less the markers. Not Twisted's: a workbook tool.
 * Tests: `test/tools/terminal-markdown.test.ts`.
 */
import { styleText } from 'node:util';
import { parseFrontMatter } from './front-matter.ts';

type Format = Parameters<typeof styleText>[0];

/** Words TypeScript and shell code treat specially, shown in one colour. */
const KEYWORDS = new Set([
  'async', 'await', 'break', 'case', 'catch', 'class', 'const', 'continue', 'default', 'do', 'else', 'export',
  'extends', 'false', 'finally', 'for', 'from', 'function', 'if', 'implements', 'import', 'in', 'instanceof',
  'interface', 'let', 'new', 'null', 'of', 'private', 'protected', 'public', 'readonly', 'return', 'static',
  'super', 'switch', 'this', 'throw', 'true', 'try', 'type', 'typeof', 'undefined', 'void', 'while', 'yield',
  'then', 'fi', 'echo', 'curl', 'npm', 'npx',
]);

/** One token of code: a comment, a string, a number, a word or anything else. */
const CODE_TOKEN = /(\/\/.*$|\/\*.*?\*\/|^\s*\*.*$|`(?:[^`\\]|\\.)*`|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\b\d[\d_.]*\b|\b[A-Za-z_$][\w$]*\b)/g;

/** `markdown` as terminal text; `color` false gives plain text. */
export function renderForTerminal(markdown: string, color: boolean): string {
  const paint = (format: Format, text: string): string => (color ? styleText(format, text, { validateStream: false }) : text);
  const { data, body } = parseFrontMatter(markdown);
  const out: string[] = [];
  const title = data.get('title');
  if (title !== undefined) out.push(paint(['bold', 'underline'], title), data.has('summary') ? paint('dim', data.get('summary')!) : '', '');
  let fence: string | undefined;
  let lang = '';
  for (const line of body.replace(/^\s*\n/, '').split('\n')) {
    const opens = /^(```+|~~~+)\s*([\w-]*)/.exec(line);
    if (fence !== undefined) {
      if (opens !== null && line.trim() === fence) {
        fence = undefined;
        continue;
      }
      out.push(line === '' ? '' : `    ${highlight(line, lang, paint)}`);
      continue;
    }
    if (opens !== null) {
      fence = opens[1]!;
      lang = opens[2]!;
      if (opens[2] !== '' && opens[2] !== 'ts' && opens[2] !== 'sh') out.push(paint('dim', `    ${opens[2]}`));
      continue;
    }
    if (/^\s*<!--.*-->\s*$/.test(line)) continue;
    out.push(prose(line, paint));
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

function prose(line: string, paint: (format: Format, text: string) => string): string {
  const heading = /^(#{1,6})\s+(.*)$/.exec(line);
  if (heading !== null) {
    const text = inline(heading[2]!, paint, false);
    return heading[1]!.length <= 2 ? paint(['bold', 'underline'], text) : paint('bold', text);
  }
  if (/^\*`[^`]+`, lines? [\d–]+\*$/.test(line)) return paint('dim', `  ${line.slice(1, -1).replaceAll('`', '')}`);
  if (/^\s*>/.test(line)) return paint('italic', line.replace(/^\s*>\s?/, '│ '));
  return inline(line, paint, true);
}

/** Inline code, emphasis and links of one line. */
function inline(text: string, paint: (format: Format, text: string) => string, styled: boolean): string {
  return text
    .replace(/`([^`]+)`/g, (_, code: string) => paint('cyan', code))
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, (_, label: string, href: string) => `${label} ${paint('dim', `(${href})`)}`)
    .replace(/\*\*([^*]+)\*\*/g, (_, bold: string) => (styled ? paint('bold', bold) : bold))
    .replace(/(^|[\s(])\*([^*\s][^*]*)\*(?=[\s).,;:]|$)/g, (_, before: string, em: string) => before + paint('italic', em));
}

/** Languages whose comments start with `#`. */
const HASH_COMMENTS = new Set(['sh', 'bash', 'perl', 'python', 'nginx', 'conf', 'ini', 'yaml']);

/** One line of code in `lang`, coloured by token. */
export function highlight(line: string, lang: string, paint: (format: Format, text: string) => string): string {
  if (HASH_COMMENTS.has(lang) && /^\s*#/.test(line)) return paint('dim', line);
  return line.replace(CODE_TOKEN, (token) => {
    if (/^(\/\/|\/\*|\s*\*)/.test(token)) return paint('dim', token);
    if (/^['"`]/.test(token)) return paint('green', token);
    if (/^\d/.test(token)) return paint('yellow', token);
    if (KEYWORDS.has(token)) return paint('magenta', token);
    if (/^[A-Z]/.test(token)) return paint('cyan', token);
    return token;
  });
}
