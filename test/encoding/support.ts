// Helpers for the encoding tests: decode what a MemoryChannel received, and wait for it to end.
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { MemoryChannel } from '../../lib/testing.ts';

/** The body as the client reads it, after undoing `Content-Encoding`. */
export function decoded(channel: MemoryChannel): Buffer {
  const coding = channel.head?.headers.getLast('content-encoding');
  if (coding === 'gzip') return gunzipSync(channel.body);
  if (coding === 'br') return brotliDecompressSync(channel.body);
  return channel.body;
}

/** Resolves once the channel has ended (an encoder streaming its last bytes may end after finish()). */
export function ended(channel: MemoryChannel): Promise<void> {
  return new Promise((resolve) => channel.onClose(() => resolve()));
}

const LINE = 'All the world is a stage, and all the men and women merely players. ';

/** Text that compresses well, `n` bytes of it. */
export function prose(n: number): string {
  return LINE.repeat(Math.ceil(n / LINE.length)).slice(0, n);
}
