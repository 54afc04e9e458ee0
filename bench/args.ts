/**
 * `npm run bench` arguments: which scenarios, how long, which load generator.
 *
 * Positional words pick scenarios (`hello`, `static`) or single cases (`static-1k`); none
 * means all. Numbers are checked here so a typo fails at once rather than after minutes
 * of measuring.
 */

export type LoadGeneratorChoice = 'auto' | 'wrk' | 'autocannon';

export interface BenchOptions {
  /** Scenario or case ids to run; empty means every scenario. */
  readonly only: readonly string[];
  /** Smoke mode: one short round that checks every server answers correctly. */
  readonly quick: boolean;
  readonly rounds: number;
  /** Seconds of measured load per server and case, in each round. */
  readonly duration: number;
  /** Seconds of unmeasured requests before each measurement (sent by the harness; fractions allowed). */
  readonly warmup: number;
  readonly connections: number;
  readonly loadGenerator: LoadGeneratorChoice;
  /** Pin the server and the load generator to different cores (when there are 2 or more). */
  readonly pin: boolean;
  /** Run Loom's servers with `--cpu-prof`, writing profiles to `<outDir>/profiles`. */
  readonly cpuProf: boolean;
  /** Where the JSON and Markdown results go. */
  readonly outDir: string;
  readonly list: boolean;
  readonly help: boolean;
}

export const DEFAULTS: Omit<BenchOptions, 'only'> = {
  quick: false,
  rounds: 3,
  duration: 2,
  warmup: 0.5,
  connections: 50,
  loadGenerator: 'auto',
  pin: true,
  cpuProf: false,
  outDir: 'bench/results',
  list: false,
  help: false,
};

export const USAGE = `Usage: npm run bench -- [SCENARIO|CASE ...] [options]

Scenarios: hello, static, gzip, gzip-static, proxy, gateway, sessions, scale-out, tls (default: all).
A case id (static-1k, static-404, ...) runs just that case; --list shows them.

Options:
  --quick               smoke mode: every server starts and answers correctly (under a minute)
  --rounds N            rounds, servers alternating (default ${DEFAULTS.rounds})
  --duration S          measured seconds per server and case, whole seconds (default ${DEFAULTS.duration})
  --warmup S            seconds of unmeasured requests before each measurement (default ${DEFAULTS.warmup})
  --connections N       concurrent connections (default ${DEFAULTS.connections})
  --loadgen NAME        wrk or autocannon (default: wrk when installed)
  --no-pin              do not pin the server and the load generator to separate cores
  --cpu-prof            run Loom servers with node --cpu-prof (profiles in OUT/profiles)
  --out DIR             where results go (default ${DEFAULTS.outDir})
  --list                list scenarios and cases, then stop
  --help                this text`;

/**
 * Parse the arguments after `npm run bench --`. `known` holds every scenario and case id.
 * @throws Error with a message fit to print, for an unknown word or a bad number.
 */
export function parseArgs(argv: readonly string[], known: readonly string[]): BenchOptions {
  const only: string[] = [];
  const options: { -readonly [K in keyof BenchOptions]: BenchOptions[K] } = { ...DEFAULTS, only };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? splitOnce(arg) : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value.\n\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--quick': options.quick = true; break;
      case '--rounds': options.rounds = wholeNumber(flag, value(), 1); break;
      case '--duration': options.duration = wholeNumber(flag, value(), 1); break;
      case '--warmup': options.warmup = seconds(flag, value()); break;
      case '--connections': options.connections = wholeNumber(flag, value(), 1); break;
      case '--loadgen': options.loadGenerator = loadGenerator(value()); break;
      case '--no-pin': options.pin = false; break;
      case '--cpu-prof': options.cpuProf = true; break;
      case '--out': options.outDir = value(); break;
      case '--list': options.list = true; break;
      case '--help': case '-h': options.help = true; break;
      default:
        if (flag.startsWith('-')) throw new Error(`Unknown option ${flag}.\n\n${USAGE}`);
        if (!known.includes(flag)) throw new Error(`Unknown scenario or case "${flag}". Known: ${known.join(', ')}.`);
        only.push(flag);
    }
  }
  return options;
}

function splitOnce(arg: string): [string, string] {
  const at = arg.indexOf('=');
  return [arg.slice(0, at), arg.slice(at + 1)];
}

function wholeNumber(flag: string, text: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`${flag} must be a whole number of at least ${min}, got "${text}".`);
  return n;
}

function seconds(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || text.trim() === '') throw new Error(`${flag} must be a number of seconds, got "${text}".`);
  return n;
}

function loadGenerator(text: string): LoadGeneratorChoice {
  if (text === 'wrk' || text === 'autocannon' || text === 'auto') return text;
  throw new Error(`--loadgen must be wrk or autocannon, got "${text}".`);
}
