import { describe, expect, it } from 'vitest';
import { parseFrontMatter } from '../../tools/workbook/front-matter.ts';

describe('parseFrontMatter', () => {
  it('reads the title and summary between the --- lines, and keeps the rest as the body', () => {
    const { data, body } = parseFrontMatter('---\ntitle: Handling POSTs\nsummary: forms, render_POST, args and escaping\n---\n# 07\n');
    expect(Object.fromEntries(data)).toEqual({ title: 'Handling POSTs', summary: 'forms, render_POST, args and escaping' });
    expect(body).toBe('# 07\n');
  });

  it('unquotes single- and double-quoted values, YAML style', () => {
    const { data } = parseFrontMatter(`---\ntitle: 'It''s: quoted'\nsummary: "a \\"b\\" c"\n---\n`);
    expect(data.get('title')).toBe("It's: quoted");
    expect(data.get('summary')).toBe('a "b" c');
  });

  it('keeps a colon inside an unquoted value and drops a trailing # comment', () => {
    const { data } = parseFrontMatter('---\nsummary: GET: the easy one # said nobody\n---\n');
    expect(data.get('summary')).toBe('GET: the easy one');
  });

  it('reads Windows line endings and a byte-order mark', () => {
    const { data, body } = parseFrontMatter('\uFEFF---\r\ntitle: Hi\r\n---\r\nText');
    expect(data.get('title')).toBe('Hi');
    expect(body).toBe('Text');
  });

  it('treats text without an opening --- (or without a closing one) as all body', () => {
    expect(parseFrontMatter('# Title\n').data.size).toBe(0);
    const unclosed = '---\ntitle: x\n';
    expect(parseFrontMatter(unclosed)).toEqual({ data: new Map(), body: unclosed });
  });

  it('skips lines that are not key: value instead of failing', () => {
    const { data } = parseFrontMatter('---\n# a comment\n\n- a list item\ntitle: Kept\n---\n');
    expect(Object.fromEntries(data)).toEqual({ title: 'Kept' });
  });
});
