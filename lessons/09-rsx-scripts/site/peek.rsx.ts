/// <reference path="../../../lib/rsx-env.d.ts" />
// Every script in a served folder gets the same `registry`. `cache()` keeps a script's
// resource there under the script's own path, so this script can look up the one that
// visits.rsx.ts keeps, starting from its own path, `__file__`.
import { join, dirname } from 'node:path';
import { Resource, type Request } from '../../../lib/index.ts';

const visitsPath = join(dirname(__file__), 'visits.rsx.ts');

class Peek extends Resource {
  override isLeaf = true;

  render_GET(request: Request): string {
    const counter = registry.getCachedPath(visitsPath) as { count: number } | undefined;
    request.setHeader('content-type', 'text/plain; charset=utf-8');
    return counter === undefined
      ? 'visits.rsx.ts has not run yet: visit it first.\n'
      : `visits.rsx.ts has answered ${counter.count} visit(s).\n`;
  }
}

export const resource = new Peek();
