/**
 * @module
 * Small HTTP facts the rest of the library shares: status phrases, HTTP dates and the
 * spelling of header names on the wire.
 *
 * Twisted counterpart: the module-level tables and helpers of `twisted.web.http`
 * (`RESPONSES`, `datetimeToString`, `stringToDatetime`) and the name canonicalisation of
 * `twisted.web.http_headers`. Parsing the protocol itself is Node's job (`node:http`),
 * not Loom's. Tests: `test/plumbing/http.test.ts`.
 */

import { STATUS_CODES } from 'node:http';
import { memoized } from './memo.ts';

/** The methods that can get a 405 with an `Allow` header; any other unsupported method gets 501. */
export const SUPPORTED_METHODS: readonly string[] = ['GET', 'HEAD', 'POST'];

/**
 * The reason phrase for a status code, as `setResponseCode` uses by default.
 * Unknown codes get "Unknown Status", as in Twisted.
 */
export function statusPhrase(code: number): string {
  return STATUS_CODES[code] ?? 'Unknown Status';
}

// #region http-dates
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Format seconds since the epoch as an RFC 1123 date in GMT: `Sun, 06 Nov 1994 08:49:37 GMT`. */
export function datetimeToString(seconds: number): string {
  const d = new Date(Math.floor(seconds) * 1000);
  return `${DAYS[d.getUTCDay()]}, ${pad2(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} GMT`;
}

/**
 * Parse an HTTP date in any of the three forms RFC 9110 §5.6.7 requires a recipient to
 * accept (RFC 1123, RFC 850, asctime) and return seconds since the epoch, or `null` when
 * it is not a valid date. Like Twisted, years before 1970 are refused.
 */
export function stringToDatetime(text: string): number | null {
  const parts = text.trim().split(/[\s,]+/);
  let day: string | undefined, month: string | undefined, year: string | undefined, time: string | undefined;
  if (parts.length === 6 && /^\d{1,2}$/.test(parts[1] ?? '') && parts[5] === 'GMT') {
    [, day, month, year, time] = parts; // RFC 1123: Sun, 06 Nov 1994 08:49:37 GMT
  } else if (parts.length === 4 && parts[1]?.includes('-')) {
    [day, month, year] = parts[1].split('-'); // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
    time = parts[2];
    if (year !== undefined && year.length === 2) year = String(Number(year) < 70 ? 2000 + Number(year) : 1900 + Number(year));
  } else if (parts.length === 5) {
    [, month, day, time, year] = parts; // asctime: Sun Nov  6 08:49:37 1994
  } else {
    return null;
  }
  return fromFields(day, month, year, time);
}

function fromFields(day?: string, month?: string, year?: string, time?: string): number | null {
  const m = MONTHS.indexOf(month ?? '');
  const clock = /^(\d\d):(\d\d):(\d\d)$/.exec(time ?? '');
  if (m < 0 || clock === null || !/^\d{1,2}$/.test(day ?? '') || !/^\d{4}$/.test(year ?? '')) return null;
  const y = Number(year);
  if (y < 1970) return null;
  const ms = Date.UTC(y, m, Number(day), Number(clock[1]), Number(clock[2]), Number(clock[3]));
  return Number.isNaN(ms) ? null : ms / 1000;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
// #endregion http-dates

// #region http-header-names
/** Header names whose usual spelling is not simply "Each-Word-Capitalised". */
const SPECIAL_NAMES = new Map([
  ['content-md5', 'Content-MD5'], ['dnt', 'DNT'], ['etag', 'ETag'], ['p3p', 'P3P'],
  ['te', 'TE'], ['www-authenticate', 'WWW-Authenticate'], ['x-xss-protection', 'X-XSS-Protection'],
]);

// Header names repeat endlessly (the same dozen on every response), so each is spelled
// once and remembered, the first thousand of them: a client inventing names cannot grow it.
const spelledAs = memoized((lower) => SPECIAL_NAMES.get(lower) ??
  lower.split('-').map((w) => (w === '' ? w : w[0]!.toUpperCase() + w.slice(1))).join('-'), 1000);

/**
 * The host name in a Host header value, as the client wrote it: the port cut off and an
 * IPv6 literal's brackets removed. `example.org:8080` → `example.org`, `[::1]:8080` →
 * `::1`. (Cutting at the first colon, as Twisted does, would leave `[` of an IPv6 host.)
 */
export function hostFromHeader(value: string): string {
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end < 0 ? value.slice(1) : value.slice(1, end);
  }
  const colon = value.indexOf(':');
  return colon < 0 ? value : value.slice(0, colon);
}

/**
 * The spelling Loom sends a header name in: `content-type` → `Content-Type`, with
 * Twisted's special cases (`ETag`, `WWW-Authenticate`, …). Header names are
 * case-insensitive, so this is for readability on the wire, not correctness.
 */
export function canonicalHeaderName(name: string): string {
  return spelledAs(name.toLowerCase());
}
// #endregion http-header-names

/**
 * Make a header value safe to send. CR and LF become spaces, so a value taken from a
 * client can never start a new header line (response splitting), as Twisted's `Headers`
 * does; other control characters (NUL, ESC, DEL) become spaces too. A character above
 * U+00FF goes out as its UTF-8 bytes: Node writes header values byte per character and
 * throws on anything it cannot (ERR_INVALID_CHAR), which, thrown while a response is
 * sent, would end the whole process: `?next=%C4%8D` echoed into a Location header was
 * enough to crash a server.
 */
export function sanitizeHeaderValue(value: string): string {
  if (!UNSENDABLE.test(value)) return value; // the common case: nothing to change, no copy
  return value.replace(/\r\n/g, ' ').replace(/[\x00-\x08\x0a-\x1f\x7f]/g, ' ')
    .replace(/[^\x00-\xff]+/g, (wide) => Buffer.from(wide, 'utf8').toString('latin1'));
}

/** What Node refuses in a header value (its `checkInvalidHeaderChar`), or Loom turns into a space. */
const UNSENDABLE = /[^\t\x20-\x7e\x80-\xff]/;
