import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { compressRoot } from '../../lib/app/compress.ts';
import { File } from '../../lib/static/file.ts';
import { request } from '../../lib/testing.ts';
import { decoded, ended, prose } from '../encoding/support.ts';
import { makeTree } from '../support/temp-tree.ts';

const tree = makeTree({ 'style.css': prose(20_000), 'made.css': prose(20_000), 'made.css.gz': gzipSync('made ahead of time') }, 'loom-compress-');
const dir = tree.root;
afterAll(() => tree.remove());

describe('compressRoot', () => {
  it.each([['br, gzip', 'br'], ['gzip', 'gzip'], ['deflate', undefined]])('answers Accept-Encoding %j with %j', async (accept, coding) => {
    const response = await request(compressRoot(new File(dir)), { uri: '/style.css', headers: { 'accept-encoding': accept } });
    await ended(response.channel);
    expect(response.headers.getLast('content-encoding')).toBe(coding);
    expect(response.headers.getLast('content-type')).toContain('text/css');
    expect(decoded(response.channel).toString()).toBe(prose(20_000));
  });

  it('turns on precompressed siblings in the folder it is given, and only there', async () => {
    const folder = new File(dir);
    const response = await request(compressRoot(folder, folder), { uri: '/made.css', headers: { 'accept-encoding': 'gzip' } });
    await ended(response.channel);
    expect(folder.precompressed).toBe(true);
    expect(response.headers.getLast('content-encoding')).toBe('gzip');
    expect(decoded(response.channel).toString()).toBe('made ahead of time');
    const other = new File(dir);
    compressRoot(other);
    expect(other.precompressed).toBe(false);
  });
});
