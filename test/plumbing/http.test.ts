import { describe, expect, it } from 'vitest';
import { canonicalHeaderName, datetimeToString, hostFromHeader, sanitizeHeaderValue, statusPhrase, stringToDatetime } from '../../lib/plumbing/http.ts';

describe('statusPhrase', () => {
  it('gives the standard phrase, and "Unknown Status" for codes without one', () => {
    expect(statusPhrase(200)).toBe('OK');
    expect(statusPhrase(404)).toBe('Not Found');
    expect(statusPhrase(599)).toBe('Unknown Status');
  });
});

describe('HTTP dates', () => {
  const t = Date.UTC(1994, 10, 6, 8, 49, 37) / 1000;

  it('formats RFC 1123 dates in GMT', () => {
    expect(datetimeToString(t)).toBe('Sun, 06 Nov 1994 08:49:37 GMT');
    expect(datetimeToString(t + 0.9)).toBe('Sun, 06 Nov 1994 08:49:37 GMT');
  });

  it('parses the three formats RFC 9110 requires', () => {
    expect(stringToDatetime('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(t);
    expect(stringToDatetime('Sunday, 06-Nov-94 08:49:37 GMT')).toBe(t);
    expect(stringToDatetime('Sun Nov  6 08:49:37 1994')).toBe(t);
  });

  it('round-trips what it formats', () => {
    for (const s of [0, 86_400 * 365 * 30 + 17, 1_700_000_000]) expect(stringToDatetime(datetimeToString(s))).toBe(s);
  });

  it('refuses bad months, bad years, years before 1970 and garbage', () => {
    for (const bad of ['Sun, 06 Foo 1994 08:49:37 GMT', 'Sun, 06 Nov 19x4 08:49:37 GMT', 'Sun, 06 Nov 1969 08:49:37 GMT', 'yesterday', '', 'Sun, 06 Nov 1994 8:49 GMT']) {
      expect(stringToDatetime(bad), bad).toBeNull();
    }
  });
});

describe('canonicalHeaderName', () => {
  it('capitalises each word', () => {
    expect(canonicalHeaderName('content-type')).toBe('Content-Type');
    expect(canonicalHeaderName('X-FORWARDED-FOR')).toBe('X-Forwarded-For');
  });

  it('keeps Twisted\'s special spellings', () => {
    expect(['content-md5', 'dnt', 'etag', 'p3p', 'te', 'www-authenticate', 'x-xss-protection'].map(canonicalHeaderName))
      .toEqual(['Content-MD5', 'DNT', 'ETag', 'P3P', 'TE', 'WWW-Authenticate', 'X-XSS-Protection']);
  });
});

describe('sanitizeHeaderValue', () => {
  it('turns CR and LF into spaces so a value cannot start a new header', () => {
    expect(sanitizeHeaderValue('a\r\nb\nc\rd')).toBe('a b c d');
    expect(sanitizeHeaderValue('plain')).toBe('plain');
  });
});

describe('hostFromHeader', () => {
  it('cuts the port and keeps the case, and reads an IPv6 literal whole', () => {
    expect(hostFromHeader('Example.org:8080')).toBe('Example.org');
    expect(hostFromHeader('example.org')).toBe('example.org');
    expect(hostFromHeader('[::1]:8080')).toBe('::1');
    expect(hostFromHeader('[::1')).toBe('::1');
  });
});

describe('sanitizeHeaderValue (security)', () => {
  it('turns CR, LF and other control characters into spaces, keeping tabs', () => {
    expect(sanitizeHeaderValue('a\r\nX-Injected: 1')).toBe('a X-Injected: 1');
    expect(sanitizeHeaderValue('a\0b\x1bc\x7fd\te')).toBe('a b c d\te');
  });

  it('sends a character above U+00FF as its UTF-8 bytes, which Node would refuse and crash on', () => {
    expect(sanitizeHeaderValue('\u010d')).toBe('\u00c4\u008d'); // U+010D is C4 8D in UTF-8
    expect(Buffer.from(sanitizeHeaderValue('/\u010d\u010a'), 'latin1').toString('utf8')).toBe('/\u010d\u010a');
    expect(sanitizeHeaderValue('plain ascii, latin-1 \u00e9')).toBe('plain ascii, latin-1 \u00e9');
  });
});
