/**
 * `npm run bench`: Loom against its peers, with the results as a table.
 *
 * Bundles the server scripts, makes the fixtures, runs each chosen scenario (see
 * bench/harness.ts), prints the Markdown table and writes it, with the JSON, to
 * bench/results/. Exits 1 when a server failed (crashed, or answered wrongly), so
 * `--quick` works as a smoke test; a missed target is shown, not an exit status.
 * The guide is docs/guide/performance.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs, USAGE, type BenchOptions } from './args.ts';
import { bundleServers } from './build.ts';
import { measureLearnerLoop, renderLearnerLoop } from './learner-loop.ts';
import { makeFixtures } from './fixtures.ts';
import { parseCpuList, runScenario, type RunPlan } from './harness.ts';
import type { LoadGeneratorName } from './load.ts';
import { killAll } from './process.ts';
import { findPrograms, peerVersions, type Programs } from './programs.ts';
import { renderMarkdown, toJSON, type RunInfo, type ScenarioResult } from './report.ts';
import { knownIds, SCENARIOS, selectScenarios } from './scenarios.ts';

async function main(argv: readonly string[]): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseArgs(argv, knownIds());
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  if (options.list) {
    for (const s of SCENARIOS) console.log(`${s.id}: ${s.title}\n${s.cases.map((c) => `  ${c.id}: ${c.title}`).join('\n')}`);
    return 0;
  }
  const scenarios = selectScenarios(options.only);
  const programs = findPrograms();
  const generator = chooseGenerator(options, programs);
  const pinning = choosePinning(options, programs);
  const started = Date.now();
  const bundled = scenarios.flatMap((s) => s.servers.flatMap((server) => (server.launch.kind === 'node' && server.launch.tsx !== true ? [server.launch.script] : [])));
  await bundleServers([...bundled, 'backend.ts']);
  const fixtures = makeFixtures();
  const stop = (): void => {
    void killAll().finally(() => {
      fixtures.remove();
      process.exit(130);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const outDir = resolve(options.outDir);
  const plan: RunPlan = {
    options, programs, generator, fixtures,
    pinServer: pinning.server, pinLoad: pinning.load,
    profileDir: options.cpuProf ? join(outDir, 'profiles') : null,
    log: (line) => console.error(`${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s ${line}`),
  };
  console.error(`Load generator: ${generator}; ${pinning.text}.`);
  const results: ScenarioResult[] = [];
  try {
    for (const scenario of scenarios) results.push(await runScenario(scenario, plan));
  } finally {
    fixtures.remove();
  }
  const info = runInfo(options, programs, generator, pinning.text);
  // A learner's commands get every core, as on the learner's machine, not the one the harness was pinned to.
  pinning.release();
  const markdown = `${renderMarkdown(info, results)}\n${renderLearnerLoop(await measureLearnerLoop(options.quick ? 1 : 3))}`;
  console.log(markdown);
  writeResults(outDir, info, results, markdown);
  console.error(`Took ${Math.round((Date.now() - started) / 1000)} s. Results in ${outDir}/latest.md and latest.json.`);
  const failed = results.flatMap((s) => s.cases.flatMap((c) => c.rows)).filter((r) => r.status === 'failed');
  return failed.length > 0 ? 1 : 0;
}

function chooseGenerator(options: BenchOptions, programs: Programs): LoadGeneratorName {
  if (options.loadGenerator === 'wrk' && programs.wrk === null) throw new Error('--loadgen wrk, but wrk is not installed (apt-get install wrk).');
  if (options.loadGenerator !== 'auto') return options.loadGenerator;
  return programs.wrk !== null ? 'wrk' : 'autocannon';
}

/** Server on the first allowed CPU, load generator on the second, when there are two and taskset. */
function choosePinning(options: BenchOptions, programs: Programs): Pinning {
  const none = (why: string): Pinning => ({ server: [], load: [], text: `not pinned (${why})`, release: () => {} });
  if (!options.pin) return none('--no-pin');
  if (programs.taskset === null) return none('no taskset');
  let allowed: string;
  let cpus: number[];
  try {
    allowed = /^Cpus_allowed_list:\s*(.+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '';
    cpus = parseCpuList(allowed);
  } catch {
    return none('no /proc');
  }
  if (cpus.length < 2) return none('fewer than 2 CPUs');
  const [server, load] = [String(cpus[0]), String(cpus[1])];
  // The harness itself (its RSS sampling, warm-up bursts and checks) stays off the server's CPU too.
  const pinHarness = (list: string): void => {
    try {
      execFileSync(programs.taskset!, ['-a', '-p', '-c', list, String(process.pid)], { stdio: 'ignore' });
    } catch {
      // Not fatal: the harness is mostly idle while measuring.
    }
  };
  pinHarness(load);
  return {
    server: [programs.taskset, '-c', server],
    load: [programs.taskset, '-c', load],
    text: `server (with its backend or Redis) pinned to CPU ${server}, load generator and harness to CPU ${load}`,
    release: () => pinHarness(allowed),
  };
}

/** Where the servers and the load generator run, and how to give the harness its CPUs back. */
interface Pinning {
  readonly server: string[];
  readonly load: string[];
  readonly text: string;
  /** Let the harness (and what it starts from then on) run on every CPU it was allowed at the start. */
  release(): void;
}

function runInfo(options: BenchOptions, programs: Programs, generator: LoadGeneratorName, pinning: string): RunInfo {
  const versions = peerVersions(programs);
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    commit: gitCommit(),
    node: process.versions.node,
    cpu: programs.cpu,
    cores: programs.cores,
    loadGenerator: generator === 'wrk' ? `wrk ${versions['wrk'] ?? ''}`.trim() : `autocannon ${versions['autocannon'] ?? ''}`.trim(),
    connections: options.quick ? 10 : options.connections,
    rounds: options.quick ? 1 : options.rounds,
    duration: options.duration,
    warmup: options.quick ? 0 : options.warmup,
    pinning,
    quick: options.quick,
    versions,
  };
}

function gitCommit(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty === '' ? commit : `${commit} (with uncommitted changes)`;
  } catch {
    return 'unknown';
  }
}

function writeResults(outDir: string, info: RunInfo, results: readonly ScenarioResult[], markdown: string): void {
  mkdirSync(outDir, { recursive: true });
  const stamp = info.date.replace(/[:]/g, '').replace(/Z$/, '');
  const json = `${JSON.stringify(toJSON(info, results), null, 2)}\n`;
  for (const name of [`bench-${stamp}`, 'latest']) {
    writeFileSync(join(outDir, `${name}.json`), json);
    writeFileSync(join(outDir, `${name}.md`), markdown);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  async (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    await killAll();
    process.exit(1);
  },
);
