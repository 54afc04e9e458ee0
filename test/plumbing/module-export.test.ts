import { describe, expect, it } from 'vitest';
import { exportNames, exportOf } from '../../lib/plumbing/module-export.ts';

describe('exportOf', () => {
  it('takes a named export of an ES module', () => {
    const app = (): void => {};
    expect(exportOf({ application: app, default: { application: 'not this' } }, 'application')).toBe(app);
  });

  it('finds a name on a CommonJS module\'s module.exports (its namespace\'s default)', () => {
    const app = (): void => {};
    expect(exportOf({ default: { application: app } }, 'application')).toBe(app);
  });

  it('says undefined for a name neither has, and never looks inside default for "default"', () => {
    expect(exportOf({ default: { other: 1 } }, 'application')).toBeUndefined();
    expect(exportOf({ default: null }, 'application')).toBeUndefined();
    expect(exportOf({ default: { default: 2 } }, 'default')).toEqual({ default: 2 });
  });
});

describe('exportNames', () => {
  it('lists the namespace\'s names and module.exports\' together, once each', () => {
    expect(exportNames({ default: { application: 1, helper: 2 }, application: 1 }).sort()).toEqual(['application', 'default', 'helper']);
  });
});
