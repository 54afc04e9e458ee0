/**
 * What every lesson's `example.ts` provides, so that `npm run lesson NN` can run it and
 * the tests can check it.
 *
 * An example exports:
 * - `createSite(options)`: builds its `Site`, passing `options` through (the runner adds
 *   a tracer for `--trace`; tests add a fake clock or a quiet logger);
 * - `tryThis`: the requests the lesson suggests, which the runner prints as curl
 *   commands and the lesson tests send for real;
 * - optionally `needs`: programs the example runs (lesson 31's nginx and redis-server),
 *   which the runner checks for first, saying how to install the missing ones, and
 *   without which the lesson tests skip (or, under CI, fail).
 *
 * The runner (tools/lesson.ts) calls `site.listen('tcp:PORT:interface=127.0.0.1')`, prints
 * `Listening on http://127.0.0.1:PORT/` and the requests to try, and closes the site on
 * Ctrl-C. The default PORT of lesson NN is 8000 + NN.
 */
import type { Site, SiteOptions } from '../lib/index.ts';

/** One request a lesson suggests trying. */
export interface Try {
  /** What the request shows, in a few words. */
  readonly note: string;
  /** @default 'GET' */
  readonly method?: string;
  /** The path and query, starting with `/`. */
  readonly path: string;
  /** `{base}` in a value stands for the server's own URL (`http://127.0.0.1:PORT/`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** A raw body. */
  readonly body?: string;
  /** A urlencoded form body (sets the Content-Type). */
  readonly form?: Readonly<Record<string, string>>;
  /** What the lesson promises comes back; the lesson tests check it. */
  readonly expect?: { readonly code?: number; readonly bodyIncludes?: string };
  /** True when this is best opened in a browser rather than with curl. */
  readonly browser?: boolean;
}

/** A program an example runs, and how to install it. */
export interface Need {
  /** As it is called on the PATH (or in /usr/sbin): `nginx`. */
  readonly program: string;
  /** How to install it, for the message when it is missing. */
  readonly install: string;
}

/** The shape of a lesson's `example.ts` module. */
export interface LessonExample {
  createSite(options?: SiteOptions): Site | Promise<Site>;
  readonly tryThis: readonly Try[];
  readonly needs?: readonly Need[];
}

/** `t`'s headers with `{base}` replaced by `baseUrl`, so a Referer follows PORT. */
export function headersFor(t: Try, baseUrl: string): Record<string, string> {
  return Object.fromEntries(Object.entries(t.headers ?? {}).map(([name, value]) => [name, value.replaceAll('{base}', baseUrl)]));
}

/** The curl command for `t` against a server at `baseUrl` (which ends with `/`). */
export function curlFor(t: Try, baseUrl: string): string {
  const url = baseUrl.replace(/\/$/, '') + t.path;
  const method = t.method ?? 'GET';
  const sendsData = Object.keys(t.form ?? {}).length > 0 || t.body !== undefined;
  const parts = ['curl', method === 'HEAD' ? '-I' : '-i'];
  // curl already uses POST when it sends data, and GET/HEAD otherwise.
  if (method !== 'GET' && method !== 'HEAD' && !(method === 'POST' && sendsData)) parts.push('-X', method);
  for (const [name, value] of Object.entries(headersFor(t, baseUrl))) parts.push('-H', quote(`${name}: ${value}`));
  for (const [name, value] of Object.entries(t.form ?? {})) parts.push('--data-urlencode', quote(`${name}=${value}`));
  if (t.body !== undefined) parts.push('--data-binary', quote(t.body));
  parts.push(quote(url));
  return parts.join(' ');
}

function quote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
