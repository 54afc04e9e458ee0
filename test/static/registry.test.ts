import { describe, expect, it } from 'vitest';
import { ComponentKey, Registry } from '../../lib/static/registry.ts';

describe('Registry', () => {
  it('caches by path', () => {
    const r = new Registry();
    r.cachePath('/a.rsx.ts', 1);
    expect(r.getCachedPath('/a.rsx.ts')).toBe(1);
    r.uncachePath('/a.rsx.ts');
    expect(r.getCachedPath('/a.rsx.ts')).toBeUndefined();
  });

  it('stores components under typed keys, distinct even with the same name', () => {
    const r = new Registry();
    const count = new ComponentKey<number>('count');
    const other = new ComponentKey<number>('count');
    r.setComponent(count, 3);
    expect(r.getComponent(count)).toBe(3);
    expect(r.getComponent(other)).toBeUndefined();
    r.removeComponent(count);
    expect(r.getComponent(count)).toBeUndefined();
  });
});
