/**
 * @module
 * The request, which is also the response: what the client asked for (method, path,
 * headers, arguments, body) and the means to answer it (status, headers, write, finish).
 *
 * Twisted counterpart: `twisted.web.server.Request` and its base `twisted.web.http.Request`.
 * Names are Twisted's (`prepath`, `postpath`, `setResponseCode`, `notifyFinish`,
 * `childLink`, …) so a learner can move between Twisted's docs and Loom's code.
 * Loom differs, on purpose:
 * - strings, not bytes: path segments, args and headers are decoded text, bodies bytes;
 * - `notifyFinish()` is a Promise-like that rejects when the client goes away, but a
 *   rejection nobody asked for (no `catch`, no `await`) is dropped instead of crashing
 *   the process; `request.signal` is the AbortSignal companion;
 * - `finish()` after the client went away logs a warning instead of throwing, because
 *   it is a race with the client, not a bug in the resource;
 * - changing the status or a header after the headers went out throws
 *   `LOOM_ERR_HEADERS_SENT` instead of being silently lost;
 * - `setHost(host, port, false)` can make a request that came over TLS insecure (which
 *   VHostMonster's `http` scheme needs; Twisted patches `isSecure` instead), and an
 *   IPv6 host gets its brackets in the Host header;
 * - `getSession(forceNotSecure)` is not offered: one session cookie per scheme, always;
 * - an absolute-form target (`GET http://host/a`, a forward proxy's request) is walked by
 *   its path, `['a']`; Twisted splits the whole URL (`['ttp:', '', 'host', 'a']`).
 * Why this file is long: a Request is one object with one state (open, writing,
 * finished) that every method reads, as Twisted's is; what does not need that state
 * lives elsewhere (headers, args, URL helpers and body reading in lib/plumbing/, the
 * finish notice in lib/finish-notice.ts, sessions in lib/session/).
 * Tests: `test/request.test.ts`; the whole life of a request is lesson 20 (request-lifecycle).
 */

import { parse as parseCookieHeader } from 'cookie';
import { LoomError } from './errors.ts';
import { Headers } from './plumbing/headers.ts';
import { datetimeToString, hostFromHeader, sanitizeHeaderValue, statusPhrase, stringToDatetime } from './plumbing/http.ts';
import { parseQueryArgs, type Args, type UploadedFile } from './plumbing/args.ts';
import { Content } from './plumbing/content.ts';
import type { Address, Channel } from './plumbing/channel.ts';
import { kCloseWithOwner, kCutOff, kEncodeWith, kFinishWithBody, kNewSession, kPreloadSession, kReject, kRequestFinished, kResolve, kRestoreConnection, kSetForm } from './plumbing/symbols.ts';
import { quoteSegment, splitPath } from './plumbing/url.ts';
import { URLPath } from './plumbing/url-path.ts';
import type { Clock } from './clock.ts';
import { FinishNotice } from './finish-notice.ts';
import type { Logger } from './logger.ts';
import type { ComponentKey } from './session/components.ts';
import { isSessionUid, sessionCookieName, type Session, type SessionStore } from './session/session.ts';
import type { Tracer } from './trace.ts';

/** Returned by `setLastModified` and `setETag` when the client's copy is current (304 or 412 set). */
export const CACHED: unique symbol = Symbol('CACHED');

/** The request line and headers, as Node's `IncomingMessage` carries them. */
export interface RequestHead {
  /** The method exactly as sent (case kept). */
  method: string;
  /** The request target, query string included. */
  url: string;
  /** `1.1`, `1.0`. */
  httpVersion: string;
  /** Header names and values, alternating, in the order received. */
  rawHeaders: string[];
}

/** Options for {@link Request.addCookie}, in the order Twisted writes them. */
export interface CookieOptions {
  expires?: string;
  domain?: string;
  path?: string;
  maxAge?: number | string;
  comment?: string;
  secure?: boolean;
  httpOnly?: boolean;
  sameSite?: 'lax' | 'strict' | 'Lax' | 'Strict';
}

/**
 * What a Request needs from the server that made it. The Site is one; a request made by
 * hand in a test has none. Request depends on this small interface rather than on
 * `Site`, so that the Site (which makes requests) and the Request (which reports back
 * to it) do not import each other.
 */
