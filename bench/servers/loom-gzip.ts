/**
 * Loom's gzip: the page behind `EncodingResourceWrapper` with a `GzipEncoderFactory`,
 * Twisted's spelling (lesson 21).
 */
import { Resource, Site, type IResource, type Request } from '../../lib/index.ts';
import { announce, benchPort } from './common.ts';
import { loomExport } from './loom.ts';
import { PAGE, PAGE_TYPE } from './page.ts';

const EncodingResourceWrapper = loomExport<new (original: IResource, encoders: unknown[]) => IResource>(
  'EncodingResourceWrapper', 'EncodingResourceWrapper (lib/encoding.ts)');
const GzipEncoderFactory = loomExport<new () => unknown>('GzipEncoderFactory', 'GzipEncoderFactory (lib/encoding.ts)');

class Page extends Resource {
  override isLeaf = true;
  render_GET(request: Request): Uint8Array {
    request.setHeader('content-type', PAGE_TYPE);
    return PAGE;
  }
}

const port = benchPort();
await new Site(new EncodingResourceWrapper(new Page(), [new GzipEncoderFactory()])).listen(`tcp:${port}:interface=127.0.0.1`);
announce(port);
