/// <reference path="../../../lib/rsx-env.d.ts" />
// `cache()` keeps the resource this script exports in the registry. On every later
// request the script stops right here and the kept resource answers, so its `count`
// survives from one request to the next. (Without `cache()`, each request would make a
// new VisitCounter, and every visit would be visit number 1.)
import { Resource, type Request } from '../../../lib/index.ts';

cache();

class VisitCounter extends Resource {
  override isLeaf = true;
  count = 0;

  render_GET(request: Request): string {
    this.count += 1;
    request.setHeader('content-type', 'text/plain; charset=utf-8');
    return `Hello! This is visit number ${this.count}.\n`;
  }
}

export const resource = new VisitCounter();
