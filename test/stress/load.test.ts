/** The soak's slope: RSS against requests served, fitted by least squares (stress/load.ts). */
import { describe, expect, it } from 'vitest';
import { slope } from '../../stress/load.ts';

describe('slope', () => {
  it('finds the growth of a steady leak: 2 MB per 100k requests', () => {
    expect(slope([[100_000, 50], [200_000, 52], [300_000, 54]]) * 100_000).toBeCloseTo(2);
  });

  it('is zero for a flat RSS and for a single point', () => {
    expect(slope([[1, 80], [2, 80], [3, 80]])).toBe(0);
    expect(slope([[1, 80]])).toBe(0);
  });

  it('goes negative when memory is given back after the warm-up', () => {
    expect(slope([[100_000, 60], [200_000, 55]])).toBeLessThan(0);
  });
});
