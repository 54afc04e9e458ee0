/**
 * Lesson 20 · The life of a request.
 *
 * A small server that shows one request's whole path on itself. `/walk/...` answers
 * with what traversal left on the request (prepath, postpath, the body the Site read
 * before any resource ran); `/later/...` answers from a Promise, after the render method
 * has returned; `/journal` shows the access-log lines of the requests before it, which
 * the Site writes only once a response is finished. `npm run lesson 20 -- --trace`
 * prints every step in between.
 */
import { Writable } from 'node:stream';
import { Resource, Site, escapeHTML, type Request, type SiteOptions } from '../../lib/index.ts';
import type { Try } from '../lesson.ts';

// #region journal
/**
 * Where the access log goes: a stream that keeps the last lines in memory. The Site
 * writes one line per finished request (lib/access-log.ts); this just remembers them.
 */
export class Journal extends Writable {
  readonly lines: string[] = [];
  readonly #keep: number;

  constructor(keep = 20) {
    super();
    this.#keep = keep;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.lines.push(chunk.toString('utf8').trimEnd());
    if (this.lines.length > this.#keep) this.lines.shift();
    done();
  }
}
// #endregion journal

// #region walk-page
/**
 * A leaf below `/walk`: by the time it renders, the Site has read the body, made the
 * Request and walked the tree. It shows what each of those steps left behind.
 */
export class WalkPage extends Resource {
  override isLeaf = true;

  render_GET(request: Request): string {
    return this.#report(request);
  }

  render_POST(request: Request): string {
    return this.#report(request);
  }

  #report(request: Request): string {
    const body = request.content.read().toString('utf8');
    const rows = [
      ['method', request.method],
      ['uri', request.uri],
      ['prepath (used by the walk)', JSON.stringify(request.prepath)],
      ['postpath (left for this leaf)', JSON.stringify(request.postpath)],
      ['body the Site read first', JSON.stringify(body)],
      ['code so far', String(request.code)],
    ];
    // Everything here came from the client, so it is escaped before it goes into HTML.
    const table = rows.map(([k, v]) => `<tr><th>${k}</th><td>${escapeHTML(v!)}</td></tr>`).join('');
    return page(`<table>${table}</table>`);
  }
}
// #endregion walk-page

// #region later-page
/**
 * A leaf that answers from a Promise: `render_GET` returns before the body exists, and
 * the Site sends the body when the Promise resolves. Only then is the request finished
 * and logged.
 */
export class LaterPage extends Resource {
  override isLeaf = true;

  async render_GET(request: Request): Promise<string> {
    const words = await Promise.resolve(request.postpath.filter((s) => s !== ''));
    return page(`Answered after render_GET returned: ${escapeHTML(words.join(' ') || '(nothing asked)')}.`);
  }
}
// #endregion later-page

// #region journal-page
/** `/journal`: the access-log lines so far. This request's own line is not there yet. */
export class JournalPage extends Resource {
  override isLeaf = true;
  readonly #journal: Journal;

  constructor(journal: Journal) {
    super();
    this.#journal = journal;
  }

  render_GET(_request: Request): string {
    const lines = this.#journal.lines.map((l) => escapeHTML(l)).join('\n');
    return page(`<pre>${lines || '(no request has finished yet)'}</pre>`);
  }
}
// #endregion journal-page

// #region create-site
export function createSite(options: SiteOptions = {}): Site {
  const journal = new Journal();
  const root = new Resource();
  root.putChild('', new Home());
  root.putChild('walk', new WalkPage());
  root.putChild('later', new LaterPage());
  root.putChild('journal', new JournalPage(journal));
  return new Site(root, { accessLog: journal, ...options });
}
// #endregion create-site

class Home extends Resource {
  render_GET(_request: Request): string {
    return page('Try <a href="walk/a/b?x=1">/walk/a/b</a>, <a href="later/for/you">/later/for/you</a>, then <a href="journal">/journal</a>.');
  }
}

/** A small, complete HTML page around `body` (which must already be safe HTML). */
function page(body: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Lesson 20</title></head><body>${body}</body></html>`;
}

export const tryThis: Try[] = [
  { note: 'a walk: two segments used, two left for the leaf', path: '/walk/a/b?x=1', expect: { code: 200, bodyIncludes: '[&quot;walk&quot;]' } },
  { note: 'a POST: the Site read the body before the walk began', method: 'POST', path: '/walk/form', form: { name: 'Ada' }, expect: { code: 200, bodyIncludes: 'name=Ada' } },
  { note: 'a Promise: render_GET returned first, the body came later', path: '/later/for/you', expect: { code: 200, bodyIncludes: 'Answered after render_GET returned: for you.' } },
  { note: 'no child named "nowhere": the walk ends at a 404 page', path: '/nowhere', expect: { code: 404 } },
  { note: 'the access log: one line per finished request, this one not yet', path: '/journal', expect: { code: 200, bodyIncludes: 'GET /nowhere HTTP/1.1&quot; 404' } },
];
