import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Site } from '../../lib/site.ts';
import { DEFAULT_MAX_FILE_SIZE } from '../../lib/static/file-cache.ts';
import { File } from '../../lib/static/file.ts';
import { MAX_RANGES, contentRange, multipartPlan, parseRangeHeader, planRanges, resolveRange } from '../../lib/static/ranges.ts';
import { memoryLogger, request } from '../../lib/testing.ts';
import { rawRequest } from '../support/raw-http.ts';
import { jumble, makeTree, type MadeTree } from '../support/temp-tree.ts';

// Random-looking payloads (as Twisted's RangeTests use), so a part taken from the wrong
// offset cannot match by accident. `small.bin` is read at once and cached, `medium.bin`
// read without blocking and cached, `large.bin` streamed from disk; every File-level case
// runs against all three.
const SMALL = jumble(64);
const MEDIUM = jumble(200 * 1024, 5);
const LARGE = jumble(DEFAULT_MAX_FILE_SIZE + 17, 3);
let tree: MadeTree;

beforeAll(() => {
  tree = makeTree({ 'small.bin': SMALL, 'medium.bin': MEDIUM, 'large.bin': LARGE, 'page.html': '0123456789' });
});

afterAll(() => tree.remove());

describe('parseRangeHeader', () => {
  it('parses a range, an open end and a suffix', () => {
    expect(parseRangeHeader('bytes=0-9')).toEqual([{ first: 0, last: 9 }]);
    expect(parseRangeHeader('bytes=5-')).toEqual([{ first: 5, last: null }]);
    expect(parseRangeHeader('bytes=-5')).toEqual([{ first: null, last: 5 }]);
  });

  it('tolerates whitespace and empty list elements, and keeps several ranges in order', () => {
    expect(parseRangeHeader('bytes= 0-1 , ,3-4')).toEqual([{ first: 0, last: 1 }, { first: 3, last: 4 }]);
    expect(parseRangeHeader(' bytes =4-5,0-1')).toEqual([{ first: 4, last: 5 }, { first: 0, last: 1 }]);
  });

  it('matches the unit without regard to case (RFC 9110 §14.1)', () => {
    expect(parseRangeHeader('Bytes=0-1')).toEqual([{ first: 0, last: 1 }]);
  });

  it('rejects what is not a byte-range header: no "=", another unit, no ranges', () => {
    expect(parseRangeHeader('bytes 0-1')).toBe(null);
    expect(parseRangeHeader('items=0-1')).toBe(null);
    expect(parseRangeHeader('bytes=')).toBe(null);
    expect(parseRangeHeader('bytes= , ')).toBe(null);
  });

  it('rejects a range that is not two numbers around a dash, or has neither bound', () => {
    for (const bad of ['bytes=abc', 'bytes=1', 'bytes=-', 'bytes=a-1', 'bytes=1-b', 'bytes=+5-6', 'bytes=1_0-20', 'bytes=-5-6', 'bytes=0-1,x']) {
      expect(parseRangeHeader(bad), bad).toBe(null);
    }
  });

  it('rejects a start after its end, which makes Twisted ignore the header', () => {
    expect(parseRangeHeader('bytes=4-2')).toBe(null);
  });

  it(`rejects more than ${MAX_RANGES} ranges`, () => {
    const many = Array.from({ length: MAX_RANGES }, (_, i) => `${i}-${i}`).join(',');
    expect(parseRangeHeader(`bytes=${many}`)).toHaveLength(MAX_RANGES);
    expect(parseRangeHeader(`bytes=${many},0-1`)).toBe(null);
  });
});

describe('resolveRange', () => {
  it('clamps an end beyond the file to its last byte', () => {
    expect(resolveRange({ first: 15, last: 100 }, 20)).toEqual({ start: 15, length: 5 });
  });

  it('runs an open end to the end of the file', () => {
    expect(resolveRange({ first: 3, last: null }, 10)).toEqual({ start: 3, length: 7 });
  });

  it('takes a suffix from the end, and the whole file for a suffix longer than it (RFC 9110 §14.1.3)', () => {
    expect(resolveRange({ first: null, last: 3 }, 10)).toEqual({ start: 7, length: 3 });
    expect(resolveRange({ first: null, last: 50 }, 10)).toEqual({ start: 0, length: 10 });
  });

  it('finds nothing for a start at or past the end, a zero suffix, or an empty file', () => {
    expect(resolveRange({ first: 10, last: 20 }, 10)).toBe(null);
    expect(resolveRange({ first: 10, last: null }, 10)).toBe(null);
    expect(resolveRange({ first: null, last: 0 }, 10)).toBe(null);
    expect(resolveRange({ first: 0, last: 0 }, 0)).toBe(null);
    expect(resolveRange({ first: null, last: 5 }, 0)).toBe(null);
  });
});

