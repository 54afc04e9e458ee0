import { describe, expect, it } from 'vitest';
import { memoized } from '../../lib/plumbing/memo.ts';

describe('memoized', () => {
  it('works an answer out once per argument, and gives it again from memory', () => {
    const asked: string[] = [];
    const upper = memoized((key) => (asked.push(key), key.toUpperCase()), 10);
    expect([upper('a'), upper('b'), upper('a'), upper('a')]).toEqual(['A', 'B', 'A', 'A']);
    expect(asked).toEqual(['a', 'b']);
  });

  it('keeps no more than `limit` arguments: past them, a new one is worked out every time', () => {
    const asked: string[] = [];
    const upper = memoized((key) => (asked.push(key), key.toUpperCase()), 2);
    for (const key of ['a', 'b', 'c', 'c', 'a', 'b']) upper(key);
    expect(asked).toEqual(['a', 'b', 'c', 'c']);
  });

  it('keeps a false answer as well as a true one', () => {
    let calls = 0;
    const isLong = memoized((key) => (calls++, key.length > 3), 10);
    expect([isLong('ab'), isLong('ab'), isLong('abcd'), isLong('abcd')]).toEqual([false, false, true, true]);
    expect(calls).toBe(2);
  });
});
