/**
 * Lesson 04 · Dynamic URL dispatch.
 *
 * `Calendar` makes its children on demand: `getChild` turns the segment `2009` into a
 * `YearPage` for 2009, so every year has a URL without anyone calling `putChild` for
 * it. A static child (`path`, a leaf that shows `prepath` and `postpath`) sits beside
 * the dynamic ones, and wins over them.
 */
import { Resource, Site, escapeHTML, type IResource, type Request, type SiteOptions } from '../../lib/index.ts';
import type { Try } from '../lesson.ts';
import { yearCalendar } from './calendar.ts';

// #region year-page
/** The calendar of one year. */
export class YearPage extends Resource {
  readonly year: number;

  constructor(year: number) {
    super();
    // This lesson does no checking of its own yet (lesson 05 does): a segment that is
    // not a year ends up here, and the error becomes a 500 page.
    if (!Number.isInteger(year) || year < 1 || year > 9999) throw new RangeError(`Not a year from 1 to 9999: ${year}`);
    this.year = year;
  }

  render_GET(_request: Request): string {
    return `<html><body><pre>${yearCalendar(this.year)}</pre></body></html>`;
  }
}
// #endregion year-page

// #region calendar
/** The root: one child per year, made when a request asks for it. */
export class Calendar extends Resource {
  override getChild(name: string, _request: Request): IResource {
    return new YearPage(Number(name));
  }
}
// #endregion calendar

// #region path-page
/** A leaf that shows how traversal split the path: what it used, and what it left. */
export class PathPage extends Resource {
  override isLeaf = true;

  render_GET(request: Request): string {
    // Segments come from the URL, so they are escaped before they go into the HTML.
    const show = (segments: string[]) => escapeHTML(JSON.stringify(segments));
    return `<html><body>prepath: ${show(request.prepath)}<br>postpath: ${show(request.postpath)}</body></html>`;
  }
}
// #endregion path-page

// #region create-site
/** The site: a Calendar at the root, with two static children beside its dynamic ones. */
export function createSite(options: SiteOptions = {}): Site {
  const root = new Calendar();
  root.putChild('', new HomePage());
  root.putChild('path', new PathPage());
  return new Site(root, options);
}
// #endregion create-site

/** The home page, with links to try. */
class HomePage extends Resource {
  render_GET(_request: Request): string {
    return '<html><body>Try <a href="2009">/2009</a>, <a href="1969">/1969</a> or ' +
      '<a href="path/a/b%20c/">/path/a/b%20c/</a>.</body></html>';
  }
}

export const tryThis: Try[] = [
  { note: "the home page, a static '' child", path: '/', expect: { code: 200, bodyIncludes: 'Try' }, browser: true },
  { note: 'getChild made a YearPage for 2009', path: '/2009', expect: { code: 200, bodyIncludes: 'February 2009' } },
  { note: 'and one for 1969: every year has a URL', path: '/1969', expect: { code: 200, bodyIncludes: 'July 1969' } },
  { note: "a YearPage has no children, not even ''", path: '/2009/', expect: { code: 404 } },
  { note: 'the static child path wins over getChild', path: '/path/a/b%20c/', expect: { code: 200, bodyIncludes: 'postpath: [&quot;a&quot;,&quot;b c&quot;,&quot;&quot;]' } },
  { note: 'not a year: no error handling yet, so a 500', path: '/abc', expect: { code: 500, bodyIncludes: 'Processing Failed' } },
];
