import { describe, expect, it } from 'vitest';
import { chooseEncoding, parseAcceptEncoding } from '../../lib/encoding/negotiation.ts';

// The server offers Brotli first, then gzip, as `loom web --compress` does.
const OFFERED = ['br', 'gzip'] as const;

// [Accept-Encoding (undefined: no header), the coding it must get (null: identity)]
const TABLE: readonly (readonly [string | undefined, string | null])[] = [
  [undefined, null],
  ['', null],
  ['gzip', 'gzip'],
  ['br', 'br'],
  ['GZIP', 'gzip'],
  ['Br', 'br'],
  ['gzip, br', 'br'],
  ['br, gzip', 'br'],
  ['gzip, deflate, br, zstd', 'br'],
  ['gzip;q=1.0, br;q=0.5', 'gzip'],
  ['gzip;q=0.5, br;q=0.5', 'br'],
  ['br;q=0', null],
  ['br;q=0, gzip', 'gzip'],
  ['gzip;q=0', null],
  ['*', 'br'],
  ['*;q=0', null],
  ['*, br;q=0', 'gzip'],
  ['*, br;q=0, gzip;q=0', null],
  ['deflate', null],
  ['identity', null],
  ['identity;q=0', null],
  ['identity;q=0, gzip', 'gzip'],
  ['gzip;q=0.5, identity', null],
  ['gzip;q=0.5, identity;q=0.2', 'gzip'],
  ['x-gzip', 'gzip'],
  ['x-gzip-please', null],
  ['gzipfoo', null],
  ['gzip;q=2', null],
  ['gzip;q=high, br', 'br'],
  ['gzip;q=0.001', 'gzip'],
  [' gzip ; q = 0.8 , br ; q=0.9 ', 'br'],
  ['br;level=5', 'br'],
  [',,gzip,,', 'gzip'],
  ['compress, deflate', null],
];

describe('chooseEncoding', () => {
  it.each(TABLE)('for Accept-Encoding %j picks %j', (header, expected) => {
    expect(chooseEncoding(header, OFFERED)).toBe(expected);
  });

  it('lets the server order break ties', () => {
    expect(chooseEncoding('br, gzip', ['gzip', 'br'])).toBe('gzip');
    expect(chooseEncoding('*', ['gzip', 'br'])).toBe('gzip');
  });

  it('offers only what the server has', () => {
    expect(chooseEncoding('br', ['gzip'])).toBeNull();
    expect(chooseEncoding('br;q=1, gzip;q=0.1', ['gzip'])).toBe('gzip');
  });
});

describe('parseAcceptEncoding', () => {
  it('lower-cases names, reads weights and drops malformed ones', () => {
    expect(parseAcceptEncoding('GZip;Q=0.5, br, deflate;q=7')).toEqual([{ name: 'gzip', q: 0.5 }, { name: 'br', q: 1 }]);
  });
});
