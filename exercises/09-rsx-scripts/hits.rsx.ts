/// <reference path="../../lib/rsx-env.d.ts" />
/**
 * Exercise 09 · A hit counter, written as a resource script.
 *
 * Loom runs this whole file again for every request that reaches /hits.rsx.ts, and
 * answers with the resource it exports as `resource`. Make that resource:
 *
 *     GET  /hits.rsx.ts        200, text/plain; charset=utf-8, exactly:
 *                                This page has been viewed N time(s).
 *                                (served by hits.rsx.ts)
 *                              where N is 1 for the first GET, 2 for the second, …
 *     POST /hits.rsx.ts/reset  200, text/plain; charset=utf-8, "Counter reset.\n";
 *                              the next GET says 1 again
 *     GET  /hits.rsx.ts/reset  405 Method Not Allowed: only a POST resets the count
 *     GET  /hits.rsx.ts/other  404 (anything below the script but reset)
 *
 * The count must survive from one request to the next although this file runs each
 * time, and each served folder (each registry) keeps its own count. Name the file in
 * the second line from `__file__`, not by typing it.
 *
 * What the graded tests check (`npm run grade 09`; stuck? `npm run hint 09`): the texts,
 * statuses and types above, over several requests, with two registries, and the second
 * line of a copy of this script saved under another name.
 */
import { Resource, type Request } from '../../lib/index.ts';

// TODO 1: keep the resource this script makes between requests (one call, before
//         anything else; see lessons/09-rsx-scripts/site/visits.rsx.ts).

class Hits extends Resource {
  // TODO 2: remember how many GETs were answered.

  // TODO 3: give this resource a child "reset" that answers POST by setting the
  //         count back to 0 and saying "Counter reset.\n".

  render_GET(request: Request): string {
    // TODO 4: count this request, set the content type, and answer with the two lines.
    return 'TODO\n';
  }
}

export const resource = new Hits();
