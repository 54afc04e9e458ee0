/**
 * Turns an error from a graded test into what a learner needs to read: for a
 * `GradingError`, its wire transcript as it is; for an `expect` that failed, the message
 * and the diff; for a test that ran out of time, what that usually means; for an
 * exception, where in the learner's own file it was thrown. Never a stack of Vitest's
 * internals. Tests: `test/tools/explain.test.ts`.
 */
import { relative, sep } from 'node:path';
import { stripVTControlCharacters } from 'node:util';

/** The parts of a (serialized) error this module reads. */
export interface ErrorLike {
  readonly name?: string;
  readonly message?: string;
  readonly stack?: string;
  readonly diff?: string;
  readonly stacks?: readonly { readonly file: string; readonly line: number; readonly column: number; readonly method?: string }[];
}

/** One failed graded test, explained. */
export interface Failure {
  /** The test's full name (`describe > it`). */
  readonly test: string;
  readonly message: string;
  /** Where in the workbook's files it went wrong: `exercises/07-x/form.ts:12:5`. */
  readonly where?: string;
  /** What the code under test printed while this test ran. */
  readonly logs: readonly string[];
}

/** How to explain. */
export interface ExplainContext {
  /** The workbook root; locations are shown relative to it. */
  readonly root: string;
  /** Keep colour codes (Vitest colours its diffs). */
  readonly color: boolean;
  readonly logs: readonly string[];
}

const TIMED_OUT = /^Test timed out in (\d+)ms/;
const HOOK_TIMED_OUT = /^Hook timed out in (\d+)ms/;

/** Explain `error`, which failed the test named `test`. */
export function explainError(test: string, error: ErrorLike, context: ExplainContext): Failure {
  const text = (s: string) => (context.color ? s : stripVTControlCharacters(s));
  const name = error.name ?? 'Error';
  const message = error.message ?? '';
  const timedOut = TIMED_OUT.exec(message) ?? HOOK_TIMED_OUT.exec(message);
  let explained: string;
  let where: string | undefined;
  if (name === 'GradingError') {
    explained = message.replace(/^\n+/, ''); // the transcript already says everything, request and response
  } else if (timedOut !== null) {
    explained = `The test gave up after ${Number(timedOut[1]) / 1000} s waiting for your code. ` +
      'Usually a response was never finished: a render method returned NOT_DONE_YET (or a Promise that never settles) ' +
      'and request.finish() was never called.';
  } else if (name === 'AssertionError') {
    explained = error.diff === undefined || error.diff === '' ? message : `${message}\n\n${error.diff}`;
    where = locate(error, context.root, true);
  } else {
    explained = `${name}: ${message}`;
    where = locate(error, context.root, false);
  }
  return { test, message: text(explained), ...(where === undefined ? {} : { where }), logs: context.logs.map(text) };
}

/**
 * The first stack frame in the workbook's own files, relative to `root`: the learner's
 * file (or the solution) when the error was thrown there, else the line of the graded
 * test. Frames in `lib/` and `node_modules/` are skipped: the question is which line of
 * the exercise led there.
 */
export function locate(error: ErrorLike, root: string, testFileOnly: boolean): string | undefined {
  const frames = (error.stacks ?? []).filter((f) => isWorkbookFile(f.file, root));
  const own = testFileOnly ? undefined : frames.find((f) => !f.file.endsWith('.test.ts'));
  const frame = own ?? frames.find((f) => f.file.endsWith('.test.ts'));
  if (frame === undefined) return undefined;
  return `${relative(root, frame.file).split(sep).join('/')}:${frame.line}:${frame.column}`;
}

function isWorkbookFile(file: string, root: string): boolean {
  const rel = relative(root, file).split(sep).join('/');
  return rel.startsWith('exercises/') || rel.startsWith('solutions/');
}
