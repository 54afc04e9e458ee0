import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CONTENT_ENCODINGS, DEFAULT_CONTENT_TYPES, TWISTED_TYPE_OVERRIDES, getTypeAndEncoding, loadMimeTypes,
} from '../../lib/static/mime.ts';

const typeOf = (name: string, defaultType = 'text/html') =>
  getTypeAndEncoding(name, DEFAULT_CONTENT_TYPES, DEFAULT_CONTENT_ENCODINGS, defaultType);

describe('DEFAULT_CONTENT_TYPES', () => {
  it('knows the common web types, keyed by lower-case extension with its dot', () => {
    expect(DEFAULT_CONTENT_TYPES.get('.html')).toBe('text/html');
    expect(DEFAULT_CONTENT_TYPES.get('.css')).toBe('text/css');
    expect(DEFAULT_CONTENT_TYPES.get('.png')).toBe('image/png');
    expect(DEFAULT_CONTENT_TYPES.get('.json')).toBe('application/json');
    expect(DEFAULT_CONTENT_TYPES.get('.txt')).toBe('text/plain');
  });

  it("applies Twisted's overrides over mime-db", () => {
    expect(TWISTED_TYPE_OVERRIDES.size).toBe(9);
    for (const [ext, type] of TWISTED_TYPE_OVERRIDES) expect(DEFAULT_CONTENT_TYPES.get(ext)).toBe(type);
    expect(DEFAULT_CONTENT_TYPES.get('.diff')).toBe('text/plain');
    expect(DEFAULT_CONTENT_TYPES.get('.patch')).toBe('text/plain');
    expect(DEFAULT_CONTENT_TYPES.get('.flac')).toBe('audio/x-flac');
  });
});

describe('getTypeAndEncoding', () => {
  it('looks the last extension up without regard to case', () => {
    expect(typeOf('photo.PNG')).toEqual({ type: 'image/png', encoding: null });
  });

  it('takes the type from the extension before an encoding, and names the encoding', () => {
    expect(typeOf('notes.txt.gz')).toEqual({ type: 'text/plain', encoding: 'gzip' });
    expect(typeOf('data.json.bz2')).toEqual({ type: 'application/json', encoding: 'bzip2' });
  });

  it('gives the default type to unknown extensions, no extension, and dotfiles', () => {
    expect(typeOf('file.unknownext')).toEqual({ type: 'text/html', encoding: null });
    expect(typeOf('README')).toEqual({ type: 'text/html', encoding: null });
    expect(typeOf('.profile', 'text/plain')).toEqual({ type: 'text/plain', encoding: null });
    expect(typeOf('archive.gz')).toEqual({ type: 'text/html', encoding: 'gzip' });
  });
});

describe('loadMimeTypes', () => {
  it('returns a new table each time, changing nothing global', () => {
    const table = loadMimeTypes();
    table.set('.html', 'changed/type');
    expect(DEFAULT_CONTENT_TYPES.get('.html')).toBe('text/html');
    expect(loadMimeTypes()).not.toBe(table);
  });

  it('adds the entries of mime.types files, then keeps Twisted\'s overrides on top', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-mime-'));
    try {
      const file = join(dir, 'mime.types');
      writeFileSync(file, '# comment\napplication/x-loom   loom LMX\ntext/x-patchy patch\n\nnot-a-type notreal\n');
      const table = loadMimeTypes([file]);
      expect(table.get('.loom')).toBe('application/x-loom');
      expect(table.get('.lmx')).toBe('application/x-loom');
      expect(table.get('.patch')).toBe('text/plain');
      expect(table.has('.notreal')).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
