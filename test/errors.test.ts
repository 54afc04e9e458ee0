import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, LoomError, isLoomError } from '../lib/errors.ts';

const doc = readFileSync(new URL('../docs/reference/errors.md', import.meta.url), 'utf8');
const documented = new Set([...doc.matchAll(/^\| `(LOOM_ERR_[A-Z_]+)`/gm)].map((m) => m[1]!));

describe('error codes', () => {
  it('documents every code in docs/reference/errors.md', () => {
    const missing = Object.keys(ERROR_CODES).filter((code) => !documented.has(code));
    expect(missing, 'codes in lib/errors.ts missing from docs/reference/errors.md').toEqual([]);
  });

  it('documents no code that lib/errors.ts does not have', () => {
    const stale = [...documented].filter((code) => !(code in ERROR_CODES));
    expect(stale, 'codes in docs/reference/errors.md that lib/errors.ts lacks').toEqual([]);
  });
});

describe('LoomError', () => {
  it('carries its code, status and cause', () => {
    const cause = new Error('low level');
    const error = new LoomError('LOOM_ERR_BODY_TOO_LARGE', 'too big', { status: 413, cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('LOOM_ERR_BODY_TOO_LARGE');
    expect(error.status).toBe(413);
    expect(error.cause).toBe(cause);
    expect(isLoomError(error, 'LOOM_ERR_BODY_TOO_LARGE')).toBe(true);
    expect(isLoomError(error, 'LOOM_ERR_BAD_REQUEST')).toBe(false);
    expect(isLoomError(new Error('x'))).toBe(false);
  });
});
