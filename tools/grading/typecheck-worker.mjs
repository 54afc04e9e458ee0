// The type-check of tools/grading/typecheck.ts, run in a worker thread so that it takes
// the other core while Vitest starts and runs the tests. Plain JavaScript because the
// worker then starts without tsx: Node 20 cannot strip types, and registering tsx's
// loader first (as lib/gateway/boot.mjs must) would cost this worker a few tenths of a
// second before it could begin. workerData: { files, tsconfig } (absolute paths); posts
// back the TypeProblem[] that typecheck.ts describes.
import { resolve } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import ts from 'typescript';

const { files, tsconfig } = workerData;
const wanted = new Set(files.map((f) => resolve(f)));
const program = ts.createProgram({ rootNames: [...wanted], options: compilerOptions(tsconfig) });
// Diagnostics are asked for the wanted files only: the checker then looks at lib/ only
// as far as those files use it, several times faster than checking all of it.
const problems = program.getSourceFiles()
  .filter((file) => wanted.has(resolve(file.fileName)))
  .flatMap((file) => [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)])
  .filter((diagnostic) => diagnostic.file !== undefined)
  .map((diagnostic) => {
    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    return {
      file: resolve(diagnostic.file.fileName),
      line: line + 1,
      column: character + 1,
      code: diagnostic.code,
      message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'),
    };
  });
parentPort.postMessage(problems);

/** The compiler options of `path` (the repository's tsconfig.json), for checking only. */
function compilerOptions(path) {
  const read = ts.readConfigFile(path, ts.sys.readFile);
  if (read.error !== undefined) throw new Error(`Cannot read ${path}: ${ts.flattenDiagnosticMessageText(read.error.messageText, '\n')}`);
  return { ...ts.parseJsonConfigFileContent(read.config, ts.sys, resolve(path, '..')).options, noEmit: true };
}
