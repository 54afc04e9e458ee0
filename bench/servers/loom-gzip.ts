/**
 * Loom's request encoders: the page behind `EncodingResourceWrapper` with a
 * `GzipEncoderFactory` (Twisted's spelling, lesson 21), or a `BrotliEncoderFactory` at
 * its default quality when `BENCH_ENCODER=br`.
 */
import { BrotliEncoderFactory, EncodingResourceWrapper, GzipEncoderFactory, Resource, Site, type Request } from '../../lib/index.ts';
import { announce, benchPort } from './common.ts';
import { PAGE, PAGE_TYPE } from './page.ts';

class Page extends Resource {
  override isLeaf = true;
  render_GET(request: Request): Uint8Array {
    request.setHeader('content-type', PAGE_TYPE);
    return PAGE;
  }
}

const encoder = process.env.BENCH_ENCODER === 'br' ? new BrotliEncoderFactory() : new GzipEncoderFactory();
const port = benchPort();
await new Site(new EncodingResourceWrapper(new Page(), [encoder])).listen(`tcp:${port}:interface=127.0.0.1`);
announce(port);
