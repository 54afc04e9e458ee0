/**
 * The command line of every workbook command (`npm run lesson`, `grade`, `hint`,
 * `solution`, `reset`, and `tools/grading/verify.ts`), read one way: a table of flags
 * and how many `NN` arguments the command takes, parsed with Node's `parseArgs`.
 *
 * A mistake gets the same kind of answer everywhere: one line saying what was wrong,
 * then where the help is (`Unknown option --wacth. See: npm run grade -- --help`), and
 * `--help` (or `-h`) prints the usage made from the same table. Every option is a flag:
 * no workbook command takes an option with a value. Tests: `test/tools/args.test.ts`.
 */
import { parseArgs } from 'node:util';
import { runMain, UsageError } from './cli.ts';

/** One flag of a command: `--watch`, maybe `-w`. */
export interface FlagSpec {
  /** A one-letter alias: `w` for `-w`. */
  readonly short?: string;
  /** One line for `--help`. */
  readonly help: string;
  /**
   * Also on when npm took the flag for its own setting: `npm run lesson 07 --trace`,
   * without the `--` before it, reaches the command only as `npm_config_trace=true`.
   * For flags that cost nothing if set by mistake (trace, watch, verbose, all); never
   * for `--yes` or `--force`, which a global npm setting could otherwise turn on for
   * every run. @default false
   */
  readonly fromNpm?: boolean;
}

/** A command's line: how it is typed, what it does, its flags and its arguments. */
export interface CommandLine<F extends string> {
  /** As typed, without arguments: `npm run grade`. */
  readonly command: string;
  /** The arguments after the command, for the usage line: `[NN …] [-- --watch]`. */
  readonly synopsis: string;
  /** A line or two saying what the command does, shown by `--help`. */
  readonly description: string;
  readonly flags: Readonly<Record<F, FlagSpec>>;
  /** How many arguments (`NN`) it takes at most. @default Infinity */
  readonly maxArguments?: number;
}

/** What the command line asked for. */
export type Parsed<F extends string> =
  | { readonly kind: 'run'; readonly flags: Readonly<Record<F, boolean>>; readonly args: readonly string[] }
  | { readonly kind: 'help'; readonly text: string };

/**
 * Read `argv` (the arguments after the script) by `spec`.
 * @throws UsageError for an unknown option, a value given to a flag, or too many
 * arguments; its message is one line ending with where the help is.
 */
export function parseCommandLine<F extends string>(spec: CommandLine<F>, argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Parsed<F> {
  const names = Object.keys(spec.flags) as F[];
  const options: Record<string, { type: 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const name of names) options[name] = { type: 'boolean', ...(spec.flags[name].short === undefined ? {} : { short: spec.flags[name].short }) };
  // Not strict: parseArgs's own messages are long and name no help, so the tokens are
  // checked here instead, each mistake said in the one form every command shares.
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const seen = new Set<string>();
  const args: string[] = [];
  let mistake: string | undefined;
  for (const token of tokens) {
    if (token.kind === 'positional') args.push(token.value);
    if (token.kind !== 'option') continue;
    if (!isDeclared(options, token.name, token.rawName)) mistake ??= `Unknown option ${token.rawName}.`;
    else if (token.value !== undefined) mistake ??= `Option ${token.rawName} takes no value.`;
    else seen.add(token.name);
  }
  // Asking for help is never a mistake, whatever else is on the line.
  if (seen.has('help')) return { kind: 'help', text: helpText(spec) };
  if (mistake !== undefined) throw usageMistake(spec, mistake);
  const max = spec.maxArguments ?? Infinity;
  if (args.length > max) {
    throw usageMistake(spec, `${spec.command} takes ${max === 1 ? 'one argument' : `at most ${max} arguments`}, not ${args.length}: ${args.join(' ')}.`);
  }
  const flags = Object.fromEntries(names.map((n) => [n, seen.has(n) || (spec.flags[n].fromNpm === true && env[`npm_config_${n}`] === 'true')]));
  return { kind: 'run', flags: flags as Record<F, boolean>, args };
}

/**
 * Run a command: read its line by `spec`, print the help when asked, else run `main`
 * with the flags and arguments (see {@link runMain} for how it ends).
 */
export function runCommand<F extends string>(
  spec: CommandLine<F>,
  main: (line: { readonly flags: Readonly<Record<F, boolean>>; readonly args: readonly string[] }) => Promise<number | void>,
): void {
  runMain(async () => {
    const line = parseCommandLine(spec, process.argv.slice(2));
    if (line.kind === 'help') {
      console.log(line.text);
      return 0;
    }
    return main(line);
  });
}

/** A usage mistake in `spec`'s command: `reason`, then where the help is, on one line. */
export function usageMistake(spec: Pick<CommandLine<string>, 'command'>, reason: string): UsageError {
  return new UsageError(`${reason} See: ${helpCommand(spec.command)}`);
}

/** The `--help` text: usage, what the command does, then one line per flag. */
export function helpText<F extends string>(spec: CommandLine<F>): string {
  const rows = (Object.entries(spec.flags) as [string, FlagSpec][]).map(([name, flag]) =>
    [`  ${flag.short === undefined ? '    ' : `-${flag.short}, `}--${name}`, flag.help] as const);
  rows.push(['  -h, --help', 'Show this help.']);
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  const where = spec.command.startsWith('npm run ') ? ' (after a --, so that npm hands them on)' : '';
  return [
    `Usage: ${spec.command} ${spec.synopsis}`,
    '',
    spec.description,
    '',
    `Options${where}:`,
    ...rows.map(([left, help]) => left.padEnd(width) + help),
  ].join('\n');
}

/**
 * Whether `rawName` (`--watch`, `-w`) is a declared option. Not strict, parseArgs names
 * an unknown `-x` by its letter, which must not pass for a long option called `x`.
 */
function isDeclared(options: Record<string, { short?: string }>, name: string, rawName: string): boolean {
  if (!Object.hasOwn(options, name)) return false;
  return rawName.startsWith('--') || options[name]!.short === rawName.slice(1);
}

/** `npm run grade -- --help`: npm keeps what follows its `--` for the script. */
function helpCommand(command: string): string {
  return command.startsWith('npm run ') ? `${command} -- --help` : `${command} --help`;
}
