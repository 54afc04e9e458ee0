import { describe, expect, it } from 'vitest';
import { ComponentKey } from '../../lib/session/components.ts';
import { Registry } from '../../lib/static/registry.ts';

describe('ComponentKey', () => {
  it('carries a name and an optional factory', () => {
    const plain = new ComponentKey<number>('n');
    const made = new ComponentKey('m', () => ({ x: 1 }));
    expect(plain.name).toBe('n');
    expect(plain.create).toBeUndefined();
    expect(made.create?.()).toEqual({ x: 1 });
  });

  it('lets a registry make a component on first use and keep it', () => {
    const registry = new Registry();
    let made = 0;
    const Pool = new ComponentKey('pool', () => ({ id: ++made }));
    expect(registry.getComponent(Pool)).toEqual({ id: 1 });
    expect(registry.getComponent(Pool)).toEqual({ id: 1 });
    expect(made).toBe(1);
  });
});
