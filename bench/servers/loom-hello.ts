/** Loom's hello world: a leaf Resource answering 13 bytes, on a plain Site. */
import { Resource, Site } from '../../lib/index.ts';
import { HELLO, announce, benchPort } from './common.ts';

class Hello extends Resource {
  override isLeaf = true;
  render_GET(): string {
    return HELLO;
  }
}

const port = benchPort();
await new Site(new Hello()).listen(`tcp:${port}:interface=127.0.0.1`);
announce(port);
