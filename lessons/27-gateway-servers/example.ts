/**
 * Lesson 27 · Gateway servers. The example Site serves lesson 27's application on worker
 * threads, as lesson 15 did; `app.cgi.ts`, `simple.ts` and `backends.ts` (with
 * `nginx.conf`) serve the very same application in the other ways the lesson shows.
 */
import { GatewayResource, Site, appRef, getThreadPool, realClock, type SiteOptions } from '../../lib/index.ts';
import type { Try } from '../lesson.ts';

// #region create-site
/** The application wrapped in its middleware (`served` in app.ts), on the shared thread pool. */
export function createSite(options: SiteOptions = {}): Site {
  const app = appRef(new URL('./app.ts', import.meta.url), 'served');
  return new Site(new GatewayResource(options.clock ?? realClock, getThreadPool(), app), options);
}
// #endregion create-site

export const tryThis: Try[] = [
  { note: 'the application, run on a worker thread', path: '/', expect: { code: 200, bodyIncludes: 'Hello from a worker thread!' } },
  { note: 'the middleware numbered the request', path: '/notes/today', expect: { code: 200, bodyIncludes: 'PATH_INFO=/notes/today request=' } },
  { note: 'a POST body read through gateway.input', method: 'POST', path: '/', body: 'a note', expect: { code: 200, bodyIncludes: 'You sent 6 bytes: a note' } },
];
