/**
 * @module
 * Byte ranges: the `Range` request header, and the plan for answering it with one part of
 * a file (206 and `Content-Range`), several parts (206 `multipart/byteranges`), nothing
 * (416), or the whole file when the header does not parse.
 *
 * A client that already has the first half of a download asks for `Range: bytes=500-`;
 * a video player seeking asks for `bytes=1048576-2097151`; `bytes=-100` is the last 100
 * bytes. The rules are RFC 9110 §14 (ranges) and §15.3.7 (206).
 *
 * Twisted counterpart: `File._parseRangeHeader`, `_rangeToOffsetAndSize`,
 * `_doSingleRangeRequest` and `_doMultipleRangeRequest` in `twisted.web.static`. Kept from
 * Twisted: a header that does not parse is ignored (200 with the whole file); an end past
 * the file is clamped; unsatisfiable members of a multi-range request are skipped; ranges
 * that neither overlap nor touch keep the order they were asked in. Loom differs:
 * - overlapping and adjacent ranges are coalesced into one part (RFC 9110 §15.3.7.2), and
 *   ranges that add up to more than the file are ignored, answering 200 with the whole
 *   file once (RFC 9110 §14.2; Go's `net/http` does the same), so a response is never
 *   larger than the file plus the part headers. Twisted sends every part as asked:
 *   `bytes=0-,0-,…` ten times over a 50 MB file was a 500 MB answer;
 * - when no range of several can be satisfied the answer is 416 with a `Content-Range`
 *   that gives only the size, as RFC 9110 §15.5.17 says, because Twisted's code hands its
 *   producer a value it cannot use and the client gets a 500;
 * - a suffix longer than the file (`bytes=-5000` on 100 bytes) means the whole file,
 *   per RFC 9110 §14.1.3 (Twisted computes a negative offset);
 * - `bytes=` with no ranges at all is ignored like any other bad header (Twisted: 500);
 * - more than {@link MAX_RANGES} ranges are ignored too, as Apache's `MaxRanges` does, so
 *   a few bytes of header cannot ask for the same file a thousand times over;
 * - digits are strict (`+5` and `1_0`, which Python's `int` accepts, are not numbers) and
 *   the unit `bytes` is matched without regard to case (RFC 9110 §14.1);
 * - part headers are spelled `Content-Type` and `Content-Range` (Twisted writes
 *   `Content-type` and `Content-range`; header names are case-insensitive either way) and
 *   the boundary is random rather than the time and process id.
 * Tests: `test/static/ranges.test.ts`.
 */

import { randomBytes } from 'node:crypto';

/** More ranges than this in one header and the header is ignored (Apache's `MaxRanges` default). */
export const MAX_RANGES = 200;

/**
 * One range as the client wrote it: `first`-`last`, both inclusive. `first === null` is a
 * suffix (`-500`: the last 500 bytes); `last === null` runs to the end. Never both null.
 */
export interface RangeSpec {
  readonly first: number | null;
  readonly last: number | null;
}

/** A satisfiable range of a file: `length` bytes from byte `start`. */
export interface ByteRange {
  readonly start: number;
  readonly length: number;
}

/** One part of a multipart answer: its header block, then `length` bytes of the file from `start`. */
export interface RangePart extends ByteRange {
  readonly head: Buffer;
}

/** How to answer a request, given its `Range` header and the file's size. */
export type RangePlan =
  | { readonly kind: 'full' }
  | { readonly kind: 'single'; readonly range: ByteRange; readonly contentRange: string }
  | { readonly kind: 'multipart'; readonly parts: readonly RangePart[]; readonly trailer: Buffer;
      readonly contentType: string; readonly contentLength: number }
  | { readonly kind: 'unsatisfiable'; readonly contentRange: string };

const DIGITS = /^\d+$/;

/**
 * Parse a `Range` header value into the ranges it asks for, or `null` when it is not a
 * byte-range header Loom understands (no `=`, another unit, a bound that is not a
 * number, a start after its end, a range with neither bound, no ranges at all, too many).
 * Whitespace around ranges and empty list elements are tolerated (`bytes= 0-1 , ,3-4`).
 */
export function parseRangeHeader(header: string): RangeSpec[] | null {
  const eq = header.indexOf('=');
  if (eq < 0 || header.slice(0, eq).trim().toLowerCase() !== 'bytes') return null;
  const specs: RangeSpec[] = [];
  for (const item of header.slice(eq + 1).split(',')) {
    const text = item.trim();
    if (text === '') continue;
    const spec = parseRangeSpec(text);
    if (spec === null || specs.length === MAX_RANGES) return null;
    specs.push(spec);
  }
  return specs.length === 0 ? null : specs;
}

