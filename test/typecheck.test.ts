/**
 * The whole project type-checks under strict TypeScript: the library, lessons,
 * exercises, solutions, tools, tests and benchmarks (tsconfig.json), and, apart, the
 * resource scripts with their ambient names (tsconfig.scripts.json). Run here rather than
 * as a step before Vitest, so it overlaps with the other test files instead of adding to
 * the wall time.
 *
 * Both programs are built in this process with the compiler API rather than by two
 * `tsc` runs, so that the second reuses the files the first has parsed. It also asks
 * about the scripts only: everything else they import was checked a moment ago with the
 * same options (a test below makes sure the options stay the same), and checking all of
 * it again cost about nine seconds of CPU for nothing.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

/** Parsed files, shared between the two programs: same options, same syntax trees. */
const parsed = new Map<string, ts.SourceFile | undefined>();

function readProject(configFile: string): ts.ParsedCommandLine {
  const host: ts.ParseConfigFileHost = {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(`${configFile}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    },
  };
  const project = ts.getParsedCommandLineOfConfigFile(join(ROOT, configFile), {}, host);
  if (project === undefined) throw new Error(`cannot read ${configFile}`);
  return project;
}

function createProgram(project: ts.ParsedCommandLine): ts.Program {
  const host = ts.createCompilerHost(project.options);
  const parse = host.getSourceFile.bind(host);
  host.getSourceFile = (file, languageVersion, onError, shouldCreate) => {
    if (!parsed.has(file)) parsed.set(file, parse(file, languageVersion, onError, shouldCreate));
    return parsed.get(file);
  };
  return ts.createProgram({ rootNames: project.fileNames, options: project.options, projectReferences: project.projectReferences, host });
}

/** Diagnostics as `tsc` prints them: `lib/x.ts(3,5): error TS2322: …`. */
function format(diagnostics: readonly ts.Diagnostic[]): string[] {
  const host: ts.FormatDiagnosticsHost = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' };
  return diagnostics.map((d) => ts.formatDiagnostic(d, host).trim());
}

/** The options that decide how a file is checked (not where its config file lives). */
function checkingOptions(project: ts.ParsedCommandLine): ts.CompilerOptions {
  const { configFilePath: _path, ...options } = project.options;
  return options;
}

describe('the project', { timeout: 240_000 }, () => {
  const main = readProject('tsconfig.json');
  const scripts = readProject('tsconfig.scripts.json');

  it('type-checks (tsconfig.json)', () => {
    const program = createProgram(main);
    expect(format([...main.errors, ...ts.getPreEmitDiagnostics(program)]), 'tsc -p tsconfig.json').toEqual([]);
    expect(main.fileNames.length).toBeGreaterThan(100);
  });

  it('type-checks the resource scripts (tsconfig.scripts.json)', () => {
    const program = createProgram(scripts);
    const own = new Set(scripts.fileNames);
    const files = program.getSourceFiles().filter((file) => own.has(file.fileName));
    expect(files.map((f) => f.fileName)).toContain(join(ROOT, 'lib/rsx-env.d.ts'));
    expect(files.some((f) => f.fileName.endsWith('.rsx.ts'))).toBe(true);
    const diagnostics = [
      ...scripts.errors, ...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics(),
      ...files.flatMap((file) => [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]),
    ];
    expect(format(diagnostics), 'tsc -p tsconfig.scripts.json, for the scripts').toEqual([]);
  });

  it('checks the scripts with the options the rest of the project is checked with', () => {
    // Only then does the check above cover everything `tsc -p tsconfig.scripts.json`
    // would: the files the scripts import were checked with these same options.
    expect(checkingOptions(scripts)).toEqual(checkingOptions(main));
  });
});
