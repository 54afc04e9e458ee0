import { describe, expect, it } from 'vitest';
import { escapeHTML } from '../../lib/plumbing/html.ts';

describe('escapeHTML', () => {
  it('escapes the five characters that can start markup or end an attribute', () => {
    expect(escapeHTML(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#x27;y&#x27;&gt;&amp;&lt;/a&gt;');
  });

  it('leaves other text alone', () => {
    expect(escapeHTML('plain café')).toBe('plain café');
  });
});
