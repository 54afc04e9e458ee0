/// <reference path="../../../lib/rsx-env.d.ts" />
// A script can export any resource, including the root of a small tree: the path below
// /tree.rsx.ts/ is looked up in it as usual (lessons 03 and 04).
import { Resource, type Request } from '../../../lib/index.ts';

class Hello extends Resource {
  override isLeaf = true;

  render_GET(request: Request): string {
    request.setHeader('content-type', 'text/plain; charset=utf-8');
    return `Hello from inside tree.rsx.ts (prepath: ${request.prepath.join('/')}).\n`;
  }
}

const root = new Resource();
root.putChild('hello', new Hello());

export const resource = root;
