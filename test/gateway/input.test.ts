import { describe, expect, it } from 'vitest';
import { isLoomError } from '../../lib/errors.ts';
import { BlockingInput, LogErrorStream } from '../../lib/gateway/input.ts';

/** An input over `pieces`, counting how often it had to ask for more (where a real one would block). */
function piecewise(pieces: string[]): { input: BlockingInput; pulls: () => number } {
  const queue = pieces.map((p) => Buffer.from(p));
  let pulls = 0;
  const input = new BlockingInput(() => {
    pulls++;
    return queue.shift() ?? null;
  });
  return { input, pulls: () => pulls };
}

const text = (b: Buffer) => b.toString('utf8');

describe('BlockingInput.read', () => {
  it('reads everything with no size, null or a negative size', () => {
    for (const size of [undefined, null, -1]) expect(text(piecewise(['ab', 'c\nd', 'e']).input.read(size))).toBe('abc\nde');
  });

  it('reads some, then the rest, then nothing at the end', () => {
    const { input } = piecewise(['hello ', 'world']);
    expect(text(input.read(3))).toBe('hel');
    expect(text(input.read(5))).toBe('lo wo');
    expect(text(input.read(100))).toBe('rld');
    expect(input.read(1).length).toBe(0);
    expect(input.read().length).toBe(0);
  });

  it('reads 0 bytes without waiting for any', () => {
    const { input, pulls } = piecewise(['x']);
    expect(input.read(0).length).toBe(0);
    expect(pulls()).toBe(0);
  });

  it('asks its source for more only when a call needs it', () => {
    const { input, pulls } = piecewise(['abcdef', 'ghi']);
    input.read(2);
    input.read(2);
    expect(pulls()).toBe(1);
  });

  it('refuses a size that is not a whole number, saying what it takes', () => {
    const { input } = piecewise(['x']);
    try {
      input.read('3' as unknown as number);
      expect.unreachable();
    } catch (error) {
      expect(isLoomError(error, 'LOOM_ERR_GATEWAY_VIOLATION')).toBe(true);
      expect((error as Error).message).toContain('takes a whole number of bytes');
    }
  });
});

describe('BlockingInput.readline', () => {
  it('reads a line at a time, the newline kept, across pieces', () => {
    const { input } = piecewise(['one\ntw', 'o\nthr', 'ee']);
    expect(['one\n', 'two\n', 'three', ''].map(() => text(input.readline()))).toEqual(['one\n', 'two\n', 'three', '']);
  });

  it('stops at size bytes, and treats none, null and negative as no limit', () => {
    const { input } = piecewise(['abcdef\nxyz\n']);
    expect(text(input.readline(3))).toBe('abc');
    expect(text(input.readline(100))).toBe('def\n');
    expect(text(input.readline(-1))).toBe('xyz\n');
    expect(text(piecewise(['a\nb']).input.readline(null))).toBe('a\n');
  });

  it('returns the line without waiting for more once a newline is there', () => {
    const { input, pulls } = piecewise(['first\nsecond', 'never needed']);
    expect(text(input.readline())).toBe('first\n');
    expect(pulls()).toBe(1);
  });
});

describe('BlockingInput.readlines and iteration', () => {
  it('reads every line', () => {
    expect(piecewise(['a\nb\n', 'c']).input.readlines().map(text)).toEqual(['a\n', 'b\n', 'c']);
  });

  it('stops after about hint bytes', () => {
    expect(piecewise(['aa\nbb\ncc\n']).input.readlines(4).map(text)).toEqual(['aa\n', 'bb\n']);
    expect(piecewise(['aa\nbb\n']).input.readlines(-1).map(text)).toEqual(['aa\n', 'bb\n']);
  });

  it('iterates line by line', () => {
    expect([...piecewise(['x\ny\n', 'z']).input].map(text)).toEqual(['x\n', 'y\n', 'z']);
  });

  it('mixes read and readline over the same buffer', () => {
    const { input } = piecewise(['head\nbody bytes']);
    expect(text(input.readline())).toBe('head\n');
    expect(text(input.read())).toBe('body bytes');
  });

  it('works over a body given whole', () => {
    expect(text(BlockingInput.of('all of it').read())).toBe('all of it');
  });
});

describe('LogErrorStream', () => {
  it('logs each write, and each line of writelines', () => {
    const logged: string[] = [];
    const errors = new LogErrorStream((t) => logged.push(t));
    errors.write('one');
    errors.writelines(['two', 'three']);
    errors.flush();
    expect(logged).toEqual(['one', 'two', 'three']);
  });

  it('accepts strings only, saying how to convert', () => {
    const errors = new LogErrorStream(() => {});
    expect(() => errors.write(Buffer.from('x') as unknown as string)).toThrow(/takes a string, got object/);
  });
});
