/**
 * Type-checks exercise files before their tests run, so that a type error is reported
 * as what it is (file, line, message) rather than as a puzzling runtime failure: the
 * tests run through Vitest, which strips types without checking them.
 *
 * It uses the TypeScript compiler API with the repository's own `tsconfig.json`
 * settings, and reports problems only in the files asked about: an import of `lib/`
 * is checked for how it is used, not for `lib/`'s own health. Tests:
 * `test/tools/typecheck.test.ts`.
 */
import { relative, resolve } from 'node:path';
import ts from 'typescript';
import { ROOT } from './subject.ts';

/** One type error, at a place in a file. */
export interface TypeProblem {
  /** Absolute path. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  /** The TypeScript error number: 2322 for TS2322. */
  readonly code: number;
  readonly message: string;
}

/** Type-check `files` (absolute paths) together; the problems found in them, in file order. */
export function typeCheck(files: readonly string[]): TypeProblem[] {
  if (files.length === 0) return [];
  const wanted = new Set(files.map((f) => resolve(f)));
  const program = ts.createProgram({ rootNames: [...wanted], options: compilerOptions() });
  const problems: TypeProblem[] = [];
  // Diagnostics are asked for the wanted files only: the checker then looks at lib/
  // only as far as those files use it, several times faster than checking all of it.
  const diagnostics = program.getSourceFiles()
    .filter((file) => wanted.has(resolve(file.fileName)))
    .flatMap((file) => [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]);
  for (const diagnostic of diagnostics) {
    const file = diagnostic.file;
    if (file === undefined) continue;
    const { line, character } = file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    problems.push({
      file: resolve(file.fileName),
      line: line + 1,
      column: character + 1,
      code: diagnostic.code,
      message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'),
    });
  }
  return problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

/** `exercises/07-x/form.ts:12:5 - error TS2322: Type 'number' is not …`, paths relative to `from`. */
export function formatTypeProblem(problem: TypeProblem, from: string): string {
  const message = problem.message.replace(/\n/g, '\n    ');
  return `${relative(from, problem.file)}:${problem.line}:${problem.column} - error TS${problem.code}: ${message}`;
}

let cachedOptions: ts.CompilerOptions | undefined;

/** The compiler options of the repository's tsconfig.json, read once. */
function compilerOptions(): ts.CompilerOptions {
  if (cachedOptions !== undefined) return cachedOptions;
  const path = resolve(ROOT, 'tsconfig.json');
  const read = ts.readConfigFile(path, ts.sys.readFile);
  if (read.error !== undefined) throw new Error(`Cannot read ${path}: ${ts.flattenDiagnosticMessageText(read.error.messageText, '\n')}`);
  cachedOptions = { ...ts.parseJsonConfigFileContent(read.config, ts.sys, ROOT).options, noEmit: true };
  return cachedOptions;
}
