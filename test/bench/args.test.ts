import { describe, expect, it } from 'vitest';
import { DEFAULTS, parseArgs, USAGE } from '../../bench/args.ts';
import { SCENARIOS } from '../../bench/scenarios.ts';

const known = ['hello', 'static', 'static-1k', 'sessions'];

describe('parseArgs', () => {
  it('runs everything with the defaults when given nothing', () => {
    expect(parseArgs([], known)).toEqual({ ...DEFAULTS, only: [] });
  });

  it('picks scenarios and cases by their ids', () => {
    expect(parseArgs(['hello', 'static-1k'], known).only).toEqual(['hello', 'static-1k']);
  });

  it('reads flags with separate and inline values', () => {
    const options = parseArgs(['--quick', '--rounds', '5', '--duration=2', '--warmup', '0', '--connections=10', '--loadgen', 'autocannon', '--no-pin', '--cpu-prof', '--out', '/tmp/x'], known);
    expect(options).toMatchObject({
      quick: true, rounds: 5, duration: 2, warmup: 0, connections: 10, loadGenerator: 'autocannon', pin: false, cpuProf: true, outDir: '/tmp/x',
    });
  });

  it('rejects an unknown scenario, naming the known ones', () => {
    expect(() => parseArgs(['helo'], known)).toThrow(/Unknown scenario or case "helo".*hello, static/);
  });

  it('rejects an unknown option with the usage text', () => {
    expect(() => parseArgs(['--fast'], known)).toThrow(/Unknown option --fast[\s\S]*Usage: npm run bench/);
  });

  it('rejects fractional or missing numbers, since wrk takes whole seconds', () => {
    expect(() => parseArgs(['--duration', '1.5'], known)).toThrow(/--duration must be a whole number of at least 1/);
    expect(() => parseArgs(['--rounds', '0'], known)).toThrow(/--rounds must be a whole number of at least 1/);
    expect(() => parseArgs(['--rounds'], known)).toThrow(/--rounds needs a value/);
  });

  it('takes a fractional warm-up, which the harness sends itself', () => {
    expect(parseArgs(['--warmup', '0.25'], known).warmup).toBe(0.25);
    expect(() => parseArgs(['--warmup', 'soon'], known)).toThrow(/--warmup must be a number of seconds/);
  });

  it('accepts only the load generators it knows', () => {
    expect(() => parseArgs(['--loadgen', 'ab'], known)).toThrow(/--loadgen must be wrk or autocannon/);
  });
});

describe('USAGE', () => {
  it('names every scenario, in the order a full run measures them', () => {
    const listed = /^Scenarios: (.*) \(default: all\)\.$/m.exec(USAGE)?.[1]?.split(', ');
    expect(listed).toEqual(SCENARIOS.map((s) => s.id));
  });
});
