import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Content, readBody } from '../../lib/plumbing/content.ts';

function stream(chunks: (string | Buffer)[]): Readable {
  return Readable.from(chunks.map((c) => Buffer.from(c)));
}

describe('Content', () => {
  it('reads like a file: read(n) moves a position, seek goes back', () => {
    const c = Content.from('hello world');
    expect(c.read(5).toString()).toBe('hello');
    expect(c.tell()).toBe(5);
    expect(c.read().toString()).toBe(' world');
    expect(c.read().length).toBe(0);
    expect(c.seek(-5, 2)).toBe(6);
    expect(c.read(100).toString()).toBe('world');
    c.seek(0);
    expect(c.read(-1).toString()).toBe('hello world');
  });

  it('gives the whole body whatever the position', () => {
    const c = Content.from('{"a":[1,2]}');
    c.read(3);
    expect(c.text()).toBe('{"a":[1,2]}');
    expect(c.json()).toEqual({ a: [1, 2] });
    expect(c.bytes().length).toBe(11);
  });

  it('answers invalid JSON with a 400 LoomError', () => {
    expect(() => Content.from('{nope').json()).toThrow(expect.objectContaining({ code: 'LOOM_ERR_BAD_REQUEST', status: 400 }));
  });
});

describe('readBody', () => {
  const limits = { maxBodySize: 1000, spoolThreshold: 10 };

  it('keeps a body under the threshold in memory', async () => {
    const c = await readBody(stream(['abc', 'def']), limits);
    expect(c.spooled).toBe(false);
    expect(c.text()).toBe('abcdef');
  });

  it('spools a body over the threshold to an anonymous temporary file, readable the same way', async () => {
    const c = await readBody(stream(['0123456789', 'abcdefghij', 'KLM']), limits);
    expect(c.spooled).toBe(true);
    expect(c.length).toBe(23);
    expect(c.read(12).toString()).toBe('0123456789ab');
    c.seek(20);
    expect(c.read().toString()).toBe('KLM');
    expect(c.text()).toBe('0123456789abcdefghijKLM');
    c.close();
    expect(c.spooled).toBe(false);
    expect(c.length).toBe(23);
    expect(c.bytes().length).toBe(0); // the temporary file is gone
  });

  it('stops with a 413 LoomError as soon as the body passes the cap', async () => {
    let pulled = 0;
    const endless = new Readable({
      read() {
        pulled++;
        this.push(Buffer.alloc(400, 1));
      },
    });
    await expect(readBody(endless, limits)).rejects.toMatchObject({ code: 'LOOM_ERR_BODY_TOO_LARGE', status: 413 });
    expect(pulled).toBeLessThan(10);
    endless.destroy();
  });
});
