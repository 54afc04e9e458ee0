/**
 * @module
 * `loom web --compress`: the served root, wrapped so its responses are compressed for
 * clients that accept it, with Brotli first and gzip second.
 *
 * Twisted counterpart: none in `twistd web` (`twisted.web.tap` has no compression
 * option); in code, `EncodingResourceWrapper(root, [GzipEncoderFactory()])`. Loom differs:
 * it offers Brotli too, the wrapper reaches the whole tree, not just the root page
 * (lib/encoding/wrapper.ts), and a served folder's precompressed `name.br` / `name.gz`
 * files are used (lib/static/precompressed.ts).
 * Off by default: compressing secrets beside text an attacker chooses leaks them over
 * TLS (BREACH, lesson 21), so it is a choice to make, not a default.
 * Tests: `test/app/compress.test.ts`.
 */

import { BrotliEncoderFactory, GzipEncoderFactory } from '../encoding/encoders.ts';
import { EncodingResourceWrapper } from '../encoding/wrapper.ts';
import type { IResource } from '../iweb.ts';
import type { File } from '../static/file.ts';

/**
 * `root`, compressed with Brotli (quality 4) or gzip (level 6), as the client prefers.
 * `folder`, the File of `--path` (null for other roots), also serves its `name.br` /
 * `name.gz` siblings where they exist.
 */
export function compressRoot(root: IResource, folder: File | null = null): IResource {
  if (folder !== null) folder.precompressed = true;
  return new EncodingResourceWrapper(root, [new BrotliEncoderFactory(), new GzipEncoderFactory()]);
}
