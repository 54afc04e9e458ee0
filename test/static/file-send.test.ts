import { closeSync, openSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STREAM_CHUNK_SIZE, readWhole, readWholeSync, streamParts } from '../../lib/static/file-send.ts';
import { NOT_DONE_YET, Resource } from '../../lib/resource.ts';
import type { Request } from '../../lib/request.ts';
import { request } from '../../lib/testing.ts';
import { jumble, makeTree, type MadeTree } from '../support/temp-tree.ts';

// A payload of a few chunks and a bit, jumbled so that a part from the wrong offset shows.
const PAYLOAD = jumble(3 * STREAM_CHUNK_SIZE + 123);
let tree: MadeTree;

beforeAll(() => {
  tree = makeTree({ 'payload.bin': PAYLOAD, 'empty.bin': '' });
});

afterAll(() => tree.remove());

/** A leaf that streams the given parts of payload.bin with streamParts. */
class Streamer extends Resource {
  override isLeaf = true;
  readonly parts: { head: string; start: number; length: number }[];
  readonly trailer: string;
  constructor(parts: { head: string; start: number; length: number }[], trailer: string) {
    super();
    this.parts = parts;
    this.trailer = trailer;
  }
  render_GET(req: Request) {
    const fd = openSync(tree.path('payload.bin'), 'r');
    const parts = this.parts.map((p) => ({ ...p, head: Buffer.from(p.head) }));
    void streamParts(req, fd, parts, Buffer.from(this.trailer), this);
    return NOT_DONE_YET;
  }
}

describe('streamParts', () => {
  it('streams a whole file as one part with no head, across several chunks', async () => {
    const response = await request(new Streamer([{ head: '', start: 0, length: PAYLOAD.length }], ''));
    expect(response.body.equals(PAYLOAD)).toBe(true);
    expect(response.channel.chunks.length).toBe(4);
  });

  it('writes each head before its bytes, then the trailer, then finishes', async () => {
    const parts = [{ head: '<A>', start: 10, length: 5 }, { head: '<B>', start: STREAM_CHUNK_SIZE - 2, length: 4 }];
    const response = await request(new Streamer(parts, '<END>'));
    const expected = Buffer.concat([Buffer.from('<A>'), PAYLOAD.subarray(10, 15), Buffer.from('<B>'),
      PAYLOAD.subarray(STREAM_CHUNK_SIZE - 2, STREAM_CHUNK_SIZE + 2), Buffer.from('<END>')]);
    expect(response.body.equals(expected)).toBe(true);
    expect(response.request.sentLength).toBe(expected.length);
  });
});

describe('readWholeSync and readWhole', () => {
  it('read the whole file, blocking and not', async () => {
    const fd = openSync(tree.path('payload.bin'), 'r');
    try {
      expect(readWholeSync(fd, PAYLOAD.length).equals(PAYLOAD)).toBe(true);
      expect((await readWhole(fd, PAYLOAD.length)).equals(PAYLOAD)).toBe(true);
    } finally {
      closeSync(fd);
    }
  });

  it('give what is there when the file is shorter than expected', async () => {
    const fd = openSync(tree.path('payload.bin'), 'r');
    try {
      expect(readWholeSync(fd, PAYLOAD.length + 50).length).toBe(PAYLOAD.length);
      expect((await readWhole(fd, PAYLOAD.length + 50)).length).toBe(PAYLOAD.length);
    } finally {
      closeSync(fd);
    }
  });

  it('read an empty file as no bytes', async () => {
    const fd = openSync(tree.path('empty.bin'), 'r');
    try {
      expect(readWholeSync(fd, 0).length).toBe(0);
      expect((await readWhole(fd, 0)).length).toBe(0);
    } finally {
      closeSync(fd);
    }
  });
});
