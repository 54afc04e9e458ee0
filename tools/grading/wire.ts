/**
 * Assertions for graded tests that explain a failure the way a learner can use it: the
 * request that was sent and the response that came back, as they look on the wire, then
 * what was expected, with the first difference marked.
 *
 * @example
 * const response = await request(root, { uri: '/hello' });
 * expectResponse(response, { code: 200, body: 'Hello, world!' });
 */
import type { TestResponse } from '../../lib/testing.ts';
import { formatTrace, type TraceEvent } from '../../lib/trace.ts';

/** What a graded test expects of a response. Only the fields given are checked. */
export interface Expected {
  code?: number;
  /** The reason phrase of the status line (`Not Found` in `HTTP/1.1 404 Not Found`), exactly. */
  message?: string;
  /** The whole body, exactly. */
  body?: string;
  /** Text the body must contain. */
  bodyIncludes?: string | readonly string[];
  /** Text the body must not contain. */
  bodyExcludes?: string | readonly string[];
  /** Header values, exactly; `undefined` means the header must be absent. */
  headers?: Record<string, string | undefined>;
}

/** Thrown when a response is not what was expected; its message is the transcript. */
export class GradingError extends Error {
  override name = 'GradingError';
}

/** Check `response` against `expected`; throw a {@link GradingError} with a transcript if it differs. */
export function expectResponse(response: TestResponse, expected: Expected, note = ''): void {
  const problems = findProblems(response, expected);
  if (problems.length > 0) throw new GradingError(transcript(response, problems, note));
}

function findProblems(response: TestResponse, expected: Expected): string[] {
  const problems: string[] = [];
  if (expected.code !== undefined && response.code !== expected.code) {
    problems.push(`expected status ${expected.code}, got ${response.code}`);
  }
  if (expected.message !== undefined && response.message !== expected.message) {
    problems.push(`expected reason phrase ${JSON.stringify(expected.message)}, got ${JSON.stringify(response.message)}`);
  }
  for (const [name, value] of Object.entries(expected.headers ?? {})) {
    const got = response.headers.getLast(name);
    if (got !== value) problems.push(value === undefined ? `expected no ${name} header, got "${got}"` : `expected header ${name}: "${value}", got ${got === undefined ? 'no such header' : `"${got}"`}`);
  }
  if (expected.body !== undefined && response.text !== expected.body) {
    problems.push(`expected the body to be exactly:\n${indent(clip(expected.body))}\n${markDifference(expected.body, response.text)}`);
  }
  for (const part of list(expected.bodyIncludes)) {
    if (!response.text.includes(part)) problems.push(`expected the body to contain ${JSON.stringify(part)}`);
  }
  for (const part of list(expected.bodyExcludes)) {
    if (response.text.includes(part)) problems.push(`expected the body NOT to contain ${JSON.stringify(part)}`);
  }
  return problems;
}

/** The request and response as HTTP text, then the problems. */
export function transcript(response: TestResponse, problems: readonly string[], note = ''): string {
  const req = response.request;
  const sent = [`${req.method} ${req.uri} ${req.clientproto}`];
  for (const [name, values] of req.requestHeaders.getAllRawHeaders()) for (const v of values) sent.push(`${name}: ${v}`);
  const body = req.content.length > 0 ? `\n\n${clip(req.content.text())}` : '';
  const got = [`HTTP/1.1 ${response.code} ${response.message}`];
  for (const [name, values] of response.headers.getAllRawHeaders()) for (const v of values) got.push(`${name}: ${v}`);
  return [
    note === '' ? '' : `${note}\n`,
    'Request sent:',
    indent(sent.join('\n') + body, '  > '),
    '',
    'Response received:',
    indent(`${got.join('\n')}\n\n${clip(response.text)}`, '  < '),
    '',
    ...problems.map((p) => `✗ ${p}`),
    ...walkUnder404(response),
  ].join('\n');
}

