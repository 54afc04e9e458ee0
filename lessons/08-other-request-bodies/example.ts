/**
 * Lesson 08 · Other request bodies.
 *
 * Not every body is a form. `request.content` is the body itself, whatever its format:
 * `/echo` shows it as text, `/sum` parses it as JSON and answers in JSON, and `/digest`
 * reads it as raw bytes, piece by piece, the way you would read a file.
 */
import { createHash } from 'node:crypto';
import { Resource, Site, escapeHTML, type Request, type SiteOptions } from '../../lib/index.ts';
import type { Try } from '../lesson.ts';

// #region echo-page
/** Shows whatever body was sent, as text. Answers POST and PUT alike. */
export class EchoPage extends Resource {
  render_POST(request: Request): string {
    const text = request.content.text(); // The whole body, decoded as UTF-8.
    return `<html><body>You submitted: ${escapeHTML(text)}</body></html>`;
  }

  render_PUT(request: Request): string {
    return this.render_POST(request);
  }
}
// #endregion echo-page

// #region sum-page
/** Adds up `{"numbers": [...]}` and answers `{"sum": ...}`. */
export class SumPage extends Resource {
  render_POST(request: Request): string {
    // json() throws a 400 error when the body is not JSON; the Site turns it into a 400 page.
    const data = request.content.json();
    request.setHeader('content-type', 'application/json');
    const numbers = (data as { numbers?: unknown } | null)?.numbers;
    if (!Array.isArray(numbers) || !numbers.every((n) => typeof n === 'number')) {
      request.setResponseCode(400);
      return JSON.stringify({ error: 'Send an object with a list of numbers, like {"numbers": [1, 2, 3]}.' });
    }
    return JSON.stringify({ sum: numbers.reduce((total: number, n: number) => total + n, 0) });
  }
}
// #endregion sum-page

// #region digest-page
/** Answers the size and SHA-256 of the body's bytes, reading them a piece at a time. */
export class DigestPage extends Resource {
  render_POST(request: Request): string {
    const hash = createHash('sha256');
    // read(n) moves through the body like a file; it returns an empty Buffer at the end.
    for (let piece = request.content.read(64 * 1024); piece.length > 0; piece = request.content.read(64 * 1024)) {
      hash.update(piece);
    }
    request.setHeader('content-type', 'text/plain; charset=utf-8');
    return `${request.content.length} bytes, sha256 ${hash.digest('hex')}\n`;
  }
}
// #endregion digest-page

// #region create-site
/** The site: one page per way of reading a body. */
export function createSite(options: SiteOptions = {}): Site {
  const root = new Resource();
  root.putChild('', new HomePage());
  root.putChild('echo', new EchoPage());
  root.putChild('sum', new SumPage());
  root.putChild('digest', new DigestPage());
  return new Site(root, options);
}
// #endregion create-site

/** The home page, saying what to send where. */
class HomePage extends Resource {
  render_GET(_request: Request): string {
    return '<html><body>POST a body to /echo, JSON to /sum, or anything to /digest.</body></html>';
  }
}

const textPlain = { 'content-type': 'text/plain' };
const json = { 'content-type': 'application/json' };

export const tryThis: Try[] = [
  { note: 'what to try', path: '/', expect: { code: 200, bodyIncludes: 'POST a body' } },
  { note: 'a body that is not a form, as text', method: 'POST', path: '/echo', headers: textPlain, body: 'Hello, body!', expect: { code: 200, bodyIncludes: 'You submitted: Hello, body!' } },
  { note: 'PUT carries a body too', method: 'PUT', path: '/echo', headers: textPlain, body: 'put <this>', expect: { code: 200, bodyIncludes: 'You submitted: put &lt;this&gt;' } },
  { note: 'a JSON body, a JSON answer', method: 'POST', path: '/sum', headers: json, body: '{"numbers": [1, 2, 3.5]}', expect: { code: 200, bodyIncludes: '{"sum":6.5}' } },
  { note: 'JSON, but not the shape asked for: 400', method: 'POST', path: '/sum', headers: json, body: '{"numbers": [1, "two"]}', expect: { code: 400, bodyIncludes: '"error"' } },
  { note: 'not JSON at all: json() answers 400', method: 'POST', path: '/sum', headers: json, body: '{"numbers": [1, 2', expect: { code: 400, bodyIncludes: 'not valid JSON' } },
  { note: 'raw bytes, read a piece at a time', method: 'POST', path: '/digest', body: 'abc', expect: { code: 200, bodyIncludes: '3 bytes, sha256 ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' } },
];
