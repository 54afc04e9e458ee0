/**
 * Exercise 11: a page that waits for two slow sources, through a Promise.
 *
 * `Dashboard` is a leaf resource that shows today's weather and the top headline. Both
 * come from `Sources`, whose methods return Promises that take a while to settle (the
 * grader's take 2 and 3 seconds on a fake clock). `render_GET` must return a Promise
 * of the page (not NOT_DONE_YET), so that the Site sends it with a Content-Length when
 * it is ready and answers 500 for you when a source fails.
 *
 * The page, with both texts escaped (a headline may contain `<` or `&`):
 *
 *     <html><body><p>Weather: WEATHER</p><p>News: HEADLINE</p></body></html>
 *
 * Ask both sources at once, as soon as the request arrives: with sources that take 2 and
 * 3 seconds, the page must be sent after 3 seconds, not 5.
 * When a source rejects, let the rejection reach the Site: the client gets the
 * "Processing Failed" page and the Site logs the error (lesson 13 handles it yourself).
 *
 * Check your work with `npm run grade 11`. Stuck? `npm run hint 11`.
 */
import { Resource, escapeHTML, type Request } from '../../lib/index.ts';

/** Where the dashboard's data comes from. */
export interface Sources {
  weather(): Promise<string>;
  headline(): Promise<string>;
}

export class Dashboard extends Resource {
  override isLeaf = true;
  readonly sources: Sources;

  constructor(sources: Sources) {
    super();
    this.sources = sources;
  }

  render_GET(_request: Request): string | Promise<string> {
    // TODO 1: start both sources now, and wait for both together (Promise.all).
    // TODO 2: return a Promise of the page above, built with escapeHTML on both texts.
    //         An `async render_GET` that awaits and returns the page is the easiest way.
    return `TODO: show ${escapeHTML('weather & news')}`;
  }
}
