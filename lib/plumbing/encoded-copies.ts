/**
 * @module
 * Encoded copies of bodies that never change: the bytes of a cached static file,
 * compressed once per coding and reused for every request after.
 *
 * The file cache (lib/static/file-cache.ts) keeps one `Buffer` per file version and
 * hands the same object to every response; when the file changes it reads a new one.
 * So a body's identity is its version, and a copy kept against it is right for exactly
 * as long as the body is served. The cache says which bodies are stable (`keepCopiesOf`)
 * and forgets them when it drops them (`dropCopiesOf`); the encoder (lib/encoding/)
 * reads and fills the copies. Bounded: at most one copy per coding of each body the
 * file cache holds, each smaller than the body (a copy that would not be is not kept),
 * so the copies never outgrow the cache's own byte limit times the number of codings.
 *
 * Twisted has no counterpart (it compresses every response anew). Here because both
 * lib/static and lib/encoding use it and neither may import the other.
 * Tests: `test/plumbing/encoded-copies.test.ts`.
 */

const copies = new WeakMap<Uint8Array, Map<string, Buffer>>();

/** `body` will be served unchanged for a while: keep encoded copies of it. */
export function keepCopiesOf(body: Uint8Array): void {
  if (!copies.has(body)) copies.set(body, new Map());
}

/** `body` is no longer served: let its copies go. */
export function dropCopiesOf(body: Uint8Array): void {
  copies.delete(body);
}

/** The copy of `body` in `coding`, made with `encode` the first time it is asked for. Unstable bodies are encoded every time. */
export function encodedCopy(body: Uint8Array, coding: string, encode: (body: Uint8Array) => Buffer): Buffer {
  const kept = copies.get(body);
  if (kept === undefined) return encode(body);
  let copy = kept.get(coding);
  if (copy === undefined) {
    copy = encode(body);
    if (copy.byteLength < body.byteLength) kept.set(coding, copy);
  }
  return copy;
}
