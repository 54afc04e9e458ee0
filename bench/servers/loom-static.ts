/**
 * Loom's static file server: `Site(new File(dir))`, as lesson 01 teaches. With
 * `BENCH_COMPRESS=1`, behind an `EncodingResourceWrapper` with gzip (lesson 21): a cached
 * file is compressed once and the copy reused.
 */
import { EncodingResourceWrapper, File, GzipEncoderFactory, Site, type IResource } from '../../lib/index.ts';
import { announce, benchEnv, benchPort } from './common.ts';

const port = benchPort();
const files = new File(benchEnv('BENCH_STATIC_DIR'));
const root: IResource = process.env.BENCH_COMPRESS === '1' ? new EncodingResourceWrapper(files, [new GzipEncoderFactory()]) : files;
await new Site(root).listen(`tcp:${port}:interface=127.0.0.1`);
announce(port);