describe('planRanges', () => {
  it('plans the whole file without a header or with one that does not parse', () => {
    expect(planRanges(undefined, 10, 'text/plain')).toEqual({ kind: 'full' });
    expect(planRanges('bytes=4-2', 10, 'text/plain')).toEqual({ kind: 'full' });
  });

  it('plans one part with its Content-Range', () => {
    expect(planRanges('bytes=2-4', 10, 'text/plain')).toEqual({ kind: 'single', range: { start: 2, length: 3 }, contentRange: 'bytes 2-4/10' });
  });

  it('plans 416 with "bytes */size" for a single range that misses the file', () => {
    expect(planRanges('bytes=10-', 10, 'text/plain')).toEqual({ kind: 'unsatisfiable', contentRange: 'bytes */10' });
  });

  it('plans 416 when no range of several can be satisfied (Twisted answers 500)', () => {
    expect(planRanges('bytes=30-40,50-60', 20, 'text/plain')).toEqual({ kind: 'unsatisfiable', contentRange: 'bytes */20' });
  });

  it('skips unsatisfiable ranges among several, and still answers multipart for one left', () => {
    const plan = planRanges('bytes=0-1,30-40', 20, 'text/plain');
    expect(plan.kind).toBe('multipart');
    if (plan.kind === 'multipart') expect(plan.parts.map((p) => [p.start, p.length])).toEqual([[0, 2]]);
  });

  it('keeps ranges that neither overlap nor touch as asked, in the order asked', () => {
    const plan = planRanges('bytes=10-11,0-1,5-6', 20, 'text/plain');
    if (plan.kind !== 'multipart') throw new Error(`expected multipart, got ${plan.kind}`);
    expect(plan.parts.map((p) => [p.start, p.length])).toEqual([[10, 2], [0, 2], [5, 2]]);
  });

  it('coalesces overlapping and adjacent ranges into one part each (RFC 9110 §15.3.7.2)', () => {
    const plan = planRanges('bytes=10-14,0-3,2-5,6-7,12-19', 100, 'text/plain');
    if (plan.kind !== 'multipart') throw new Error(`expected multipart, got ${plan.kind}`);
    expect(plan.parts.map((p) => [p.start, p.length])).toEqual([[0, 8], [10, 10]]);
  });

  it('security: answers the whole file once when the ranges add up to more than the file (RFC 9110 §14.2)', () => {
    // Ten times "all of it" asked 500 MB of a 50 MB file before: the amplification attack.
    const size = 50 * 1024 * 1024;
    expect(planRanges(`bytes=${Array(10).fill('0-').join(',')}`, size, 'video/mp4')).toEqual({ kind: 'full' });
    expect(planRanges('bytes=0-99,-100,50-', 120, 'text/plain')).toEqual({ kind: 'full' });
  });

  it('security: never plans a multipart body larger than the file plus the part headers', () => {
    const size = 10_000;
    for (const header of ['bytes=0-5000,2500-7500', 'bytes=0-,-1', `bytes=${Array(150).fill('0-9').join(',')}`, 'bytes=0-0,0-0,1-1,0-1']) {
      const plan = planRanges(header, size, 'text/plain');
      const partHeads = plan.kind === 'multipart' ? plan.parts.reduce((n, p) => n + p.head.length, 0) + plan.trailer.length : 0;
      const body = plan.kind === 'multipart' ? plan.contentLength : plan.kind === 'single' ? plan.range.length : size;
      expect(body - partHeads, header).toBeLessThanOrEqual(size);
    }
  });
});