/**
 * A problem line that shows the walk as `npm run lesson NN -- --trace` prints it, for a
 * grader that checks how a page was found (a leaf, putChild or getChild), not only what it said.
 */
export function walkAsTraced(trace: readonly TraceEvent[], lesson: string): string {
  return `the walk, as npm run lesson ${lesson} -- --trace prints it:\n${indent(formatTrace(trace))}`;
}

/**
 * What a render method returned, in a few words, for a grader that checks its kind:
 * `a Promise`, `the string "<html>…"` (its first 40 characters), `Symbol(NOT_DONE_YET)`.
 */
export function describeReturned(value: unknown): string {
  if (value instanceof Promise) return 'a Promise';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`;
  return String(value);
}

/** For a 404, the walk through the resource tree, which shows where it stopped and why. */
function walkUnder404(response: TestResponse): string[] {
  if (response.code !== 404 || response.trace === undefined) return [];
  return ['', 'The walk through the resource tree (npm run lesson NN -- --trace prints the same):', indent(formatTrace(response.trace), '  '),
    ...whereItStopped(response.trace)];
}

/** One line naming the resource that had no child for a segment, when that is what gave the 404. */
function whereItStopped(trace: readonly TraceEvent[]): string[] {
  // The walk stopped for want of a child when its last step handed over Loom's 404 page
  // (described as `ErrorPage(404)`): not any step whose class name merely starts so.
  const steps = trace.filter((e): e is Extract<TraceEvent, { kind: 'child' }> => e.kind === 'child');
  const step = steps.at(-1);
  if (step === undefined || step.child !== 'ErrorPage(404)') return [];
  return [`  The walk stopped at ${step.parent}: it has no child named ${JSON.stringify(step.segment)}. A resource that answers ` +
    'every path below it is a leaf (isLeaf = true); otherwise give it the child with putChild or getChild.'];
}

/** Show where `actual` first departs from `expected`, with a caret under the spot. */
export function markDifference(expected: string, actual: string): string {
  let i = 0;
  while (i < expected.length && i < actual.length && expected[i] === actual[i]) i++;
  const lineStart = actual.lastIndexOf('\n', i - 1) + 1;
  const lineEnd = actual.indexOf('\n', i);
  const line = actual.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
  const at = i - lineStart;
  if (i === actual.length && i < expected.length) return `but the body ended early, where ${JSON.stringify(expected.slice(i, i + 20))} was expected next`;
  return `but it differs at character ${i}:\n    ${line}\n    ${' '.repeat(at)}^ expected ${JSON.stringify(expected.slice(i, i + 20))} here`;
}

function list(v: string | readonly string[] | undefined): readonly string[] {
  return v === undefined ? [] : typeof v === 'string' ? [v] : v;
}

/** Lines of a body shown before and after the part a transcript leaves out. */
const HEAD_LINES = 8;
const TAIL_LINES = 2;
/** Characters of a body shown at most, for bodies of few but long lines. */
const MAX_CHARACTERS = 1200;

/**
 * A long body with its middle left out, so that the problems under the transcript stay in
 * sight: the first lines, a line saying how much is missing, the last lines.
 */
export function clip(text: string): string {
  const lines = text.split('\n');
  if (lines.length > HEAD_LINES + TAIL_LINES + 1) {
    const left = lines.slice(HEAD_LINES, lines.length - TAIL_LINES);
    const shown = [...lines.slice(0, HEAD_LINES), `… (${left.length} lines, ${left.join('\n').length} characters, left out)`, ...lines.slice(-TAIL_LINES)].join('\n');
    return shown.length > MAX_CHARACTERS * 1.5 ? clipCharacters(text) : shown;
  }
  return clipCharacters(text);
}

function clipCharacters(text: string): string {
  return text.length > MAX_CHARACTERS ? `${text.slice(0, MAX_CHARACTERS)}\n… (${text.length - MAX_CHARACTERS} more characters)` : text;
}

function indent(text: string, prefix = '    '): string {
  return text.split('\n').map((l) => prefix + l).join('\n');
}
