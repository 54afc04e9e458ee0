/**
 * What the workbook commands (`npm run lesson`, `grade`, `hint`, `solution`, `reset`)
 * share: where the workbook is, how a command ends with a message instead of a stack,
 * and a y/N question. Their command lines are read by `args.ts`, their colours by
 * `colors.ts`.
 */
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { isLoomError } from '../../lib/errors.ts';
import { ROOT } from '../grading/subject.ts';
import { describeItems, findItem, type Exercise } from './catalog.ts';

/**
 * The folder holding `lessons/`, `exercises/`, `solutions/` and the progress file: the
 * repository, unless `LOOM_ROOT` names another one (the runner's own tests use that to
 * point the commands at small fixture workbooks).
 */
export function workbookRoot(): string {
  const override = process.env.LOOM_ROOT;
  return override === undefined || override === '' ? ROOT : resolve(override);
}

/** A mistake the person at the keyboard can fix; printed as its message alone. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The exercise `query` names (`7`, `07`, a slug or a folder name), or a UsageError listing those there are. */
export function pickExercise(exercises: readonly Exercise[], query: string): Exercise {
  const found = findItem(exercises, query);
  if (found === undefined) throw new UsageError(`There is no exercise ${query}. The exercises are: ${describeItems(exercises)}.`);
  return found;
}

/**
 * Run a command's `main`, turning its outcome into an exit code. Expected failures
 * (a `UsageError`, or a `LoomError` such as a busy port) print their message alone; a
 * stack is kept for real bugs, where it is what you need.
 */
export function runMain(main: () => Promise<number | void>): void {
  main().then(
    (code) => {
      process.exitCode = code ?? 0;
    },
    (error: unknown) => {
      if (error instanceof UsageError || isLoomError(error)) process.stderr.write(`${error.message}\n`);
      else process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

/**
 * Ask `question` and resolve true only for an answer starting with y or Y. An empty
 * answer, anything else, or the input ending is a no: the safe default for a question
 * that guards lost work.
 */
export function confirm(question: string, input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const rl = createInterface({ input, output, terminal: false });
    let answered = false;
    rl.once('line', (answer) => {
      answered = true;
      rl.close();
      resolvePromise(/^\s*y/i.test(answer));
    });
    rl.once('close', () => {
      if (!answered) resolvePromise(false);
    });
    output.write(question);
  });
}
