/**
 * Lesson 25 · Running a server.
 *
 * The site a real server runs: `/` says how this request reached it (which protocol,
 * whether over TLS, which host and port), so the same page shows the difference
 * between `http://…:8025/`, `https://…:8443/` over HTTP/1.1 and the same port over
 * HTTP/2; `/slow?seconds=N` takes N seconds to answer, to watch a graceful shutdown
 * let it finish.
 *
 * `npm run lesson 25` serves it on one plain port. The lesson runs it the ways an
 * operator does: `loom web --class` with TLS, and `loom --config site.config.ts` on
 * several ports at once.
 */
import { NOT_DONE_YET, Resource, Site, escapeHTML, realClock, type Clock, type Request, type SiteOptions } from '../../lib/index.ts';
import type { Try } from '../lesson.ts';

// #region how-page
/** Says how the request came: the protocol, TLS or not, and the address it was sent to. */
export class HowPage extends Resource {
  override isLeaf = true;

  render_GET(request: Request): string {
    const host = request.getHost();
    const rows = [
      ['protocol', request.clientproto],
      ['over TLS (isSecure)', request.isSecure() ? 'yes' : 'no'],
      ['Host header', request.getHeader('host') ?? '(none)'],
      ['reached port', host.type === 'UNIX' ? host.host : String(host.port)],
    ];
    // The Host header is the client's choice: escape it before it goes into HTML.
    const table = rows.map(([k, v]) => `<tr><th>${k}</th><td>${escapeHTML(v!)}</td></tr>`).join('');
    return page(`<table>${table}</table>`);
  }
}
// #endregion how-page

// #region slow-page
/**
 * Answers after `?seconds=N` (at most 30). Stop the server while one is in flight: the
 * server stops accepting at once, but this request still gets its answer.
 */
export class SlowPage extends Resource {
  override isLeaf = true;
  readonly #clock: Clock;

  constructor(clock: Clock) {
    super();
    this.#clock = clock;
  }

  render_GET(request: Request): typeof NOT_DONE_YET {
    const asked = Number(request.args.get('seconds')?.[0] ?? '3');
    const seconds = Number.isFinite(asked) ? Math.min(Math.max(asked, 0), 30) : 3;
    const call = this.#clock.callLater(seconds, () => {
      request.write(page(`Done, after ${seconds} s.`));
      request.finish();
    });
    // A client that gives up should not leave a timer behind.
    request.notifyFinish().then(undefined, () => call.cancel());
    return NOT_DONE_YET;
  }
}
// #endregion slow-page

// #region create-site
export function createSite(options: SiteOptions = {}): Site {
  const root = new Resource();
  root.putChild('', new HowPage());
  root.putChild('slow', new SlowPage(options.clock ?? realClock));
  return new Site(root, options);
}
// #endregion create-site

/** For `loom web --class lessons/25-running-a-server/example.ts:Root`: the same tree as a class. */
export class Root extends Resource {
  constructor() {
    super();
    this.putChild('', new HowPage());
    this.putChild('slow', new SlowPage(realClock));
  }
}

/** A small, complete HTML page around `body` (which must already be safe HTML). */
function page(body: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Lesson 25</title></head><body>${body}</body></html>`;
}

export const tryThis: Try[] = [
  { note: 'how this request came: HTTP/1.1, no TLS', path: '/', expect: { code: 200, bodyIncludes: 'HTTP/1.1' } },
  { note: 'a slow answer (here at once); try seconds=10 and stop the server meanwhile', path: '/slow?seconds=0', expect: { code: 200, bodyIncludes: 'Done, after 0 s.' } },
];
