import { describe, expect, it } from 'vitest';
import {
  allVerdicts, evaluateTarget, fmtRps, median, ratio, renderMarkdown, statusText, summarize, throughputTable, toJSON, verdictLine,
  type CaseResult, type Row, type RunInfo, type Sample, type ScenarioResult,
} from '../../bench/report.ts';
import type { CaseSpec, Scenario } from '../../bench/scenarios.ts';

const sample = (rps: number, extra: Partial<Sample> = {}): Sample => ({ requests: rps * 3, rps, p99Ms: 2, cpuUsPerReq: 100, peakRssMB: 50, idleRssMB: 40, unexpected: 0, ...extra });
const measured = (server: string, ...rps: number[]): Row => ({ server, label: server.toUpperCase(), status: 'measured', samples: rps.map((r) => sample(r)) });

const helloCase: CaseSpec = {
  id: 'hello', title: 'GET /', path: '/', check: { status: 200, body: 'hello' }, reference: 'node',
  targets: [
    { server: 'loom', metric: 'rps', atLeast: 0.95 },
    { server: 'loom', metric: 'idleRss', atMost: 60 },
    { server: 'fastify', metric: 'rps', atLeast: 0.96, typical: true },
  ],
};
const scenario: Scenario = {
  id: 'hello', title: 'Hello world', cases: [helloCase],
  servers: ['loom', 'node', 'fastify', 'nginx'].map((id) => ({ id, label: id.toUpperCase(), launch: { kind: 'node', script: `${id}.ts` } })),
};
const labels = new Map(scenario.servers.map((s) => [s.id, s.label]));

function caseWith(rows: Row[]): CaseResult {
  return { spec: helloCase, rows };
}

const info: RunInfo = {
  date: '2026-01-02T03:04:05Z', commit: 'abc1234', node: '20.20.2', cpu: 'Test CPU', cores: 2, loadGenerator: 'wrk 4.1.0',
  connections: 50, rounds: 3, duration: 3, warmup: 1, pinning: 'server pinned to CPU 0, load generator to CPU 1', quick: false,
  versions: { fastify: '5.0.0' },
};

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe('summarize', () => {
  it('gives the median req/s and p99, the largest peak RSS and half the range as spread', () => {
    const row: Row = { server: 'x', label: 'X', status: 'measured', samples: [sample(90, { peakRssMB: 70 }), sample(100), sample(110, { p99Ms: 9 })] };
    expect(summarize(row)).toMatchObject({ rps: 100, p99Ms: 2, cpuUs: 100, peakRssMB: 70, idleRssMB: 40, spread: 0.1, requests: 300 });
  });

  it('has nothing to say for a row that was not measured', () => {
    expect(summarize({ server: 'x', label: 'X', status: 'not-built', samples: [] })).toBeNull();
  });
});

describe('ratio', () => {
  it('divides, and gives null when a side is missing or zero', () => {
    expect(ratio(95, 100)).toBe(0.95);
    expect(ratio(null, 100)).toBeNull();
    expect(ratio(1, 0)).toBeNull();
  });
});

describe('evaluateTarget', () => {
  const [rpsTarget, rssTarget, typicalTarget] = helloCase.targets as [never, never, never];

  it('meets a ratio target measured against the reference in the same run', () => {
    const judged = evaluateTarget(rpsTarget, caseWith([measured('loom', 96), measured('node', 100)]), labels);
    expect(judged).toMatchObject({ verdict: 'met', value: 0.96, text: '≥ 0.95× NODE: met (0.96)' });
  });

  it('shows a missed target as **MISSED** with the ratio reached', () => {
    const judged = evaluateTarget(rpsTarget, caseWith([measured('loom', 80), measured('node', 100)]), labels);
    expect(judged.verdict).toBe('missed');
    expect(judged.text).toBe('≥ 0.95× NODE: **MISSED** (0.80)');
  });

  it('judges absolute memory targets in MB', () => {
    const judged = evaluateTarget(rssTarget, caseWith([measured('loom', 96), measured('node', 100)]), labels);
    expect(judged).toMatchObject({ verdict: 'met', value: 40, text: 'idle RSS ≤ 60 MB: met (40.0 MB)' });
  });

  it('leaves a target pending while its Loom server is not built', () => {
    const judged = evaluateTarget(rpsTarget, caseWith([{ server: 'loom', label: 'LOOM', status: 'not-built', samples: [] }, measured('node', 100)]), labels);
    expect(judged).toMatchObject({ verdict: 'pending', value: null });
  });

  it('says "not measured" when the reference could not run', () => {
    const judged = evaluateTarget(rpsTarget, caseWith([measured('loom', 96), { server: 'node', label: 'NODE', status: 'failed', reason: 'boom', samples: [] }]), labels);
    expect(judged.verdict).toBe('unmeasured');
  });

  it('shows a peer\'s typical ratio for orientation, never as met or missed', () => {
    const judged = evaluateTarget(typicalTarget, caseWith([measured('fastify', 50), measured('node', 100)]), labels);
    expect(judged).toMatchObject({ verdict: 'typical', text: 'typically 0.96× (here 0.50)' });
  });

  it('judges nothing in a quick run', () => {
    expect(evaluateTarget(rpsTarget, caseWith([measured('loom', 1), measured('node', 100)]), labels, false).verdict).toBe('unjudged');
  });
});