/** `a-b`, `a-` or `-n` → a {@link RangeSpec}; anything else → null. */
function parseRangeSpec(text: string): RangeSpec | null {
  const dash = text.indexOf('-');
  if (dash < 0) return null;
  const firstText = text.slice(0, dash).trim();
  const lastText = text.slice(dash + 1).trim();
  if (firstText === '' && lastText === '') return null;
  if ((firstText !== '' && !DIGITS.test(firstText)) || (lastText !== '' && !DIGITS.test(lastText))) return null;
  const first = firstText === '' ? null : Number(firstText);
  const last = lastText === '' ? null : Number(lastText);
  if (first !== null && last !== null && first > last) return null;
  return { first, last };
}

/**
 * Where `spec` falls in a file of `size` bytes, or `null` when it does not overlap the
 * file at all (a start at or past the end, a zero-length suffix, any range of an empty
 * file). An end past the file is clamped to the last byte.
 */
export function resolveRange(spec: RangeSpec, size: number): ByteRange | null {
  let start: number;
  let end: number; // exclusive
  if (spec.first === null) {
    start = Math.max(0, size - spec.last!);
    end = spec.last === 0 ? 0 : size;
  } else {
    start = spec.first;
    end = spec.last === null ? size : Math.min(spec.last + 1, size);
  }
  return start >= end || start >= size ? null : { start, length: end - start };
}

// #region ranges-plan
/**
 * Decide how to answer a request for a file of `size` bytes and type `type`:
 * - no header, or one that does not parse: the whole file (200);
 * - one range: that part (206, `Content-Range: bytes a-b/size`) or 416;
 * - several: each satisfiable range, overlapping ones coalesced, as a part of a
 *   `multipart/byteranges` body (206) with the exact `Content-Length` worked out in
 *   advance; 416 when none is satisfiable; the whole file when they add up to more than it.
 */
export function planRanges(header: string | undefined, size: number, type: string): RangePlan {
  if (header === undefined) return FULL;
  const specs = parseRangeHeader(header);
  if (specs === null) return FULL;
  if (specs.length === 1) {
    const range = resolveRange(specs[0]!, size);
    return range === null ? unsatisfiable(size) : { kind: 'single', range, contentRange: contentRange(range, size) };
  }
  const ranges: ByteRange[] = [];
  let asked = 0;
  for (const spec of specs) {
    const range = resolveRange(spec, size);
    if (range === null) continue;
    ranges.push(range);
    asked += range.length;
  }
  if (ranges.length === 0) return unsatisfiable(size);
  // More bytes than the file holds means the same bytes asked for again: a broken client
  // or an amplification attack. RFC 9110 §14.2 lets a server ignore the header.
  if (asked > size) return FULL;
  return multipartPlan(coalesceRanges(ranges), size, type);
}

/**
 * Merge ranges that overlap or touch (`0-3,2-5,6-7` → `0-7`), which RFC 9110 §15.3.7.2
 * allows whatever the order asked. When nothing merges, the ranges stay in the order the
 * client gave, as Twisted keeps them; when something does, they come out by offset.
 */
export function coalesceRanges(ranges: readonly ByteRange[]): ByteRange[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const merged: ByteRange[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && range.start <= last.start + last.length) {
      merged[merged.length - 1] = { start: last.start, length: Math.max(last.length, range.start + range.length - last.start) };
    } else {
      merged.push(range);
    }
  }
  return merged.length === ranges.length ? ranges.slice() : merged;
}

/** The parts, their headers and the closing boundary of a `multipart/byteranges` body. */
export function multipartPlan(ranges: readonly ByteRange[], size: number, type: string,
  boundary = randomBytes(12).toString('hex')): RangePlan {
  let contentLength = 0;
  const parts: RangePart[] = ranges.map((range) => {
    // The CRLF before each boundary belongs to the delimiter (RFC 2046 §5.1.1).
    const head = Buffer.from(`\r\n--${boundary}\r\nContent-Type: ${type}\r\nContent-Range: ${contentRange(range, size)}\r\n\r\n`, 'latin1');
    contentLength += head.length + range.length;
    return { ...range, head };
  });
  const trailer = Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1');
  contentLength += trailer.length;
  return { kind: 'multipart', parts, trailer, contentType: `multipart/byteranges; boundary=${boundary}`, contentLength };
}
// #endregion ranges-plan

/** The `Content-Range` value of a part: `bytes 0-99/1000`. */
export function contentRange(range: ByteRange, size: number): string {
  return `bytes ${range.start}-${range.start + range.length - 1}/${size}`;
}

const FULL: RangePlan = { kind: 'full' };

function unsatisfiable(size: number): RangePlan {
  return { kind: 'unsatisfiable', contentRange: `bytes */${size}` };
}
