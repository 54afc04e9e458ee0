/**
 * Turning measurements into the results table: medians over rounds, ratios to each
 * case's reference, target verdicts, and the Markdown and JSON that `npm run bench`
 * prints and writes.
 *
 * Everything here is pure (no processes, no clock), so test/bench/report.test.ts checks
 * it on made-up numbers. A missed target is printed as **MISSED** in its row and counted
 * in the summary line: the table never hides one.
 */
import type { CaseSpec, Scenario, Target } from './scenarios.ts';

/** One measurement of one server on one case, in one round. */
export interface Sample {
  /** Requests completed while measuring. */
  readonly requests: number;
  /** Completed requests per second. */
  readonly rps: number;
  /** 99th percentile latency, in milliseconds. */
  readonly p99Ms: number;
  /** Server CPU time (user + system, all its threads and processes) per request, in µs; null without /proc. */
  readonly cpuUsPerReq: number | null;
  /** Largest resident set seen while under load, in MB (server and its child processes). */
  readonly peakRssMB: number | null;
  /** Resident set after start-up and one checked request, before any load, in MB. */
  readonly idleRssMB: number | null;
  /** Answers with an unexpected status, plus socket errors and timeouts. */
  readonly unexpected: number;
  /** For growth cases: RSS after the requests minus before, in MB. */
  readonly growthMB?: number;
}

/** Why a row has no numbers, or `measured` when it has. */
export type RowStatus = 'measured' | 'not-built' | 'not-installed' | 'failed';

export interface Row {
  readonly server: string;
  readonly label: string;
  status: RowStatus;
  /** For anything but `measured`: what is missing or what went wrong. */
  reason?: string;
  readonly samples: Sample[];
}

/** A row's numbers over all rounds. */
export interface Summary {
  /** Median requests per second. */
  readonly rps: number;
  /** Half the range of req/s over rounds, as a fraction of the median (0.02 = ±2 %). */
  readonly spread: number;
  readonly p99Ms: number;
  /** Median CPU µs per request. */
  readonly cpuUs: number | null;
  /** The largest peak RSS of any round. */
  readonly peakRssMB: number | null;
  readonly idleRssMB: number | null;
  readonly growthMB: number | null;
  /** Median requests completed per round. */
  readonly requests: number;
  readonly unexpected: number;
}

export type Verdict = 'met' | 'missed' | 'pending' | 'unmeasured' | 'typical' | 'unjudged';

export interface TargetResult {
  readonly target: Target;
  readonly verdict: Verdict;
  /** The ratio or the MB figure compared, when both sides were measured. */
  readonly value: number | null;
  /** The target and its outcome in words, as the table shows it. */
  readonly text: string;
}

export interface CaseResult {
  readonly spec: CaseSpec;
  readonly rows: Row[];
}

export interface ScenarioResult {
  readonly spec: Scenario;
  readonly cases: CaseResult[];
}

