import { describe, expect, it } from 'vitest';
import { type FrontView, decodeAddress, decodeSegments, encodeAddress, encodeSegments, frontViewHeaders, readFrontView } from '../../lib/distrib/wire.ts';

describe('encodeSegments and decodeSegments', () => {
  it('keeps an empty path, a trailing slash and segments holding "/" or spaces apart', () => {
    for (const segments of [[], [''], ['~alice.loom'], ['a b', 'c/d', ''], ['é', '%41']]) {
      expect(decodeSegments(encodeSegments(segments))).toEqual(segments);
    }
    expect(encodeSegments(['~alice.loom', 'notes', ''])).toBe('/~alice.loom/notes/');
  });

  it('refuses text it could not have written', () => {
    expect(decodeSegments('notes')).toBeNull();
    expect(decodeSegments('/%zz')).toBeNull();
  });
});

describe('encodeAddress and decodeAddress', () => {
  it('round-trips IPv4, IPv6 and UNIX addresses', () => {
    for (const address of [
      { type: 'IPv4', host: '203.0.113.7', port: 51234 },
      { type: 'IPv6', host: '::1', port: 8080 },
      { type: 'UNIX', host: '/home/a b/.loom-web.sock', port: 0 },
    ] as const) expect(decodeAddress(encodeAddress(address))).toEqual(address);
  });

  it('refuses an unknown family or a missing port', () => {
    expect(decodeAddress('IPX 1.2.3.4 80')).toBeNull();
    expect(decodeAddress('IPv4 1.2.3.4')).toBeNull();
  });
});

describe('readFrontView', () => {
  const view: FrontView = {
    prepath: ['~alice.loom'], postpath: ['notes', ''], secure: true,
    client: { type: 'IPv4', host: '203.0.113.7', port: 51234 }, host: { type: 'IPv4', host: '127.0.0.1', port: 8080 },
  };

  it('reads back what frontViewHeaders wrote', () => {
    const flat = frontViewHeaders(view);
    const headers = new Map<string, string>();
    for (let i = 0; i < flat.length; i += 2) headers.set(flat[i]!.toLowerCase(), flat[i + 1]!);
    expect(readFrontView((name) => headers.get(name))).toEqual(view);
  });

  it('is null when a header is missing or malformed, so the request is served as it came', () => {
    const flat = frontViewHeaders(view);
    const headers = new Map<string, string>();
    for (let i = 0; i < flat.length; i += 2) headers.set(flat[i]!.toLowerCase(), flat[i + 1]!);
    headers.delete('x-loom-client');
    expect(readFrontView((name) => headers.get(name))).toBeNull();
    headers.set('x-loom-client', 'IPv4 1.2.3.4 5');
    headers.set('x-loom-secure', 'yes');
    expect(readFrontView((name) => headers.get(name))).toBeNull();
  });
});
