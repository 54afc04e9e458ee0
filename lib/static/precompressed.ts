/**
 * @module
 * Precompressed siblings: `style.css.br` and `style.css.gz` beside `style.css`, made
 * ahead of time (at the highest settings, since it happens once), served in its place to
 * clients that accept the coding.
 *
 * `File` asks `findPrecompressed` which sibling to send, when its `precompressed` option
 * is on; it then serves that file with the original's `Content-Type`, the coding as
 * `Content-Encoding`, `Vary: Accept-Encoding`, the sibling's own `ETag` (its bytes are not
 * the original's), and ranges counted in the sibling's bytes, the ones actually sent. The
 * original, when it is sent, carries `Vary: Accept-Encoding` too: a sibling could have been.
 *
 * Twisted has no counterpart (`static.File` serves `x.gz` only when asked for by that
 * name). Loom follows nginx's `gzip_static` and sirv's `brotli`/`gzip` options. Off by
 * default: a sibling that is older than its original would be served stale, and only
 * whoever builds the files knows they are kept in step. `loom web --compress` turns it on.
 * Tests: `test/static/precompressed.test.ts`.
 */

import { lstatSync, statSync, type Stats } from 'node:fs';
import { chooseAccepted, parseAcceptEncoding } from '../encoding/negotiation.ts';

/** The codings a sibling may carry, the server's preference first, with the suffix that names each. */
const PRECOMPRESSED_SUFFIXES: ReadonlyMap<string, string> = new Map([['br', '.br'], ['gzip', '.gz']]);

// Each File table's sibling table, made once: siblings are sent per request.
const siblingEncodings = new WeakMap<ReadonlyMap<string, string>, ReadonlyMap<string, string>>();

/** The content encodings to read a sibling's name with: the File's, plus `.br`. */
export function withSiblingEncodings(encodings: ReadonlyMap<string, string>): ReadonlyMap<string, string> {
  if (encodings.has('.br')) return encodings;
  let withBr = siblingEncodings.get(encodings);
  if (withBr === undefined) {
    withBr = new Map([...encodings, ['.br', 'br']]);
    siblingEncodings.set(encodings, withBr);
  }
  return withBr;
}

// #region static-precompressed
/**
 * The sibling of `path` to send a client whose `Accept-Encoding` is `accept`: the coding
 * it prefers among the siblings that exist as regular files, with the `stat` that found
 * it, or null for the original. At most one `stat` per coding the client accepts.
 * Unless `followSymlinks`, a sibling that is a symlink is passed over, as if absent:
 * it could lead out of the served folder, which `File` checks only for the names it walks.
 */
export function findPrecompressed(path: string, accept: string | undefined, followSymlinks = false): { readonly path: string; readonly coding: string; readonly stat: Stats } | null {
  if (accept === undefined) return null;
  const accepted = parseAcceptEncoding(accept);
  let offered = [...PRECOMPRESSED_SUFFIXES.keys()];
  for (let coding = chooseAccepted(accepted, offered); coding !== null; coding = chooseAccepted(accepted, offered)) {
    const sibling = path + PRECOMPRESSED_SUFFIXES.get(coding)!;
    const stat = (followSymlinks ? statSync : lstatSync)(sibling, { throwIfNoEntry: false });
    if (stat?.isFile() === true) return { path: sibling, coding, stat };
    offered = offered.filter((name) => name !== coding);
  }
  return null;
}
// #endregion static-precompressed
