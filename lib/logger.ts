/**
 * @module
 * Where Loom reports what went wrong: a failed render, a finish called twice, a resource
 * that returned the wrong type.
 *
 * Twisted counterpart: `twisted.logger` / `twisted.python.log.err(failure, why)`, which
 * every Twisted Web failure passes through. Loom differs: a Site takes a `Logger` object
 * (console by default) so that tests and lessons can capture messages instead of
 * patching a global. Lesson 13 (logging-errors) teaches it; tests in `test/logger.test.ts`.
 */

// #region logger-interface
/** The three levels Loom logs at. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  /** Log a failure; `error` is the thrown value, printed with its stack when it has one. */
  error(message: string, error?: unknown): void;
}

/** Logs to standard error, one line per message, prefixed with an ISO time and the level. */
export const consoleLogger: Logger = {
  info: (message) => process.stderr.write(`${stamp()} [info] ${message}\n`),
  warn: (message) => process.stderr.write(`${stamp()} [warn] ${message}\n`),
  error: (message, error) => process.stderr.write(`${stamp()} [error] ${message}${describe(error)}\n`),
};
// #endregion logger-interface

/** Logs to `out` (a log file, say) in the same form as {@link consoleLogger}. */
export function streamLogger(out: { write(text: string): unknown }): Logger {
  return {
    info: (message) => out.write(`${stamp()} [info] ${message}\n`),
    warn: (message) => out.write(`${stamp()} [warn] ${message}\n`),
    error: (message, error) => out.write(`${stamp()} [error] ${message}${describe(error)}\n`),
  };
}

/** A logger that drops everything (for benchmarks and tests that expect noise). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** Render a thrown value for a log line: its stack if it has one, else its string form. */
export function describe(error: unknown): string {
  if (error === undefined) return '';
  if (error instanceof Error) return `\n${error.stack ?? `${error.name}: ${error.message}`}`;
  return `\n${String(error)}`;
}

function stamp(): string {
  return new Date().toISOString();
}
