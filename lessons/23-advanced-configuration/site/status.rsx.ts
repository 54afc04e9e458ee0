/// <reference path="../../../lib/rsx-env.d.ts" />
// Run for every request by the '.rsx.ts' processor of the File in example.ts.
import { Resource, type Request } from '../../../lib/index.ts';

class Status extends Resource {
  override isLeaf = true;

  render_GET(request: Request): string {
    request.setHeader('content-type', 'text/plain; charset=utf-8');
    return `All systems go. Node ${process.version}, up ${Math.round(process.uptime())} s.\n`;
  }
}

export const resource = new Status();
