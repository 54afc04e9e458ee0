import { describe, expect, it } from 'vitest';
import { URLPath } from '../../lib/plumbing/url-path.ts';

describe('URLPath', () => {
  const file = URLPath.fromString('http://example.com/foo/bar?q=1#frag');
  const dir = URLPath.fromString('http://example.com/foo/bar/');

  it('parses and prints a URL', () => {
    expect(file.toString()).toBe('http://example.com/foo/bar?q=1#frag');
    expect(file.pathList()).toEqual(['', 'foo', 'bar']);
    expect(file).toMatchObject({ scheme: 'http', netloc: 'example.com', query: 'q=1', fragment: 'frag' });
  });

  it('moves to a sibling, a child, the parent and here, following Twisted\'s slash rules', () => {
    expect(file.sibling('baz').toString()).toBe('http://example.com/foo/baz');
    expect(file.child('baz').toString()).toBe('http://example.com/foo/bar/baz');
    expect(dir.child('baz').toString()).toBe('http://example.com/foo/bar/baz');
    expect(file.parent().toString()).toBe('http://example.com/');
    expect(dir.parent().toString()).toBe('http://example.com/foo/');
    expect(file.here().toString()).toBe('http://example.com/foo/');
    expect(dir.here().toString()).toBe('http://example.com/foo/bar/');
  });

  it('drops the query unless asked to keep it', () => {
    expect(file.sibling('x', true).toString()).toBe('http://example.com/foo/x?q=1');
  });

  it('quotes names it adds', () => {
    expect(dir.child('a b/c').toString()).toBe('http://example.com/foo/bar/a%20b%2Fc');
  });

  it('follows relative links with click', () => {
    expect(file.click('../x?y=1').toString()).toBe('http://example.com/x?y=1');
    expect(file.click('/abs').toString()).toBe('http://example.com/abs');
    expect(file.click('https://other/').toString()).toBe('https://other/');
  });
});