describe('multipartPlan', () => {
  it('writes each part head with Content-Type and Content-Range, and counts the exact length', () => {
    const plan = multipartPlan([{ start: 0, length: 2 }, { start: 5, length: 3 }], 10, 'text/plain', 'BOUNDARY');
    if (plan.kind !== 'multipart') throw new Error('expected a multipart plan');
    expect(plan.contentType).toBe('multipart/byteranges; boundary=BOUNDARY');
    expect(plan.parts[0]!.head.toString()).toBe('\r\n--BOUNDARY\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/10\r\n\r\n');
    expect(plan.trailer.toString()).toBe('\r\n--BOUNDARY--\r\n');
    const total = plan.parts.reduce((n, p) => n + p.head.length + p.length, 0) + plan.trailer.length;
    expect(plan.contentLength).toBe(total);
  });

  it('uses a fresh random boundary for each response', () => {
    const a = planRanges('bytes=0-1,2-3', 10, 'x/y');
    const b = planRanges('bytes=0-1,2-3', 10, 'x/y');
    expect(a.kind === 'multipart' && b.kind === 'multipart' && a.contentType !== b.contentType).toBe(true);
  });

  it('formats Content-Range with an inclusive end', () => {
    expect(contentRange({ start: 0, length: 1 }, 1)).toBe('bytes 0-0/1');
  });
});

const SIZES = [['small.bin', SMALL, 'cached'], ['medium.bin', MEDIUM, 'cached, read without blocking'], ['large.bin', LARGE, 'streamed']] as const;

for (const [name, payload, how] of SIZES) {
  const size = payload.length;
  const get = (headers: Record<string, string>, method = 'GET') => request(new File(tree.root), { uri: `/${name}`, headers, method });

  describe(`File ranges (${name}, ${how})`, () => {
    it('answers 200 with the whole file and Accept-Ranges when no Range is sent', async () => {
      const response = await get({});
      expect(response.code).toBe(200);
      expect(response.headers.getLast('accept-ranges')).toBe('bytes');
      expect(response.body.equals(payload)).toBe(true);
    });

    it('answers a single range with 206, Content-Range and Content-Length', async () => {
      const response = await get({ range: 'bytes=17-43' });
      expect(response.code).toBe(206);
      expect(response.headers.getLast('content-range')).toBe(`bytes 17-43/${size}`);
      expect(response.headers.getLast('content-length')).toBe('27');
      expect(response.headers.getLast('content-type')).toBe('application/octet-stream');
      expect(response.body.equals(payload.subarray(17, 44))).toBe(true);
    });

    it('answers an open-ended range and a suffix range', async () => {
      const open = await get({ range: `bytes=${size - 10}-` });
      expect(open.headers.getLast('content-range')).toBe(`bytes ${size - 10}-${size - 1}/${size}`);
      expect(open.body.equals(payload.subarray(size - 10))).toBe(true);
      const suffix = await get({ range: 'bytes=-7' });
      expect(suffix.headers.getLast('content-range')).toBe(`bytes ${size - 7}-${size - 1}/${size}`);
      expect(suffix.body.equals(payload.subarray(size - 7))).toBe(true);
    });

    it('clamps a range that overlaps the end of the file', async () => {
      const response = await get({ range: `bytes=${size - 3}-${size + 100}` });
      expect(response.code).toBe(206);
      expect(response.headers.getLast('content-range')).toBe(`bytes ${size - 3}-${size - 1}/${size}`);
      expect(response.body.equals(payload.subarray(size - 3))).toBe(true);
    });

    it('answers 416 with "Content-Range: bytes */size" and no body for a range past the end', async () => {
      const response = await get({ range: `bytes=${size}-${size + 10}` });
      expect(response.code).toBe(416);
      expect(response.headers.getLast('content-range')).toBe(`bytes */${size}`);
      expect(response.headers.getLast('content-length')).toBe('0');
      expect(response.body.length).toBe(0);
    });

    it('answers 416, never 500, when no range of several can be satisfied', async () => {
      const response = await get({ range: `bytes=${size}-${size + 1},${size + 5}-` });
      expect(response.code).toBe(416);
      expect(response.headers.getLast('content-range')).toBe(`bytes */${size}`);
    });

    it('ignores a Range it cannot parse and sends the whole file with 200', async () => {
      for (const range of ['bytes=4-2', 'bytes=abc', 'items=0-1']) {
        const response = await get({ range });
        expect(response.code, range).toBe(200);
        expect(response.body.equals(payload), range).toBe(true);
      }
    });

    it('answers several ranges with a multipart/byteranges body whose parts and length are right', async () => {
      const response = await get({ range: 'bytes=0-4, 10-19,-3' });
      expect(response.code).toBe(206);
      const type = response.headers.getLast('content-type')!;
      expect(type).toMatch(/^multipart\/byteranges; boundary=\w+$/);
      expect(response.headers.getLast('content-length')).toBe(String(response.body.length));
      const parts = parseMultipart(response.body, type.slice(type.indexOf('=') + 1));
      expect(parts.map((p) => p.range)).toEqual([`bytes 0-4/${size}`, `bytes 10-19/${size}`, `bytes ${size - 3}-${size - 1}/${size}`]);
      expect(parts.every((p) => p.type === 'application/octet-stream')).toBe(true);
      expect(parts[0]!.body.equals(payload.subarray(0, 5))).toBe(true);
      expect(parts[1]!.body.equals(payload.subarray(10, 20))).toBe(true);
      expect(parts[2]!.body.equals(payload.subarray(size - 3))).toBe(true);
    });

    it('security: answers overlapping ranges that add up to more than the file with the whole file, once', async () => {
      const response = await get({ range: 'bytes=0-,0-,0-,-5' });
      expect(response.code).toBe(200);
      expect(response.headers.getLast('content-length')).toBe(String(size));
      expect(response.body.equals(payload)).toBe(true);
    });

    it('coalesces overlapping ranges into one part', async () => {
      const response = await get({ range: 'bytes=0-9,5-19' });
      expect(response.code).toBe(206);
      const type = response.headers.getLast('content-type')!;
      const parts = parseMultipart(response.body, type.slice(type.indexOf('=') + 1));
      expect(parts.map((p) => p.range)).toEqual([`bytes 0-19/${size}`]);
      expect(parts[0]!.body.equals(payload.subarray(0, 20))).toBe(true);
    });

    it('needs only one satisfiable range among several', async () => {
      const response = await get({ range: `bytes=${size + 1}-,2-3` });
      expect(response.code).toBe(206);
      const type = response.headers.getLast('content-type')!;
      const parts = parseMultipart(response.body, type.slice(type.indexOf('=') + 1));
      expect(parts.map((p) => p.range)).toEqual([`bytes 2-3/${size}`]);
    });

    it('ignores Range for HEAD, describing the whole file', async () => {
      const response = await get({ range: 'bytes=0-1' }, 'HEAD');
      expect(response.code).toBe(200);
      expect(response.headers.getLast('content-length')).toBe(String(size));
    });

    it('honours Range while If-Range names the current ETag or Last-Modified, and sends it all otherwise', async () => {
      const first = await get({});
      const etag = first.headers.getLast('etag')!;
      const modified = first.headers.getLast('last-modified')!;
      expect((await get({ range: 'bytes=0-1', 'if-range': etag })).code).toBe(206);
      expect((await get({ range: 'bytes=0-1', 'if-range': modified })).code).toBe(206);
      expect((await get({ range: 'bytes=0-1', 'if-range': '"old-tag"' })).code).toBe(200);
      expect((await get({ range: 'bytes=0-1', 'if-range': `W/${etag}` })).code).toBe(200);
      expect((await get({ range: 'bytes=0-1', 'if-range': 'Thu, 01 Jan 1998 00:00:00 GMT' })).code).toBe(200);
    });
  });
}

