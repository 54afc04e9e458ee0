/**
 * `npm run stress -- --report`: the results as a docs page (docs/guide/stress-report.md),
 * a summary table (cases tried, passed, load held, RSS slope, faults survived) and one
 * row per case, so the reliability guide can show what was actually run.
 */
import { cpus } from 'node:os';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CaseResult, StressCase } from './case.ts';
import { SLOPE_LIMIT_MB } from './load.ts';

export interface Outcome {
  readonly case: StressCase;
  readonly result: CaseResult;
  readonly seconds: number;
}

const PAGE = fileURLToPath(new URL('../docs/guide/stress-report.md', import.meta.url));

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\n/g, ' ');
const mark = (r: CaseResult): string => (r.skipped !== undefined ? 'skipped' : r.passed ? 'passed' : '**failed**');

function summary(outcomes: readonly Outcome[]): string[] {
  const ran = outcomes.filter((o) => o.result.skipped === undefined);
  const passed = ran.filter((o) => o.result.passed);
  const group = (g: string) => ran.filter((o) => o.case.group === g);
  const faults = group('fault');
  const load = outcomes.find((o) => o.case.name === 'thousand-connections');
  const loadText = load === undefined ? 'not run' : `${load.result.passed ? 'held' : '**not held**'}: ${cell(load.result.detail)}`;
  const soaks = group('soak').map((o) => `${o.case.name.replace('soak-', '')} ${String(o.result.figures?.['slopeMBPer100k'] ?? '?')}`).join(', ');
  const slow = group('slow');
  return [
    '| | |', '|---|---|',
    `| cases tried | ${ran.length} (${outcomes.length - ran.length} skipped) |`,
    `| passed | ${passed.length} of ${ran.length} |`,
    `| load held | ${loadText} |`,
    `| RSS slope, MB per 100k requests | ${soaks || 'not run'} (limit ${SLOPE_LIMIT_MB}) |`,
    `| slow clients | ${slow.filter((o) => o.result.passed).length} of ${slow.length} modes left the service available |`,
    `| faults survived | ${faults.filter((o) => o.result.passed).length} of ${faults.length} |`,
    `| aborts with nothing left behind | ${group('abort').filter((o) => o.result.passed).length} of ${group('abort').length} |`,
  ];
}

/** Write the page (docs/guide/stress-report.md unless told); returns its path. */
export function writeReport(outcomes: readonly Outcome[], quick: boolean, path = PAGE): string {
  writeFileSync(path, renderReport(outcomes, quick));
  return path;
}

/** The page's Markdown. */
export function renderReport(outcomes: readonly Outcome[], quick: boolean): string {
  const rows = outcomes.map((o) => `| ${o.case.group} | \`${o.case.name}\` | ${cell(o.case.attacks)} | ${mark(o.result)} | ${o.seconds.toFixed(0)} s | ${cell(o.result.detail)} |`);
  const page = [
    '# Stress report',
    '',
    `The last run of \`npm run stress${quick ? ' -- --quick' : ''}\`, written by \`npm run stress -- --report\` on`,
    `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}, ${cpus().length} cores.`,
    'The servers ran in their own processes on 127.0.0.1; figures from a shared machine are',
    'provisional: a long case can show the noise of other work. What each case does is in',
    '`stress/`; the limits it exercises are in the [limits and timeouts guide](./reliability.md).',
    '',
    ...summary(outcomes),
    '',
    '## Every case',
    '',
    '| group | case | attack | result | took | what happened |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
  return page;
}
