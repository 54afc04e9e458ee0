import { describe, expect, it } from 'vitest';
import { Headers } from '../../lib/plumbing/headers.ts';

describe('Headers', () => {
  it('matches names without regard to case and keeps every value in order', () => {
    const h = new Headers([['Accept', 'a'], ['accept', 'b']]);
    expect(h.getRawHeaders('ACCEPT')).toEqual(['a', 'b']);
    expect(h.getLast('accept')).toBe('b');
    expect(h.hasHeader('Accept')).toBe(true);
  });

  it('builds from Node\'s flat rawHeaders', () => {
    const h = Headers.fromRaw(['Host', 'x', 'Cookie', 'a=1', 'cookie', 'b=2']);
    expect(h.getRawHeaders('cookie')).toEqual(['a=1', 'b=2']);
    expect(h.size).toBe(2);
  });

  it('replaces with setRawHeaders, removes with removeHeader or an empty list', () => {
    const h = new Headers([['a', '1']]);
    h.setRawHeaders('A', ['2', '3']);
    expect(h.getRawHeaders('a')).toEqual(['2', '3']);
    h.setRawHeaders('a', []);
    expect(h.hasHeader('a')).toBe(false);
    h.addRawHeader('b', '1');
    h.removeHeader('B');
    expect(h.getRawHeaders('b')).toBeUndefined();
  });

  it('sanitises CR and LF in values', () => {
    const h = new Headers();
    h.addRawHeader('x', 'a\r\nInjected: yes');
    expect(h.getLast('x')).toBe('a Injected: yes');
  });

  it('sets a value the library made with setTrusted, replacing what was there', () => {
    const h = new Headers([['Content-Length', '1'], ['content-length', '2']]);
    h.setTrusted('CONTENT-LENGTH', '13');
    expect(h.getRawHeaders('content-length')).toEqual(['13']);
  });

  it('treats __proto__ as an ordinary name', () => {
    const h = new Headers([['__proto__', 'x']]);
    expect(h.getLast('__proto__')).toBe('x');
    expect(h.size).toBe(1);
    expect([...h.getAllRawHeaders()]).toEqual([['__proto__', ['x']]]);
    expect(new Headers().hasHeader('__proto__')).toBe(false);
  });

  it('lists and flattens with canonical names', () => {
    const h = new Headers([['etag', '"1"'], ['set-cookie', 'a'], ['set-cookie', 'b']]);
    expect([...h.getAllRawHeaders()]).toEqual([['ETag', ['"1"']], ['Set-Cookie', ['a', 'b']]]);
    expect(h.flattenInto(['Server', 'x'])).toEqual(['Server', 'x', 'ETag', '"1"', 'Set-Cookie', 'a', 'Set-Cookie', 'b']);
  });
});
