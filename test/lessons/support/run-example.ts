/**
 * Helpers for the lesson tests: start a lesson's example the way `npm run lesson NN`
 * does (its own `createSite`, listening on a free loopback port), send the requests its
 * `tryThis` list documents over a real socket, and stop it again.
 */
import { request as httpRequest } from 'node:http';
import type { SiteOptions } from '../../../lib/index.ts';
import { memoryLogger } from '../../../lib/testing.ts';
import { headersFor, type LessonExample, type Try } from '../../../lessons/lesson.ts';

/** A running example. */
export interface RunningExample {
  /** `http://127.0.0.1:PORT/` */
  readonly url: string;
  /** Stop listening and close the site. */
  close(): Promise<void>;
}

/**
 * Build the example's site with `options` (a quiet logger unless one is given, so a
 * lesson that shows a 500 does not print a stack into the test output) and listen on
 * port 0.
 */
export async function startExample(example: LessonExample, options: SiteOptions = {}): Promise<RunningExample> {
  const site = await example.createSite({ logger: memoryLogger(), ...options });
  const port = await site.listen('tcp:0:interface=127.0.0.1');
  return { url: port.url, close: () => site.close() };
}

/** What came back for one request. */
export interface Answer {
  readonly status: number;
  readonly headers: globalThis.Headers;
  readonly text: string;
}

/** Send one documented request to the example at `baseUrl` (which ends with `/`), as the curl line the lesson shows would. */
export async function send(t: Try, baseUrl: string): Promise<Answer> {
  const headers = new globalThis.Headers(headersFor(t, baseUrl));
  let body: string | undefined = t.body;
  if (t.form !== undefined) {
    body = new URLSearchParams(t.form).toString();
    headers.set('content-type', 'application/x-www-form-urlencoded');
  }
  const url = new URL(t.path, baseUrl);
  const method = t.method ?? (body !== undefined ? 'POST' : 'GET'); // as curl: -d means POST
  if (headers.has('host')) return sendWithHost(url, method, headers, body);
  const response = await fetch(url, { method, headers, body, redirect: 'manual' });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/**
 * Send a request whose `Host` header is not the URL's, as `curl -H 'Host: …'` does. Not
 * with fetch: it drops a `Host` header it is given and sends the URL's, which would
 * test a virtual host lesson (24) against the wrong name.
 */
function sendWithHost(url: URL, method: string, headers: globalThis.Headers, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method, headers: Object.fromEntries(headers) }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const received = new globalThis.Headers();
        for (const [name, value] of Object.entries(response.headers)) {
          for (const v of Array.isArray(value) ? value : [value ?? '']) received.append(name, v);
        }
        resolve({ status: response.statusCode ?? 0, headers: received, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** A test title for a documented request: `GET /foo (what it shows)`. */
export function titleOf(t: Try): string {
  return `${t.method ?? 'GET'} ${t.path} answers as the lesson says (${t.note})`;
}
