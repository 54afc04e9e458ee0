/**
 * @module
 * Request arguments: the query string, and for POST the form body, as
 * `request.args` (a Map from name to every value given).
 *
 * Twisted counterpart: `http.Request.args` built in `requestReceived` by
 * `parse_qs(…, keep_blank_values=1)` and `cgi.parse_multipart`. The rules kept from
 * Twisted: `&` and `;` both separate items, `+` is a space, values are percent-decoded,
 * blank values are kept (`y=` gives `['']`), items with no `=` are dropped, repeated
 * names collect every value, and a form body counts only for POST.
 * Loom differs: values are decoded UTF-8 strings; a multipart field keeps every value
 * (Twisted keeps the last), and uploaded files go to `request.files` with their name and
 * type instead of being mixed into `args` as raw bytes; a form of more than
 * {@link MAX_FORM_FIELDS} fields or parts is refused with 413 (Twisted has no limit, so a
 * 100 MB body of `a=&a=&…` becomes millions of strings, as Django's and PHP's limits stop).
 * Tests: `test/plumbing/args.test.ts`. Lesson 07 (handling-posts) teaches it.
 */

import busboy from 'busboy';
import { LoomError } from '../errors.ts';
import type { Content } from './content.ts';
import { percentDecode } from './url.ts';

/** Request arguments: each name maps to every value given for it, in order. */
export type Args = Map<string, string[]>;

/** A file sent in a `multipart/form-data` body. */
export interface UploadedFile {
  /** The file name the client gave (may be empty). */
  readonly filename: string;
  /** The part's declared type, e.g. `text/plain`. */
  readonly mimeType: string;
  readonly data: Buffer;
}

/**
 * The most fields (or multipart parts) one form may have. Ten times Django's and PHP's
 * 1000, so no real form comes near it; a URL (16 KiB at most) cannot reach it at all.
 */
export const MAX_FORM_FIELDS = 10_000;

// #region args-parse-query
/**
 * Add the `name=value` items of a query string or urlencoded body to `into`.
 * @throws LoomError `LOOM_ERR_BODY_TOO_LARGE` (413) past {@link MAX_FORM_FIELDS} items.
 */
export function parseQueryArgs(query: string, into: Args = new Map()): Args {
  if (query === '') return into;
  let count = 0;
  for (const item of query.split(/[&;]/)) {
    const eq = item.indexOf('=');
    if (eq < 0) continue; // Twisted drops items with no '=' ("z" in "?y=&z").
    if (++count > MAX_FORM_FIELDS) throw tooManyFields();
    const name = decodeFormComponent(item.slice(0, eq));
    const value = decodeFormComponent(item.slice(eq + 1));
    const values = into.get(name);
    if (values === undefined) into.set(name, [value]);
    else values.push(value);
  }
  return into;
}
// #endregion args-parse-query

/**
 * Percent-decode one component of a query string, with `+` as a space. A malformed
 * escape (`%zz`) is kept as written, as Python's `unquote` does, instead of failing.
 */
export function decodeFormComponent(text: string): string {
  const spaced = text.includes('+') ? text.replace(/\+/g, ' ') : text;
  return spaced.includes('%') ? percentDecode(spaced) : spaced;
}

/** What a multipart body holds. */
export interface MultipartForm {
  readonly fields: Args;
  readonly files: Map<string, UploadedFile[]>;
}

// #region args-multipart
/**
 * Parse a `multipart/form-data` body.
 * @throws LoomError `LOOM_ERR_BAD_REQUEST` (400) when the body is not valid multipart,
 * `LOOM_ERR_BODY_TOO_LARGE` (413) past {@link MAX_FORM_FIELDS} parts.
 */
export function parseMultipart(contentType: string, content: Content): Promise<MultipartForm> {
  const fields: Args = new Map();
  const files = new Map<string, UploadedFile[]>();
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: { 'content-type': contentType }, defParamCharset: 'utf8', limits: { parts: MAX_FORM_FIELDS + 1 } }); // busboy reports reaching its limit, so one more than allowed
    } catch (error) {
      reject(badMultipart(error));
      return;
    }
    parser.on('field', (name, value) => append(fields, name, value));
    parser.on('file', (name, stream, info) => {
      const parts: Buffer[] = [];
      stream.on('data', (part: Buffer) => parts.push(part));
      stream.on('end', () => append(files, name, { filename: info.filename ?? '', mimeType: info.mimeType, data: Buffer.concat(parts) }));
    });
    parser.on('partsLimit', () => reject(tooManyFields())); // busboy stops emitting parts; close still comes
    parser.on('error', (error) => reject(badMultipart(error)));
    parser.on('close', () => resolve({ fields, files }));
    parser.end(content.bytes());
  });
}
// #endregion args-multipart

function append<T>(map: Map<string, T[]>, name: string, value: T): void {
  const values = map.get(name);
  if (values === undefined) map.set(name, [value]);
  else values.push(value);
}

function tooManyFields(): LoomError {
  return new LoomError('LOOM_ERR_BODY_TOO_LARGE',
    `The form has more than ${MAX_FORM_FIELDS} fields, more than this server accepts. Send fewer fields (or the data as one JSON body).`, { status: 413 });
}

function badMultipart(error: unknown): LoomError {
  const why = error instanceof Error ? error.message : String(error);
  return new LoomError('LOOM_ERR_BAD_REQUEST', `The multipart/form-data body could not be parsed: ${why}`, { status: 400, cause: error });
}