/** How the run was made: printed above the tables and saved in the JSON. */
export interface RunInfo {
  readonly date: string;
  readonly commit: string;
  readonly node: string;
  readonly cpu: string;
  readonly cores: number;
  readonly loadGenerator: string;
  readonly connections: number;
  readonly rounds: number;
  readonly duration: number;
  readonly warmup: number;
  /** E.g. "server on CPU 0, load generator on CPU 1", or "not pinned (...)". */
  readonly pinning: string;
  readonly quick: boolean;
  /** Peer versions: package or program → version. */
  readonly versions: Readonly<Record<string, string>>;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The row's numbers over its rounds, or null when it has none. */
export function summarize(row: Row): Summary | null {
  const samples = row.samples;
  if (row.status !== 'measured' || samples.length === 0) return null;
  const rps = samples.map((s) => s.rps);
  const mid = median(rps);
  const known = (values: (number | null | undefined)[]): number[] => values.filter((v): v is number => typeof v === 'number');
  const peaks = known(samples.map((s) => s.peakRssMB));
  const idles = known(samples.map((s) => s.idleRssMB));
  const growths = known(samples.map((s) => s.growthMB));
  const cpus = known(samples.map((s) => s.cpuUsPerReq));
  return {
    rps: mid,
    spread: mid > 0 ? (Math.max(...rps) - Math.min(...rps)) / 2 / mid : 0,
    p99Ms: median(samples.map((s) => s.p99Ms)),
    cpuUs: cpus.length > 0 ? median(cpus) : null,
    peakRssMB: peaks.length > 0 ? Math.max(...peaks) : null,
    idleRssMB: idles.length > 0 ? median(idles) : null,
    growthMB: growths.length > 0 ? median(growths) : null,
    requests: median(samples.map((s) => s.requests)),
    unexpected: samples.reduce((sum, s) => sum + s.unexpected, 0),
  };
}

/** `a / b`, or null when either is missing or b is 0. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || b === 0) return null;
  return a / b;
}

/** Judge one target against the case's rows (`judge` is false for `--quick`, whose numbers mean nothing). */
export function evaluateTarget(target: Target, result: CaseResult, labels: ReadonlyMap<string, string>, judge = true): TargetResult {
  const row = result.rows.find((r) => r.server === target.server);
  const name = (id: string): string => labels.get(id) ?? id;
  const bound = target.atLeast !== undefined ? `≥ ${target.atLeast}` : `≤ ${target.atMost}`;
  const vsId = target.vs ?? result.spec.reference;
  const wanted = target.metric === 'rps' ? `${bound}× ${vsId === null ? '?' : name(vsId)}`
    : target.metric === 'idleRss' ? `idle RSS ${bound} MB` : `growth ${bound} MB`;
  const say = (verdict: Verdict, value: number | null, text: string): TargetResult => ({ target, verdict, value, text });
  if (row === undefined || row.status === 'not-built') return say('pending', null, `${wanted}: pending (not built yet)`);
  const value = targetValue(target, row, vsId === null ? undefined : result.rows.find((r) => r.server === vsId));
  if (!judge) return say('unjudged', null, `${target.typical === true ? `typically ${target.atLeast}×` : wanted}: not judged in --quick`);
  if (target.typical === true) return say('typical', value, `typically ${target.atLeast}×${value === null ? '' : ` (here ${fmtRatio(value)})`}`);
  if (value === null) return say('unmeasured', null, `${wanted}: not measured`);
  const met = target.atLeast !== undefined ? value >= target.atLeast : value <= target.atMost!;
  const shown = target.metric === 'rps' ? fmtRatio(value) : `${fmtMB(value)} MB`;
  return met ? say('met', value, `${wanted}: met (${shown})`) : say('missed', value, `${wanted}: **MISSED** (${shown})`);
}

function targetValue(target: Target, row: Row, vs: Row | undefined): number | null {
  const own = summarize(row);
  if (own === null) return null;
  if (target.metric === 'idleRss') return own.idleRssMB;
  if (target.metric === 'growth') return own.growthMB;
  const other = vs === undefined ? null : summarize(vs);
  return ratio(own.rps, other?.rps);
}

/** Every target of every case, judged. */
export function allVerdicts(results: readonly ScenarioResult[], judge = true): TargetResult[] {
  return results.flatMap((s) => {
    const labels = labelsOf(s.spec);
    return s.cases.flatMap((c) => c.spec.targets.map((t) => evaluateTarget(t, c, labels, judge)));
  });
}

/** "3 met, 1 MISSED, 4 pending (not built yet)": the last line of a run. */
export function verdictLine(verdicts: readonly TargetResult[]): string {
  const count = (v: Verdict): number => verdicts.filter((t) => t.verdict === v).length;
  if (count('unjudged') > 0) return 'Targets: not judged in --quick (a smoke run).';
  const parts = [`${count('met')} met`, `${count('missed')} ${count('missed') > 0 ? 'MISSED' : 'missed'}`];
  if (count('pending') > 0) parts.push(`${count('pending')} pending (not built yet)`);
  if (count('unmeasured') > 0) parts.push(`${count('unmeasured')} not measured`);
  return `Targets: ${parts.join(', ')}.`;
}

function labelsOf(scenario: Scenario): Map<string, string> {
  return new Map(scenario.servers.map((s) => [s.id, s.label]));
}

/** The whole results page. */
export function renderMarkdown(info: RunInfo, results: readonly ScenarioResult[]): string {
  const verdicts = allVerdicts(results, !info.quick);
  const lines = [`# Loom benchmarks${info.quick ? ' (quick smoke run: numbers mean nothing)' : ''}`, '', ...runInfoLines(info), ''];
  for (const scenario of results) lines.push(...scenarioMarkdown(scenario, !info.quick), '');
  lines.push(verdictLine(verdicts), '');
  return lines.join('\n');
}

function runInfoLines(info: RunInfo): string[] {
  const versions = Object.entries(info.versions).map(([k, v]) => `${k} ${v}`).join(', ');
  return [
    `${info.date}, commit ${info.commit}. Node ${info.node} on ${info.cpu} (${info.cores} cores).`,
    info.quick
      ? `Quick: each server checked, then ${info.loadGenerator} for 1 s on each case's reference and a checked burst of requests on the others; ${info.pinning}.`
      : `Load: ${info.loadGenerator}, ${info.connections} connections, ${info.rounds} round(s) × ${info.duration} s after ${info.warmup} s warm-up, servers alternating; ${info.pinning}.`,
    `Each figure is the median over rounds (± is half the range); CPU is the server's user + system time per request; RSS is the peak under load; × ref is the ratio to the case's reference in this run.`,
    ...(versions === '' ? [] : [`Versions: ${versions}.`]),
  ];
}

function scenarioMarkdown(result: ScenarioResult, judge: boolean): string[] {
  const labels = labelsOf(result.spec);
  const lines = [`## ${result.spec.title}`, ''];
  if (result.spec.note !== undefined) lines.push(result.spec.note, '');
  for (const c of result.cases) {
    const ref = c.spec.reference === null ? 'none' : labels.get(c.spec.reference) ?? c.spec.reference;
    lines.push(`### ${c.spec.id}: ${c.spec.title} (reference: ${ref})`, '');
    lines.push(...(c.spec.growthRequests !== undefined ? growthTable(c, labels, judge) : throughputTable(c, labels, judge)), '');
  }
  return lines;
}

/** One throughput row per server, in the scenario's order. */
export function throughputTable(result: CaseResult, labels: ReadonlyMap<string, string>, judge = true): string[] {
  const refRow = result.rows.find((r) => r.server === result.spec.reference);
  const ref = refRow === undefined ? null : summarize(refRow);
  const lines = [
    '| server | req/s | × ref | p99 ms | × ref | CPU µs/req | × ref | RSS MB | × ref | idle MB | target |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const row of result.rows) {
    const targets = targetCell(result, row, labels, judge);
    const s = summarize(row);
    if (s === null) {
      lines.push(`| ${row.label} | ${statusText(row)} | | | | | | | | | ${targets} |`);
      continue;
    }
    const isRef = row.server === result.spec.reference;
    const x = (a: number | null, b: number | null | undefined): string => (isRef ? '1 (ref)' : fmtRatioOrDash(ratio(a, b)));
    const warn = s.unexpected > 0 ? ` ⚠ ${s.unexpected} unexpected` : '';
    lines.push(`| ${row.label} | ${fmtRps(s.rps)} ±${Math.round(s.spread * 100)}%${warn} | ${x(s.rps, ref?.rps)} | ${fmtMs(s.p99Ms)} | ${x(s.p99Ms, ref?.p99Ms)} | ${s.cpuUs === null ? '—' : s.cpuUs.toFixed(0)} | ${x(s.cpuUs, ref?.cpuUs)} | ${fmtMBOrDash(s.peakRssMB)} | ${x(s.peakRssMB, ref?.peakRssMB)} | ${fmtMBOrDash(s.idleRssMB)} | ${targets} |`);
  }
  return lines;
}

function growthTable(result: CaseResult, labels: ReadonlyMap<string, string>, judge: boolean): string[] {
  const lines = ['| server | requests | RSS growth MB | target |', '|---|---:|---:|---|'];
  for (const row of result.rows) {
    const s = summarize(row);
    const requests = s === null ? '' : fmtRps(s.requests);
    const growth = s === null ? statusText(row) : fmtMBOrDash(s.growthMB);
    lines.push(`| ${row.label} | ${requests} | ${growth} | ${targetCell(result, row, labels, judge)} |`);
  }
  return lines;
}

function targetCell(result: CaseResult, row: Row, labels: ReadonlyMap<string, string>, judge: boolean): string {
  return result.spec.targets.filter((t) => t.server === row.server).map((t) => evaluateTarget(t, result, labels, judge).text).join('; ');
}

/** The words in place of numbers for a row that has none. */
export function statusText(row: Row): string {
  switch (row.status) {
    case 'measured': return 'no samples';
    case 'not-built': return 'not built yet';
    case 'not-installed': return `not installed${row.reason === undefined ? '' : ` (${row.reason})`}`;
    case 'failed': return `**FAILED**: ${escapeCell(row.reason ?? 'unknown error')}`;
    default: return assertNever(row.status);
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected ${String(value)}`);
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ').slice(0, 300);
}

/** 12345.6 → "12 346": thin grouping, easy to compare by eye. */
export function fmtRps(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

export function fmtRatio(n: number): string {
  return n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

function fmtRatioOrDash(n: number | null): string {
  return n === null ? '—' : fmtRatio(n);
}

function fmtMs(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

function fmtMB(n: number): string {
  return n.toFixed(1);
}

function fmtMBOrDash(n: number | null): string {
  return n === null ? '—' : fmtMB(n);
}

/** The results as plain data: what the table shows, plus every round's sample. */
export function toJSON(info: RunInfo, results: readonly ScenarioResult[]): unknown {
  const judge = !info.quick;
  return {
    info,
    scenarios: results.map((s) => {
      const labels = labelsOf(s.spec);
      return {
        id: s.spec.id,
        title: s.spec.title,
        cases: s.cases.map((c) => ({
          id: c.spec.id,
          title: c.spec.title,
          reference: c.spec.reference,
          rows: c.rows.map((r) => ({ ...r, summary: summarize(r) })),
          targets: c.spec.targets.map((t) => {
            const judged = evaluateTarget(t, c, labels, judge);
            return { ...t, verdict: judged.verdict, value: judged.value, text: judged.text };
          }),
        })),
      };
    }),
    verdicts: verdictLine(allVerdicts(results, judge)),
  };
}
