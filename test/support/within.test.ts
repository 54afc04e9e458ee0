import { describe, expect, it } from 'vitest';
import { within } from './within.ts';

describe('within', () => {
  it('resolves as the promise does when it settles in time', async () => {
    await expect(within(Promise.resolve(7), 1000, 'seven', () => '')).resolves.toBe(7);
  });

  it('rejects after the bound, saying what was expected and what was seen', async () => {
    await expect(within(new Promise(() => {}), 20, 'the log to show "x"', () => '  [info] y'))
      .rejects.toThrow('Expected the log to show "x" within 20 ms; saw instead:\n  [info] y');
  });
});
