import { describe, expect, it } from 'vitest';
import { absolutePath, percentDecode, quoteSegment, splitPath } from '../../lib/plumbing/url.ts';
import { decodeFormComponent } from '../../lib/plumbing/args.ts';

describe('splitPath', () => {
  it('decodes path segments and keeps a trailing slash as an empty segment', () => {
    expect(splitPath('/a/b%20c/')).toEqual(['a', 'b c', '']);
    expect(splitPath('/')).toEqual(['']);
    expect(splitPath('/x%2Fy')).toEqual(['x/y']);
    // An absolute-form target walks by its path (Twisted would give ['ttp:', '', 'h:81', 'a', 'b c']).
    expect(splitPath('http://h:81/a/b%20c')).toEqual(['a', 'b c']);
    expect(splitPath('http://h:81')).toEqual(['']);
    expect(splitPath('*')).toEqual(['']);
    expect(splitPath('/caf%C3%A9')).toEqual(['café']);
  });

  it('keeps a malformed escape as written instead of failing', () => {
    expect(splitPath('/100%zz')).toEqual(['100%zz']);
  });

});

describe('absolutePath', () => {
  it('takes the path of an absolute-form target, and / when there is none', () => {
    expect(absolutePath('http://h:81/a/b?q')).toBe('/a/b?q');
    expect(absolutePath('http://h:81')).toBe('/');
    expect(absolutePath('*')).toBe('/');
  });
});

describe('quoteSegment', () => {
  it('quotes everything but unreserved characters, as Python quote(s, safe="") does', () => {
    expect(quoteSegment("a b/c?d#e!'()*~-_.")).toBe("a%20b%2Fc%3Fd%23e%21%27%28%29%2A~-_.");
    expect(quoteSegment('café')).toBe('caf%C3%A9');
  });

  it('round-trips with splitPath', () => {
    for (const segment of ['x/y', '100%', 'a b', 'é', '']) expect(splitPath(`/${quoteSegment(segment)}`)).toEqual([segment]);
  });
});

describe('percentDecode', () => {
  it('keeps malformed escapes as written', () => {
    expect(percentDecode('100%')).toBe('100%');
    expect(percentDecode('%zz%41')).toBe('%zzA');
  });

  it('turns bytes that are not UTF-8 into replacement characters instead of failing', () => {
    expect(percentDecode('%FF')).toBe('\uFFFD');
  });

  it('treats + as a space only in form components', () => {
    expect(decodeFormComponent('a+b')).toBe('a b');
    expect(percentDecode('a+b')).toBe('a+b');
  });
});

