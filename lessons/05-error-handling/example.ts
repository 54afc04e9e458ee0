/**
 * Lesson 05 · Error handling.
 *
 * Lesson 04's calendar, with its loose end tied: `Calendar.getChild` checks the segment
 * and returns a 404 page for anything that is not a year, instead of letting a bad
 * segment blow up into a 500. `YearPage` is lesson 04's, unchanged.
 */
import { Resource, Site, forbidden, notFound, type IResource, type Request, type SiteOptions } from '../../lib/index.ts';
import { YearPage } from '../04-dynamic-dispatch/example.ts';
import type { Try } from '../lesson.ts';

// #region parse-year
/** The year a segment names (1 to 9999, written with digits only), or null. */
export function parseYear(segment: string): number | null {
  // Stricter than Number(): '', ' 12', '1e3' and '0x7D9' are not how anyone writes a year.
  if (!/^[0-9]{1,4}$/.test(segment)) return null;
  const year = Number(segment);
  return year >= 1 ? year : null;
}
// #endregion parse-year

// #region calendar
/** The root: a YearPage for every year, and a 404 page for every other segment. */
export class Calendar extends Resource {
  override getChild(name: string, _request: Request): IResource {
    const year = parseYear(name);
    if (year === null) {
      // The page escapes what it shows, so echoing the segment back is safe.
      return notFound('No Such Year', `There is no year called "${name}" here: try a whole number from 1 to 9999.`);
    }
    return new YearPage(year);
  }
}
// #endregion calendar

// #region create-site
/** The site: the calendar, a home page, and a page nobody may see. */
export function createSite(options: SiteOptions = {}): Site {
  const root = new Calendar();
  root.putChild('', new HomePage());
  // Error pages are resources like any other: this one is put in the tree on purpose.
  root.putChild('secret', forbidden());
  return new Site(root, options);
}
// #endregion create-site

/** The home page, with links to try. */
class HomePage extends Resource {
  render_GET(_request: Request): string {
    return '<html><body>Try <a href="2009">/2009</a>, <a href="abc">/abc</a> or ' +
      '<a href="secret">/secret</a>.</body></html>';
  }
}

export const tryThis: Try[] = [
  { note: 'the home page', path: '/', expect: { code: 200, bodyIncludes: 'Try' }, browser: true },
  { note: 'a year: the calendar, as in lesson 04', path: '/2009', expect: { code: 200, bodyIncludes: 'February 2009' } },
  { note: 'not a year: a 404 page now, not a 500', path: '/abc', expect: { code: 404, bodyIncludes: 'No Such Year' } },
  { note: 'digits, but too many for a year', path: '/12345', expect: { code: 404, bodyIncludes: 'No Such Year' } },
  { note: 'an error page is its own child, at every depth', path: '/abc/def/ghi', expect: { code: 404, bodyIncludes: 'No Such Year' } },
  { note: 'what the page echoes back is escaped', path: '/%3Cb%3Ehi%3C%2Fb%3E', expect: { code: 404, bodyIncludes: '&lt;b&gt;hi&lt;/b&gt;' } },
  { note: 'an error page put in the tree with putChild', path: '/secret', expect: { code: 403, bodyIncludes: 'Forbidden Resource' } },
];
