/**
 * @module
 * Command-line options, declared as a table and applied in the order they were typed.
 *
 * A command lists its options: a long name, maybe a short one, whether it takes a value,
 * a help line, and an `apply` function that changes the command's configuration. Node's
 * `parseArgs` splits the arguments into tokens; the parser walks them left to right and
 * calls each `apply` as it meets the option, so options can depend on earlier ones
 * (`--mime-type` only after `--path`) and repeat (`--listen` twice). Adding an option is
 * adding one entry to a table; `--help` text is made from the same table.
 *
 * Twisted counterpart: `twisted.python.usage.Options` (`optParameters`, `optFlags`,
 * `opt_*` methods called in order, `postOptions`, `UsageError`). Loom differs: options
 * are data rather than methods found by name, so a reader sees every option of a command
 * in one list; a usage error is a `LoomError` with code `LOOM_ERR_USAGE`.
 * Tests: `test/app/options.test.ts`.
 */

import { parseArgs } from 'node:util';
import { LoomError } from '../errors.ts';

/** One option of a command, changing a configuration of type `C`. */
export interface OptionSpec<C> {
  /** The long name without dashes: `path` for `--path`. */
  readonly name: string;
  /** A one-letter alias: `p` for `-p`. */
  readonly short?: string;
  /** What the value is called in help (`DIR`); leave it out for a flag, which takes none. */
  readonly value?: string;
  /** One line for `--help`. */
  readonly help: string;
  /** Apply the option (the value is `''` for a flag). Throw {@link usageError} for a bad one. */
  apply(config: C, value: string): void;
}

/** A command: its options, a fresh configuration, and a last check once all are applied. */
export interface CommandSpec<C> {
  /** As typed: `web`. */
  readonly name: string;
  /** A line or two saying what the command does, shown at the top of `--help`. */
  readonly description: string;
  readonly options: readonly OptionSpec<C>[];
  /** The configuration before any option is applied. */
  initial(): C;
  /** Checks and defaults that need every option seen (Twisted's `postOptions`). */
  finish?(config: C): void;
}

/** What parsing the arguments produced. */
export type Parsed<C> = { readonly kind: 'config'; readonly config: C } | { readonly kind: 'help' };

/** A usage error: the message says what was wrong; the program prints it with the usage. */
export function usageError(message: string): LoomError {
  return new LoomError('LOOM_ERR_USAGE', message);
}

// #region options-parse
/**
 * Apply `args` to a fresh configuration, option by option, in order.
 * @throws LoomError `LOOM_ERR_USAGE` for an unknown option, a missing value, a value
 * given to a flag, a stray argument, or whatever an option's `apply` refuses.
 */
export function parseCommand<C>(command: CommandSpec<C>, args: readonly string[]): Parsed<C> {
  const config = command.initial();
  const tokens = tokenize(command, args);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === 'positional') throw usageError(`Unexpected argument: ${token.value}`);
    if (token.kind === 'option-terminator') continue;
    if (token.rawName === '--help' || token.rawName === '-h') return { kind: 'help' };
    const option = findOption(command, token.name, token.rawName);
    if (option.value === undefined) {
      // Letters are not grouped: `-vx` is -v given "x", refused as `--verbose=x` is.
      const grouped = tokens[i + 1]?.index === token.index && !token.rawName.startsWith('--');
      if (token.value !== undefined || grouped) throw usageError(`Option ${token.rawName} takes no value.`);
      option.apply(config, '');
    } else {
      if (token.value === undefined) throw usageError(`Option --${option.name} needs a value (${option.value}).`);
      option.apply(config, token.value);
    }
  }
  command.finish?.(config);
  return { kind: 'config', config };
}
// #endregion options-parse

/**
 * Node's `parseArgs` splits the arguments into tokens, one per option (a short group
 * such as `-vm` gives several with one index), in the order typed; a value option takes
 * `--name=v`, `--name v`, `-nv` or `-n v`. Not strict, so that every mistake is found
 * and said above, in this module's words, in the order it was typed.
 */
function tokenize<C>(command: CommandSpec<C>, args: readonly string[]) {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const o of command.options) {
    options[o.name] = { type: o.value === undefined ? 'boolean' : 'string', ...(o.short === undefined ? {} : { short: o.short }) };
  }
  options.help ??= { type: 'boolean', ...(command.options.some((o) => o.short === 'h') ? {} : { short: 'h' }) };
  return parseArgs({ args: [...args], options, strict: false, allowPositionals: true, tokens: true }).tokens;
}

/** The option a token names, by its long name for `--name`, by its letter for `-n`. */
function findOption<C>(command: CommandSpec<C>, name: string, rawName: string): OptionSpec<C> {
  if (rawName.startsWith('--')) {
    const option = command.options.find((o) => o.name === name);
    if (option === undefined) throw usageError(`Option --${name} not recognized.${suggestion(command, name)}`);
    return option;
  }
  const option = command.options.find((o) => o.short === rawName.slice(1));
  if (option === undefined) throw usageError(`Option ${rawName} not recognized.`);
  return option;
}

/** " Did you mean --mime-type?" for `--mime_type`, the spelling Twisted's own messages use. */
function suggestion<C>(command: CommandSpec<C>, name: string): string {
  const wanted = name.replace(/_/g, '-');
  const close = command.options.find((o) => o.name === wanted);
  return close === undefined ? '' : ` Did you mean --${close.name}?`;
}

/** The `--help` text: what the command does, then one line per option. */
export function usageText<C>(program: string, command: CommandSpec<C>): string {
  const rows = command.options.map((o) => {
    const short = o.short === undefined ? '    ' : `-${o.short}, `;
    return [`  ${short}--${o.name}${o.value === undefined ? '' : ` ${o.value}`}`, o.help] as const;
  });
  rows.push(['  -h, --help', 'Show this help and exit.']);
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  const lines = rows.map(([left, help]) => left.padEnd(width) + help);
  return `Usage: ${program} ${command.name} [options]\n\n${command.description}\n\nOptions:\n${lines.join('\n')}\n`;
}
