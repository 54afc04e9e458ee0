import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { confirm } from '../../tools/workbook/cli.ts';

async function answer(text: string | null): Promise<{ sure: boolean; asked: string }> {
  const input = new PassThrough();
  const output = new PassThrough();
  let asked = '';
  output.on('data', (chunk: Buffer) => (asked += chunk.toString()));
  const pending = confirm('Reset? [y/N] ', input, output);
  if (text === null) input.end();
  else input.write(text);
  return { sure: await pending, asked };
}

describe('confirm', () => {
  it('asks the question and takes y or yes, in any case, as a yes', async () => {
    expect(await answer('y\n')).toEqual({ sure: true, asked: 'Reset? [y/N] ' });
    expect((await answer('YES\n')).sure).toBe(true);
  });

  it('takes anything else, an empty answer, or the input ending, as a no', async () => {
    expect((await answer('n\n')).sure).toBe(false);
    expect((await answer('\n')).sure).toBe(false);
    expect((await answer('sure\n')).sure).toBe(false);
    expect((await answer(null)).sure).toBe(false);
  });
});