describe('File ranges over a real socket', () => {
  let site: Site;
  let port: number;

  beforeAll(async () => {
    site = new Site(new File(tree.root), { logger: memoryLogger() });
    port = (await site.listen('tcp:0:interface=127.0.0.1')).address.port;
  });

  afterAll(() => site.close());

  it('sends exactly Content-Length bytes of multipart, so the connection stays usable', async () => {
    const first = await rawRequest(port, '/large.bin', { headers: { range: 'bytes=0-0,-1,100000-100099' } });
    expect(first.status).toBe(206);
    expect(first.body.length).toBe(Number(first.headers['content-length']));
    const second = await rawRequest(port, '/page.html', { headers: { range: 'bytes=2-3' } });
    expect(second.body.toString()).toBe('23');
  });
});

/** Split a multipart/byteranges body into its parts. */
function parseMultipart(body: Buffer, boundary: string): { type: string; range: string; body: Buffer }[] {
  const text = body.toString('latin1');
  const pieces = text.split(`\r\n--${boundary}`);
  expect(pieces[0]).toBe('');
  expect(pieces[pieces.length - 1]).toBe('--\r\n');
  return pieces.slice(1, -1).map((piece) => {
    const split = piece.indexOf('\r\n\r\n');
    const head = piece.slice(2, split).split('\r\n');
    const header = (name: string) => head.find((h) => h.toLowerCase().startsWith(`${name}: `))!.slice(name.length + 2);
    return { type: header('content-type'), range: header('content-range'), body: Buffer.from(piece.slice(split + 4), 'latin1') };
  });
}

