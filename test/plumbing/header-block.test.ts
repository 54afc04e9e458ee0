import { describe, expect, it } from 'vitest';
import { findHeaderEnd, parseHeaderLine, parseStatus } from '../../lib/plumbing/header-block.ts';

describe('findHeaderEnd and parseHeaderLine', () => {
  it('finds the earliest blank line of any style', () => {
    expect(findHeaderEnd(Buffer.from('A: b\r\n\r\nbody\n\n'))).toEqual({ at: 4, length: 4 });
    expect(findHeaderEnd(Buffer.from('A: b\n\r\nbody'))).toEqual({ at: 4, length: 3 });
    expect(findHeaderEnd(Buffer.from('A: b\r\nC: d'))).toBeNull();
  });
  it('accepts "Name:value" and refuses lines without a colon or with a bad name', () => {
    expect(parseHeaderLine('X-A:1')).toEqual({ name: 'X-A', value: '1' });
    expect(parseHeaderLine('X-A:   spaced  ')).toEqual({ name: 'X-A', value: 'spaced' });
    expect(parseHeaderLine('no colon')).toBeNull();
    expect(parseHeaderLine(': empty name')).toBeNull();
    expect(parseHeaderLine('Bad Name: x')).toBeNull();
    expect(parseHeaderLine('X-Ctl: a\u0001b')).toBeNull();
  });
});

describe('parseStatus', () => {
  it('reads a code and keeps the program\'s own reason phrase', () => {
    expect(parseStatus('404 Gone Fishing')).toEqual({ code: 404, message: 'Gone Fishing' });
    expect(parseStatus('204')).toEqual({ code: 204, message: undefined });
  });

  it('refuses what is not a final three-digit status', () => {
    for (const bad of ['100 Continue', '42', 'OK', '2000', '']) expect(parseStatus(bad)).toBeNull();
  });
});