describe('throughputTable', () => {
  const rows: Row[] = [
    measured('loom', 80),
    measured('node', 100),
    { server: 'fastify', label: 'FASTIFY', status: 'failed', reason: 'wrong answer | status 500', samples: [] },
    { server: 'nginx', label: 'NGINX', status: 'not-installed', reason: 'nginx', samples: [] },
  ];
  const table = throughputTable(caseWith(rows), labels);

  it('has a header, a separator and one line per server', () => {
    expect(table).toHaveLength(2 + rows.length);
  });

  it('shows each figure and its ratio to the reference', () => {
    expect(table[2]).toBe('| LOOM | 80 ±0% | 0.80 | 2.00 | 1.00 | 100 | 1.00 | 50.0 | 1.00 | 40.0 | ≥ 0.95× NODE: **MISSED** (0.80); idle RSS ≤ 60 MB: met (40.0 MB) |');
    expect(table[3]).toContain('| NODE | 100 ±0% | 1 (ref) |');
  });

  it('says why a row has no numbers, escaping pipes in the reason', () => {
    expect(table[4]).toContain('**FAILED**: wrong answer \\| status 500');
    expect(table[5]).toContain('not installed (nginx)');
  });

  it('flags unexpected answers next to the figure', () => {
    const noisy: Row = { server: 'loom', label: 'LOOM', status: 'measured', samples: [sample(80, { unexpected: 7 })] };
    expect(throughputTable(caseWith([noisy, measured('node', 100)]), labels)[2]).toContain('⚠ 7 unexpected');
  });
});

describe('statusText', () => {
  it('words each status', () => {
    expect(statusText({ server: 'x', label: 'X', status: 'not-built', samples: [] })).toBe('not built yet');
    expect(statusText({ server: 'x', label: 'X', status: 'not-installed', reason: 'python3-twisted', samples: [] })).toBe('not installed (python3-twisted)');
  });
});

describe('fmtRps', () => {
  it('groups thousands with spaces', () => {
    expect(fmtRps(1234567.4)).toBe('1 234 567');
    expect(fmtRps(999)).toBe('999');
  });
});

describe('renderMarkdown and toJSON', () => {
  const results: ScenarioResult[] = [{ spec: scenario, cases: [caseWith([measured('loom', 80), measured('node', 100), measured('fastify', 90)])] }];

  it('prints how the run was made, each case with its reference, and the verdict line', () => {
    const md = renderMarkdown(info, results);
    expect(md).toContain('commit abc1234. Node 20.20.2 on Test CPU (2 cores).');
    expect(md).toContain('Load: wrk 4.1.0, 50 connections, 3 round(s) × 3 s after 1 s warm-up');
    expect(md).toContain('### hello: GET / (reference: NODE)');
    expect(md).toContain('Versions: fastify 5.0.0.');
    expect(md.trimEnd().endsWith('Targets: 1 met, 1 MISSED.')).toBe(true);
  });

  it('says a quick run\'s numbers mean nothing and judges no target', () => {
    const md = renderMarkdown({ ...info, quick: true }, results);
    expect(md).toContain('quick smoke run: numbers mean nothing');
    expect(md).toContain('Targets: not judged in --quick');
  });

  it('keeps every round and every verdict in the JSON', () => {
    const json = toJSON(info, results) as { scenarios: { cases: { rows: { samples: unknown[] }[]; targets: { verdict: string }[] }[] }[] };
    const c = json.scenarios[0]!.cases[0]!;
    expect(c.rows[0]!.samples).toHaveLength(1);
    expect(c.targets.map((t) => t.verdict)).toEqual(['missed', 'met', 'typical']);
  });

  it('counts verdicts for the last line', () => {
    expect(verdictLine(allVerdicts(results))).toBe('Targets: 1 met, 1 MISSED.');
  });
});