export interface RequestOwner {
  /** The `Server` header value. */
  readonly serverHeader: string;
  /** Where warnings and failures go. */
  readonly logger: Logger;
  /** Where time comes from. */
  readonly clock: Clock;
  /** Whether a failed render shows its stack. */
  readonly displayTracebacks: boolean;
  /** Receives the steps of the request's walk, or null. */
  readonly tracer: Tracer | null;
  /** Where sessions live. */
  readonly sessions: SessionStore;
  /** Make and store a new session (Twisted's `Site.makeSession`). */
  makeSession(): Session;
  /** Make a new session without storing it: the request stores it when its response is sent. */
  [kNewSession](): Session;
  /** The request has finished: log it, trace it. Only the Request calls it. */
  [kRequestFinished](request: Request): void;
  /** Close `closable` when the owner closes; optional, as an owner made for a test may never close. */
  [kCloseWithOwner]?(closable: { close(): void }): void;
}

type State = 'open' | 'writing' | 'finished';

/** One HTTP request and its response. The Site makes one per request. */
export class Request {
  /** The Site that received this request (null for a request made by hand in a test). */
  readonly site: RequestOwner | null;
  readonly channel: Channel;
  /** The method exactly as sent: `GET`, `POST`, … (`get` stays `get`). */
  method: string;
  /**
   * The request target as sent, query string included: `/search?q=loom`. Writable
   * because `VHostMonsterResource` (lib/vhost.ts) rewrites it, as Twisted's does.
   */
  uri: string;
  /** `uri` up to the first `?`, still percent-encoded. Rewritten with `uri` by `VHostMonsterResource`. */
  path: string;
  /** `HTTP/1.1` or `HTTP/1.0`. */
  readonly clientproto: string;
  /** The decoded segments traversal has consumed so far. */
  prepath: string[];
  /** The decoded segments still to consume. A trailing slash leaves a final `''`. */
  postpath: string[];
  /** The prepath at the moment the Site started traversal (non-empty when a Site is mounted under another). */
  sitepath: string[];
  /** The response status code. */
  code: number;
  /** The response reason phrase (`null` means the standard one for `code`). */
  codeMessage: string | null;
  /** The response headers, to read or change before the first write. */
  readonly responseHeaders: Headers;
  /** `Content-Type` added on the first write when none was set; `null` turns that off. */
  defaultContentType: string | null;
  /** Body bytes written so far (not counting headers). */
  sentLength: number;
  /** Outgoing `Set-Cookie` values, added by `addCookie`. */
  readonly cookies: string[];

  readonly #rawHeaders: string[];
  #requestHeaders: Headers | null = null;
  #content: Content | null;
  #args: Args | null = null;
  #files: Map<string, UploadedFile[]> | null = null;
  #formFields: Args | null = null;
  #receivedCookies: Map<string, string> | null = null;
  #state: State = 'open';
  #lastModified: number | null = null;
  #etag: string | null = null;
  #notice: FinishNotice | null = null;
  #abort: AbortController | null = null;
  #watchingClose = false;
  // Set when the Site gave up waiting for the response: the resource's writes are dropped.
  #cutOff = false;
  // An encoder in front of the channel (lib/encoding/), or null to write to the channel itself.
  #encoder: Channel | null = null;
  // null: the channel says; set when a personal server restores what the front saw.
  #client: Address | null = null;
  #host: Address | null = null;
  // null: the channel says (TLS or not); set by setHost when told the public scheme.
  #secure: boolean | null = null;
  #rootURL: string | null = null;
  #session: Session | null = null;
  // A session this request made: the store keeps it only once the response is sent.
  #sessionIsNew = false;
  // undefined: nothing was preloaded (memory store); null: the store had no such session.
  #preloaded: Session | null | undefined = undefined;

  constructor(site: RequestOwner | null, head: RequestHead, channel: Channel, content: Content | null = null) {
    this.site = site;
    this.channel = channel;
    this.method = head.method;
    this.uri = head.url;
    const q = head.url.indexOf('?');
    this.path = q < 0 ? head.url : head.url.slice(0, q);
    this.clientproto = `HTTP/${head.httpVersion}`;
    this.prepath = [];
    this.postpath = splitPath(this.path);
    this.sitepath = [];
    this.code = 200;
    this.codeMessage = null;
    this.responseHeaders = new Headers();
    this.defaultContentType = 'text/html';
    this.sentLength = 0;
    this.cookies = [];
    this.#rawHeaders = head.rawHeaders;
    this.#content = content;
  }


