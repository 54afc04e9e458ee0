import { describe, expect, it } from 'vitest';
import { cpuPerRequest, parseCpuList, rotate } from '../../bench/harness.ts';

describe('rotate', () => {
  it('starts round r with the r-th server, so each server takes each place in turn', () => {
    expect(rotate(['a', 'b', 'c'], 0)).toEqual(['a', 'b', 'c']);
    expect(rotate(['a', 'b', 'c'], 1)).toEqual(['b', 'c', 'a']);
    expect(rotate(['a', 'b', 'c'], 4)).toEqual(['b', 'c', 'a']);
    expect(rotate([], 2)).toEqual([]);
  });
});

describe('parseCpuList', () => {
  it('reads ranges and single CPUs as Linux writes them', () => {
    expect(parseCpuList('0-1')).toEqual([0, 1]);
    expect(parseCpuList('2,5-7\n')).toEqual([2, 5, 6, 7]);
    expect(parseCpuList('')).toEqual([]);
  });
});

describe('cpuPerRequest', () => {
  it('turns two CPU readings into microseconds per request', () => {
    expect(cpuPerRequest(1.5, 2.5, 20_000)).toBe(50);
  });

  it('gives null without readings or requests', () => {
    expect(cpuPerRequest(null, 2, 10)).toBeNull();
    expect(cpuPerRequest(1, 2, 0)).toBeNull();
  });
});
