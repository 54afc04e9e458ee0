/**
 * Lesson 15 · The threaded gateway.
 *
 * A gateway application is a plain function of the request (`environ`) and a way to
 * start the response (`startResponse`). `GatewayResource` runs it on a pool of worker
 * threads and serves it as the root of the Site, so every path is the application's.
 * This file is both the lesson's example and the module the workers load the
 * application from.
 */
// #region whole-example
// #region imports
import { GatewayResource, Site, appRef, getThreadPool, realClock, type Application, type SiteOptions } from '../../lib/index.ts';
import type { Try } from '../lesson.ts';
// #endregion imports

// #region application
/** Says hello, and shows the part of the path that is the application's own. */
export const application: Application = (environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return ['Hello, world!\n', `You asked for ${environ.PATH_INFO}\n`];
};
// #endregion application

// #region resource
/** The whole site is the application, run on the process's shared thread pool. */
export function createSite(options: SiteOptions = {}): Site {
  const resource = new GatewayResource(options.clock ?? realClock, getThreadPool(), appRef(import.meta.url, 'application'));
  return new Site(resource, options);
}
// #endregion resource

export const tryThis: Try[] = [
  { note: 'the application answers the root', path: '/', expect: { code: 200, bodyIncludes: 'Hello, world!' } },
  { note: 'and every path below it: PATH_INFO is all of it', path: '/any/path%20here', expect: { code: 200, bodyIncludes: 'You asked for /any/path here' } },
  { note: 'HEAD gets the headers only', method: 'HEAD', path: '/', expect: { code: 200 } },
];
// #endregion whole-example
