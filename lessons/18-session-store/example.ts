/**
 * Lesson 18: storing objects in the session. A `ComponentKey` names a kind of object a
 * session can hold and says how to make a fresh one; `request.getSession(KEY)` gives
 * this client's, made on first use and kept for the session's life.
 *
 * `/` counts each client's visits; `/reset` (a POST) throws the count away.
 */
import { ComponentKey, Resource, Site, type Request, type SiteOptions } from '../../lib/index.ts';
import type { Try } from '../lesson.ts';

// #region counter-key
/** What each session keeps: plain data, which any session store can hold. (Twisted's `ICounter`.) */
export interface Counter {
  value: number;
}

/** Where a session keeps its Counter, and how to make the first one. (Twisted's adapter, registered.) */
export const COUNTER = new ComponentKey<Counter>('counter', () => ({ value: 0 }));
// #endregion counter-key

// #region counter-page
/** Counts the visits of each client separately. */
export class CounterPage extends Resource {
  render_GET(request: Request): string {
    // The key has a create function, so a session always has a counter: hence the `!`.
    const counter = request.getSession(COUNTER)!;
    counter.value += 1;
    return page(`Visit #${counter.value} for you! <form method="POST" action="reset"><button>Start again</button></form>`);
  }
}
// #endregion counter-page

// #region reset-page
/** Throws the client's counter away (on POST: a link must not change anything, see lesson 17). */
export class ResetPage extends Resource {
  render_GET(_request: Request): string {
    return page('<form method="POST"><button>Start again</button></form>');
  }

  render_POST(request: Request): string {
    request.getSession().removeComponent(COUNTER);
    return page('Your count is gone: your next visit is #1 again. <a href="/">Back</a>.');
  }
}
// #endregion reset-page

export function createSite(options: SiteOptions = {}): Site {
  const root = new Resource();
  root.putChild('', new CounterPage());
  root.putChild('reset', new ResetPage());
  return new Site(root, options);
}

/** A small, complete HTML page around `body` (which must already be safe HTML). */
function page(body: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Lesson 18</title></head><body>${body}</body></html>`;
}

export const tryThis: Try[] = [
  { note: 'reload it and watch the count go up', path: '/', browser: true, expect: { code: 200, bodyIncludes: 'Visit #1 for you!' } },
  { note: 'curl keeps no cookie, so every curl is visit #1 (see the README for a cookie jar)', path: '/', expect: { code: 200, bodyIncludes: 'Visit #1 for you!' } },
  { note: 'throw the count away', method: 'POST', path: '/reset', expect: { code: 200, bodyIncludes: 'Your count is gone' } },
];
