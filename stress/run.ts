/**
 * `npm run stress`: the stress suite. Hostile input, slow clients, a thousand
 * connections, RSS soaks, client aborts and faults, each case bounded in time, against
 * servers running in their own processes on 127.0.0.1.
 *
 * It lives in its own top-level folder rather than in bench/ because it answers a
 * different question: bench/ compares Loom's speed with other servers, this asks whether
 * Loom stays up, correct and bounded under abuse, and passes or fails. It reuses the
 * bench's process handling and load generators (bench/process.ts, bench/load.ts).
 * Not part of `npm test`: the long cases take minutes; their fast, deterministic
 * counterparts are in test/hostile/.
 *
 *   npm run stress                      every case
 *   npm run stress -- slow-body soak    one case, or a group (hostile, slow, load, soak, abort, fault)
 *   npm run stress -- --quick           shorter durations, for iterating on the suite
 *   npm run stress -- --report          also write docs/guide/stress-report.md
 *   npm run stress -- --list            the cases and what each attacks
 */
import { killAll } from '../bench/process.ts';
import { fail, type CaseResult, type Context, type StressCase } from './case.ts';
import { ABORT_CASES } from './aborts.ts';
import { FAULT_CASES } from './faults.ts';
import { HOSTILE_CASES } from './hostile.ts';
import { LOAD_CASES } from './load.ts';
import { writeReport, type Outcome } from './report.ts';
import { makeFixtureTree, startTarget, startUpstreams, type Target } from './servers.ts';
import { SLOW_CASES } from './slow.ts';

const ALL: readonly StressCase[] = [...HOSTILE_CASES, ...SLOW_CASES, ...LOAD_CASES, ...ABORT_CASES, ...FAULT_CASES];

interface Options { readonly quick: boolean; readonly report: boolean; readonly list: boolean; readonly names: readonly string[] }

function parseArgs(argv: readonly string[]): Options {
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  for (const flag of flags) if (!['--quick', '--report', '--list'].includes(flag)) throw new Error(`unknown option ${flag}; the options are --quick, --report and --list`);
  return { quick: flags.has('--quick'), report: flags.has('--report'), list: flags.has('--list'), names: argv.filter((a) => !a.startsWith('--')) };
}

function select(names: readonly string[]): StressCase[] {
  if (names.length === 0) return [...ALL];
  const unknown = names.filter((n) => !ALL.some((c) => c.name === n || c.group === n));
  if (unknown.length > 0) throw new Error(`no case or group named ${unknown.join(', ')}; see npm run stress -- --list`);
  return ALL.filter((c) => names.includes(c.name) || names.includes(c.group));
}

/** Run one case within its limit, with a fresh-target helper whose targets stop with it. */
async function runCase(c: StressCase, shared: Omit<Context, 'startTarget' | 'say'>): Promise<CaseResult> {
  const own: Target[] = [];
  const ctx: Context = {
    ...shared,
    say: (line) => console.log(`    ${line}`),
    startTarget: async (env = {}) => {
      const target = await startTarget(shared.root, { STRESS_UPSTREAM_PORT: String(shared.upstreams.good), ...env });
      own.push(target);
      return target;
    },
  };
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<CaseResult>((resolve) => {
    timer = setTimeout(() => resolve(fail(`did not finish within its limit of ${c.limitSeconds} s`)), c.limitSeconds * 1000);
  });
  try {
    return await Promise.race([c.run(ctx).catch((error: unknown) => fail(`failed: ${(error as Error).message}`)), limit]);
  } finally {
    clearTimeout(timer);
    await Promise.all(own.map((t) => t.stop()));
  }
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const cases = select(options.names);
  if (options.list) {
    for (const c of ALL) console.log(`${c.group.padEnd(8)} ${c.name.padEnd(22)} ${c.attacks}`);
    return 0;
  }
  const tree = makeFixtureTree();
  const upstreams = await startUpstreams();
  const outcomes: Outcome[] = [];
  try {
    console.log(`Starting the target (stress/target.ts) …`);
    const target = await startTarget(tree.root, {
      STRESS_UPSTREAM_PORT: String(upstreams.good), STRESS_DYING_PORT: String(upstreams.dying), STRESS_SILENT_PORT: String(upstreams.silent),
    });
    const shared = { quick: options.quick, root: tree.root, target, upstreams };
    for (const [i, c] of cases.entries()) {
      console.log(`[${i + 1}/${cases.length}] ${c.name}: ${c.attacks}`);
      const started = Date.now();
      const result = await runCase(c, shared);
      const seconds = (Date.now() - started) / 1000;
      const mark = result.skipped !== undefined ? 'SKIP' : result.passed ? 'PASS' : 'FAIL';
      console.log(`    ${mark} in ${seconds.toFixed(1)} s: ${result.detail}`);
      outcomes.push({ case: c, result, seconds });
      if (target.process.exited) throw new Error(`the target exited (code ${String(target.process.exitCode)}): ${target.process.tail()}`);
    }
    await target.stop();
  } finally {
    await upstreams.close();
    await killAll();
    tree.remove();
  }
  const failed = outcomes.filter((o) => !o.result.passed && o.result.skipped === undefined);
  const skipped = outcomes.filter((o) => o.result.skipped !== undefined);
  console.log(`\n${outcomes.length - failed.length - skipped.length} passed, ${failed.length} failed, ${skipped.length} skipped.`);
  if (options.report) console.log(`Wrote ${writeReport(outcomes, options.quick)}`);
  return failed.length === 0 ? 0 : 1;
}

process.on('SIGINT', () => void killAll().then(() => process.exit(130)));
main().then((code) => process.exit(code), (error: unknown) => {
  console.error(`stress: ${(error as Error).message}`);
  void killAll().then(() => process.exit(2));
});