  /** The request headers (multi-valued, case-insensitive). */
  get requestHeaders(): Headers {
    return (this.#requestHeaders ??= Headers.fromRaw(this.#rawHeaders));
  }

  /** The last value of a request header, or `undefined`. */
  getHeader(name: string): string | undefined {
    return this.requestHeaders.getLast(name);
  }

  /** Every request header, lower-cased name to last value. */
  getAllHeaders(): Map<string, string> {
    const all = new Map<string, string>();
    for (const [name, values] of this.requestHeaders.getAllRawHeaders()) all.set(name.toLowerCase(), values[values.length - 1]!);
    return all;
  }

  /** The request body (empty when none was sent). */
  get content(): Content {
    return (this.#content ??= Content.from());
  }

  // #region request-args
  /**
   * The arguments: from the query string, plus, for a POST, the fields of a
   * urlencoded or multipart form body. Each name maps to every value given.
   */
  get args(): Args {
    if (this.#args === null) this.#args = this.#parseArgs();
    return this.#args;
  }

  #parseArgs(): Args {
    const q = this.uri.indexOf('?');
    const args = q < 0 ? new Map<string, string[]>() : parseQueryArgs(this.uri.slice(q + 1));
    if (this.method !== 'POST') return args;
    if (this.#formFields !== null) {
      for (const [name, values] of this.#formFields) args.set(name, [...(args.get(name) ?? []), ...values]);
    } else if (this.#content !== null && this.#content.length > 0 && isUrlencoded(this.getHeader('content-type'))) {
      parseQueryArgs(this.#content.text(), args);
    }
    return args;
  }
  // #endregion request-args

  /** Files uploaded in a multipart POST body, by field name. */
  get files(): Map<string, UploadedFile[]> {
    return this.#files ?? (this.#files = new Map());
  }

  /** The Site hands over the multipart form it parsed before traversal. */
  [kSetForm](fields: Args, files: Map<string, UploadedFile[]>): void {
    this.#formFields = fields;
    this.#files = files;
    this.#args = null;
  }

  /** The value of a cookie the client sent, or `undefined`. */
  getCookie(name: string): string | undefined {
    return this.receivedCookies.get(name);
  }

  /** Every cookie the client sent, from all its `Cookie` headers. */
  get receivedCookies(): Map<string, string> {
    if (this.#receivedCookies === null) {
      const cookies = new Map<string, string>();
      for (const header of this.requestHeaders.getRawHeaders('cookie') ?? []) {
        // No decoding: a cookie value is handed over as the client sent it, as in Twisted.
        const parsed = parseCookieHeader(header, { decode: (v) => v });
        for (const [k, v] of Object.entries(parsed)) if (v !== undefined) cookies.set(k, v);
      }
      this.#receivedCookies = cookies;
    }
    return this.#receivedCookies;
  }

  /** Who sent the request (behind a personal server's front, the front's client). */
  getClientAddress(): Address {
    return this.#client ?? this.channel.client;
  }

  /** The local address the request arrived on (or the one `setHost` gave). */
  getHost(): Address {
    return this.#host ?? this.channel.host;
  }

  /** True for a request over TLS, unless `setHost` said otherwise (`setHost(…, true)` or `false`). */
  isSecure(): boolean {
    return this.#secure ?? this.channel.secure;
  }

  /** The host name the client asked for: the Host header without its port or IPv6 brackets, else the local address. */
  getRequestHostname(): string {
    const host = this.getHeader('host');
    return host === undefined || host === '' ? this.getHost().host : hostFromHeader(host);
  }

  /**
   * Pretend the request arrived for `host`:`port` (for a server behind a proxy):
   * rewrites the Host header (port omitted when it is the scheme's default), what
   * `getHost()` returns, and, when `secure` is given, what `isSecure()` says. Left out,
   * the connection decides, as in Twisted; `false` makes even a request over TLS
   * insecure, which Twisted's setHost cannot (VHostMonster's `http` scheme needs it).
   * Give an IPv6 address without brackets (`::1`); the Host header gets them.
   */
  setHost(host: string, port: number, secure?: boolean): void {
    this.#secure = secure ?? null;
    const isDefault = port === (this.isSecure() ? 443 : 80);
    // An IPv6 literal needs its brackets in a Host header, or its colons read as a port.
    const name = host.includes(':') ? `[${host}]` : host;
    this.requestHeaders.setRawHeaders('host', [isDefault ? name : `${name}:${port}`]);
    this.#host = { type: host.includes(':') ? 'IPv6' : 'IPv4', host, port };
  }


  // #region request-get-session
  /**
   * The client's session, made (with a cookie naming it) if the client has none yet or
   * names one that does not exist or has expired. Two calls in one request give the same
   * object. With a key, returns that component of the session (Twisted's
   * `getSession(ICounter)`).
   *
   * @throws LoomError `LOOM_ERR_HEADERS_SENT` when a new session would need a cookie but
   * the headers have already gone out: call `getSession()` before the first write.
   */
  getSession(): Session;
  getSession<T>(key: ComponentKey<T>): T | undefined;
  getSession<T>(key?: ComponentKey<T>): Session | T | undefined {
    const session = this.#session ?? (this.#session = this.#findOrMakeSession());
    return key === undefined ? session : session.getComponent(key);
  }

  /** The session this request has already looked up or made, or `null`. */
  get session(): Session | null {
    return this.#session;
  }

  #findOrMakeSession(): Session {
    const site = this.site;
    if (site === null) {
      throw new LoomError('LOOM_ERR_INVALID_ARGUMENT', 'request.getSession() needs a Site; make the request with a Site (makeRequest(options, site)).');
    }
    const cookieName = sessionCookieName(this.isSecure(), this.sitepath);
    const uid = this.getCookie(cookieName);
    if (uid !== undefined && isSessionUid(uid)) {
      const found = this.#preloaded !== undefined ? this.#preloaded : site.sessions.find(uid);
      // A remote store is always preloaded, so find() here is the memory store's, synchronous.
      if (found !== null && found !== undefined && !(found instanceof Promise) && !found.expired) {
        found.touch();
        return found;
      }
    }
    this.#assertNotStarted('start a session (its cookie is a header)');
    // Not stored yet: a client that goes away before the response leaves nothing behind.
    const session = site[kNewSession]();
    this.#sessionIsNew = true;
    this.addCookie(cookieName, session.uid, { path: '/', secure: this.isSecure(), httpOnly: true, sameSite: 'lax' });
    return session;
  }
  // #endregion request-get-session

  /**
   * A personal server puts back the connection the front server's request came on, so
   * that `getClientAddress()`, `getHost()` and `isSecure()` answer as they did there
   * (Twisted copies them onto the remote request). The Host header is left as sent.
   */
  [kRestoreConnection](client: Address, host: Address, secure: boolean): void {
    this.#client = client;
    this.#host = host;
    this.#secure = secure;
  }

  /** The Site hands over what a remote store had for the cookie (null: nothing). */
  [kPreloadSession](session: Session | null): void {
    this.#preloaded = session;
  }


  // #region request-prepath-url
  /**
   * The absolute URL of the resource that traversal has reached: scheme, the host the
   * client asked for, the port the request really arrived on (Twisted's rule, kept:
   * the Host header's port is not trusted), then the prepath segments, re-quoted.
   */
  prePathURL(): string {
    const secure = this.isSecure();
    const port = this.getHost().port;
    const defaultPort = secure ? 443 : 80;
    let host = this.getRequestHostname();
    if (host.includes(':')) host = `[${host}]`;
    const portPart = port === defaultPort || port === 0 ? '' : `:${port}`;
    return `${secure ? 'https' : 'http'}://${host}${portPart}/${this.prepath.map(quoteSegment).join('/')}`;
  }
  // #endregion request-prepath-url

  /** A {@link URLPath} for `prePathURL()`, for building links relative to this resource. */
  URLPath(): URLPath {
    return URLPath.fromString(this.prePathURL());
  }

  /** Remember `prePathURL()` less its last segment as the application's root URL. */
  rememberRootURL(): void {
    const url = this.prePathURL();
    this.#rootURL = url.slice(0, url.lastIndexOf('/'));
  }

  /** The URL saved by `rememberRootURL`, or `null`. */
  getRootURL(): string | null {
    return this.#rootURL;
  }

  /** A relative link to the child `name` of the resource being rendered. */
  childLink(name: string): string {
    const left = this.postpath.length;
    if (left > 1) return '../'.repeat(left - 1) + name;
    if (left === 1) return name;
    const last = this.prepath[this.prepath.length - 1];
    return last !== undefined && last !== '' ? `${last}/${name}` : name;
  }

  /** A relative link to the sibling `name` of the resource being rendered. */
  sibLink(name: string): string {
    return '../'.repeat(this.postpath.length) + name;
  }


  // #region request-set-response-code
  /** Set the status code, and optionally a reason phrase other than the standard one. */
  setResponseCode(code: number, message?: string): void {
    if (!Number.isInteger(code) || code < 100 || code > 999) {
      throw new LoomError('LOOM_ERR_INVALID_ARGUMENT', `A status code must be a whole number from 100 to 999, got ${String(code)}.`);
    }
    this.#assertNotStarted('set the status code');
    this.code = code;
    this.codeMessage = message ?? null;
  }

  /** Set a response header, replacing any value it had. */
  setHeader(name: string, value: string | number): void {
    this.#assertNotStarted(`set the "${name}" header`);
    this.responseHeaders.setRawHeaders(name, [String(value)]);
  }
  // #endregion request-set-response-code

  /** Answer with a 302 redirect to `url`. The body is yours to write (see `redirectTo`). */
  redirect(url: string): void {
    this.setResponseCode(302);
    this.setHeader('location', url);
  }

  /**
   * Add a `Set-Cookie` header. `;`, CR and LF in any value become spaces, so a value
   * cannot add attributes or headers of its own.
   */
  addCookie(name: string, value: string, options: CookieOptions = {}): void {
    let cookie = `${sanitizeCookie(name)}=${sanitizeCookie(value)}`;
    if (options.expires !== undefined) cookie += `; Expires=${sanitizeCookie(options.expires)}`;
    if (options.domain !== undefined) cookie += `; Domain=${sanitizeCookie(options.domain)}`;
    if (options.path !== undefined) cookie += `; Path=${sanitizeCookie(options.path)}`;
    if (options.maxAge !== undefined) cookie += `; Max-Age=${sanitizeCookie(String(options.maxAge))}`;
    if (options.comment !== undefined) cookie += `; Comment=${sanitizeCookie(options.comment)}`;
    if (options.secure === true) cookie += '; Secure';
    if (options.httpOnly === true) cookie += '; HttpOnly';
    if (options.sameSite !== undefined) {
      const same = String(options.sameSite).toLowerCase();
      if (same !== 'lax' && same !== 'strict') {
        throw new LoomError('LOOM_ERR_INVALID_ARGUMENT', `sameSite must be "lax" or "strict", got "${options.sameSite}".`);
      }
      cookie += `; SameSite=${same}`;
    }
    this.cookies.push(sanitizeHeaderValue(cookie));
  }

  // #region request-conditional
  /**
   * Say when the resource last changed (a Date, or milliseconds since the epoch). The
   * latest of several calls wins. When the client's `If-Modified-Since` is at or after
   * it, the status becomes 304 and `CACHED` is returned: send no body.
   */
  setLastModified(when: Date | number): typeof CACHED | null {
    const seconds = Math.ceil((typeof when === 'number' ? when : when.getTime()) / 1000);
    if (this.#lastModified === null || seconds > this.#lastModified) this.#lastModified = seconds;
    const since = this.getHeader('if-modified-since');
    if (since === undefined) return null;
    const sinceSeconds = stringToDatetime(since.split(';')[0]!);
    if (sinceSeconds !== null && sinceSeconds >= this.#lastModified) {
      this.setResponseCode(304);
      return CACHED;
    }
    return null;
  }

  /**
   * Set the entity tag. When the client's `If-None-Match` names it (or is `*`), the
   * status becomes 304 for GET and HEAD, 412 for other methods, and `CACHED` is returned.
   */
  setETag(tag: string): typeof CACHED | null {
    this.#etag = tag;
    const match = this.getHeader('if-none-match');
    if (match === undefined) return null;
    // If-None-Match uses the weak comparison (RFC 9110 §13.1.2): W/"x" and "x" match.
    const opaque = weakless(tag);
    if (match.split(/[\s,]+/).some((t) => t === '*' || (t !== '' && weakless(t) === opaque))) {
      this.setResponseCode(this.method === 'GET' || this.method === 'HEAD' ? 304 : 412);
      return CACHED;
    }
    return null;
  }
  // #endregion request-conditional

  /** True once the first write (or finish) has sent the headers. */
  get startedWriting(): boolean {
    return this.#state !== 'open';
  }

  /** True once `finish()` has been called. */
  get finished(): boolean {
    return this.#state === 'finished';
  }

  // #region request-write-finish
  /**
   * Send body bytes (text goes as UTF-8). The first write sends the status and headers.
   * Returns false when the outgoing buffer is full: a resource streaming a lot should
   * then wait for `waitForDrain()`. For HEAD, 204 and 304 the bytes are dropped.
   *
   * @throws LoomError `LOOM_ERR_WRITE_AFTER_FINISH` after `finish()`.
   */
  write(data: string | Uint8Array): boolean {
    if (this.#cutOff) return true; // The Site answered 503 for us; nobody wants this now.
    if (this.#state === 'finished') {
      throw new LoomError('LOOM_ERR_WRITE_AFTER_FINISH',
        `request.write() was called after request.finish() for ${this.method} ${this.uri}. Write everything first, then finish once.`);
    }
    if (this.channel.lost) return true; // The client left; nobody will read it (Twisted ignores it too).
    if (this.#state === 'open') this.#sendHeaders();
    if (this.#isBodiless()) return true;
    this.sentLength += typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    return this.#out.write(data);
  }

  /** Resolves when the outgoing buffer has room again (at once when it already has). */
  waitForDrain(): Promise<void> {
    return new Promise((resolve) => this.#out.onDrain(resolve));
  }

  /**
   * End the response. Sends the headers first if nothing was written. Calling it twice
   * logs a warning; calling it after the client left logs one too (Twisted raises
   * there, which in a timer callback would take the whole server down).
   */
  finish(): void {
    if (this.#cutOff) return;
    if (this.#state === 'finished') {
      this.#warn(`request.finish() was called twice for ${this.method} ${this.uri}; the second call did nothing.`);
      return;
    }
    if (this.channel.lost) {
      this.#warn(`request.finish() was called for ${this.method} ${this.uri} after the client went away. Use request.notifyFinish() or request.signal to stop work for clients that leave.`);
      this.#state = 'finished';
      this.#content?.close();
      return;
    }
    if (this.#state === 'open') this.#sendHeaders();
    this.#state = 'finished';
    this.#endAfterSave(undefined);
  }

  /** The renderer's one-call answer: headers, whole body, end. */
  [kFinishWithBody](body: Uint8Array | string): void {
    if (this.channel.lost || this.#state === 'finished') return;
    const length = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    if (this.#state === 'open') {
      if (!this.responseHeaders.hasHeader('content-length')) this.responseHeaders.setTrusted('content-length', String(length));
      this.#sendHeaders();
    }
    this.#state = 'finished';
    if (this.#isBodiless()) {
      this.#endAfterSave(undefined);
    } else {
      this.sentLength += length;
      this.#endAfterSave(body);
    }
  }
  // #endregion request-write-finish

  // #region request-notify-finish
  /**
   * A promise-like that resolves when the response has been finished and rejects (with a
   * `LOOM_ERR_CONNECTION_LOST` error) when the client goes away first. Twisted's
   * `notifyFinish()` Deferred. Only handlers that ask for the rejection (`catch`, a second
   * `then` argument, `await`) see it, so a resource that forgets cannot crash the server.
   */
  notifyFinish(): FinishNotice {
    if (this.#notice === null) {
      this.#notice = new FinishNotice();
      if (this.#state === 'finished' && !this.channel.lost) this.#notice[kResolve]();
      else this.#watchClose();
    }
    return this.#notice;
  }

  /** An AbortSignal that aborts when the client goes away before the response is finished. */
  get signal(): AbortSignal {
    if (this.#abort === null) {
      this.#abort = new AbortController();
      this.#watchClose();
    }
    return this.#abort.signal;
  }

  #watchClose(): void {
    if (this.#watchingClose) return;
    this.#watchingClose = true;
    this.channel.onClose((lost) => {
      if (lost && this.#state !== 'finished') this.connectionLost();
    });
  }

  /** The connection went away before `finish()`: reject `notifyFinish`, abort `signal`, free the body. */
  connectionLost(): void {
    const error = new LoomError('LOOM_ERR_CONNECTION_LOST', `The client went away before the response to ${this.method} ${this.uri} was finished.`);
    this.#notice?.[kReject](error);
    this.#abort?.abort(error);
    this.#content?.close();
  }
  // #endregion request-notify-finish

  /**
   * The Site stopped waiting for this response (its `responseTimeout`) and is answering
   * 503 itself: tell the resource as a lost client is told, and drop its later writes.
   */
  [kCutOff](error: LoomError): void {
    this.#cutOff = true;
    this.#notice?.[kReject](error);
    this.#abort?.abort(error);
  }

  /**
   * Send the response through `wrap(channel)` instead of straight to the channel: an
   * encoder that compresses the body on its way out. Only before the headers are sent,
   * and only once: a request that has an encoder keeps it, and `wrap` is not called
   * (false), so a wrapper rendered inside another compresses nothing twice.
   */
  [kEncodeWith](wrap: (out: Channel) => Channel): boolean {
    this.#assertNotStarted('add a content encoder');
    if (this.#encoder !== null) return false;
    this.#encoder = wrap(this.channel);
    return true;
  }

  /** Where the response goes: the encoder when one was added, else the channel itself. */
  get #out(): Channel {
    return this.#encoder ?? this.channel;
  }

  /** Close the connection after what was written so far, abandoning the response (the client sees it cut short). */
  loseConnection(): void {
    this.channel.abort();
  }


  // #region request-send-headers
  #sendHeaders(): void {
    this.#state = 'writing';
    const headers = this.responseHeaders;
    if (this.#lastModified !== null && !headers.hasHeader('last-modified')) {
      headers.setRawHeaders('last-modified', [datetimeToString(this.#lastModified)]);
    }
    if (this.#etag !== null) headers.setRawHeaders('etag', [this.#etag]);
    if (this.defaultContentType !== null && !headers.hasHeader('content-type') && this.code !== 204 && this.code !== 304 &&
        headers.getLast('content-length') !== '0') {
      headers.setTrusted('content-type', this.defaultContentType);
    }
    const flat: string[] = [];
    const server = this.site?.serverHeader;
    if (server !== undefined && !headers.hasHeader('server')) flat.push('Server', server);
    headers.flattenInto(flat);
    for (const cookie of this.cookies) flat.push('Set-Cookie', cookie);
    this.#out.writeHead(this.code, this.codeMessage ?? statusPhrase(this.code), flat);
  }
  // #endregion request-send-headers

  // #region request-end-after-save
  /**
   * Write the session back, then end the response. A session made by this request joins
   * its store only now, when its cookie goes out: a request whose client never comes
   * back costs the store nothing. A store outside this process answers with a Promise,
   * and the response ends when it settles: until the client has the end of this
   * response it cannot send the next one, so that one finds the session saved, whichever
   * process serves it. The memory store (and a request with no session) ends at once.
   */
  #endAfterSave(last: Uint8Array | string | undefined): void {
    const saving = this.#saveSession();
    if (saving === undefined) {
      this.#out.end(last);
      this.#finished();
      return;
    }
    void saving.then(() => {
      this.#out.end(last);
      this.#finished();
    });
  }

  #saveSession(): Promise<void> | undefined {
    if (this.#session === null || this.#session.expired || this.site === null) return undefined;
    if (this.#sessionIsNew) this.site.sessions.add(this.#session);
    const saving = this.site.sessions.save(this.#session);
    return saving instanceof Promise ? saving : undefined;
  }
  // #endregion request-end-after-save

  #isBodiless(): boolean {
    return this.method === 'HEAD' || this.code === 204 || this.code === 304;
  }

  #finished(): void {
    this.#content?.close();
    this.#notice?.[kResolve]();
    this.site?.[kRequestFinished](this);
  }

  #assertNotStarted(what: string): void {
    if (this.#state !== 'open') {
      throw new LoomError('LOOM_ERR_HEADERS_SENT',
        `Cannot ${what} for ${this.method} ${this.uri}: the headers were already sent by the first write(). Set the status and headers before writing.`);
    }
  }

  #warn(message: string): void {
    this.site?.logger.warn(message);
  }
}


/** An entity tag without its weakness marker: `W/"x"` → `"x"`. */
function weakless(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}

function isUrlencoded(contentType: string | undefined): boolean {
  return contentType !== undefined && contentType.split(';')[0]!.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

function sanitizeCookie(value: string): string {
  return value.replace(/[;\r\n]/g, ' ');
}
