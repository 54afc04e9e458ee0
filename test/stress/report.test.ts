/** The stress report page (stress/report.ts): its summary counts and its rows. */
import { describe, expect, it } from 'vitest';
import type { CaseResult, StressCase } from '../../stress/case.ts';
import { renderReport, type Outcome } from '../../stress/report.ts';

function outcome(name: string, group: StressCase['group'], result: CaseResult): Outcome {
  return { case: { name, group, attacks: `attacks ${name}`, limitSeconds: 1, run: async () => result }, result, seconds: 2 };
}

const OUTCOMES = [
  outcome('smuggling', 'hostile', { passed: true, detail: 'refused' }),
  outcome('slow-body', 'slow', { passed: false, detail: 'slowhttptest is not installed', skipped: 'slowhttptest is not installed' }),
  outcome('thousand-connections', 'load', { passed: true, detail: '1000 connections, 0 errors' }),
  outcome('soak-static', 'soak', { passed: true, detail: 'flat', figures: { slopeMBPer100k: 0.12 } }),
  outcome('upstream-dies', 'fault', { passed: false, detail: 'a | b <script>' }),
];

describe('renderReport', () => {
  const page = renderReport(OUTCOMES, true);

  it('counts the cases tried apart from the skipped ones, and those passed', () => {
    expect(page).toContain('| cases tried | 4 (1 skipped) |');
    expect(page).toContain('| passed | 3 of 4 |');
    expect(page).toContain('| faults survived | 0 of 1 |');
  });

  it('shows whether the load held and each soak\'s slope', () => {
    expect(page).toContain('| load held | held: 1000 connections, 0 errors |');
    expect(page).toContain('static 0.12');
  });

  it('says a run was quick, marks failures, and escapes what would break the table or the page', () => {
    expect(page).toContain('npm run stress -- --quick');
    expect(page).toContain('| **failed** |');
    expect(page).toContain('a \\| b &lt;script>');
  });
});
