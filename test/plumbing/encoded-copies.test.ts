import { describe, expect, it } from 'vitest';
import { dropCopiesOf, encodedCopy, keepCopiesOf } from '../../lib/plumbing/encoded-copies.ts';

describe('encodedCopy', () => {
  const shrink = (body: Uint8Array) => Buffer.from(body.subarray(0, 1));

  it('encodes a body nobody marked stable every time', () => {
    let calls = 0;
    const body = Buffer.from('abc');
    encodedCopy(body, 'gzip', (b) => (calls++, shrink(b)));
    encodedCopy(body, 'gzip', (b) => (calls++, shrink(b)));
    expect(calls).toBe(2);
  });

  it('encodes a stable body once per coding, until it is dropped', () => {
    let calls = 0;
    const body = Buffer.from('abc');
    keepCopiesOf(body);
    const first = encodedCopy(body, 'gzip', (b) => (calls++, shrink(b)));
    expect(encodedCopy(body, 'gzip', (b) => (calls++, shrink(b)))).toBe(first);
    encodedCopy(body, 'br', (b) => (calls++, shrink(b)));
    expect(calls).toBe(2);
    dropCopiesOf(body);
    encodedCopy(body, 'gzip', (b) => (calls++, shrink(b)));
    expect(calls).toBe(3);
  });

  it('does not keep a copy larger than the body, so the copies stay within the cache\'s bound', () => {
    let calls = 0;
    const body = Buffer.from('abc');
    keepCopiesOf(body);
    const grow = (b: Uint8Array) => (calls++, Buffer.concat([b, b]));
    encodedCopy(body, 'gzip', grow);
    encodedCopy(body, 'gzip', grow);
    expect(calls).toBe(2);
  });
});
