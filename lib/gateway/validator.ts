/**
 * @module
 * The validator: a middleware that checks both sides of the gateway interface and
 * reports every violation with a message saying what to change.
 *
 * Put it between a server and an application while developing. On the way in it checks
 * what the server gave: every CGI variable present and a string, `SCRIPT_NAME` and
 * `PATH_INFO` well formed, the `gateway.*` keys of the right kinds. It then watches the
 * application: the arguments of each `startResponse` call, a second call without
 * `excInfo`, what is returned (an iterable, not a bare string), each chunk, a body
 * before `startResponse`, a body on a 204 or 304, a `Content-Length` the body does not
 * match, how `input` and `errors` are used, and on the way out whether the server calls
 * `close()` only once and iterates no further after it.
 *
 * By default a violation throws a `LOOM_ERR_GATEWAY_VIOLATION` error, so the server
 * answers 500 and logs the message; pass `onViolation` to collect them instead.
 *
 * Twisted counterpart: none in Twisted; Python's `wsgiref.validate.validator`. Loom
 * differs: messages name the fix, not only the rule, and the checks follow this
 * interface (strings allowed as chunks, `gateway.*` keys).
 * Tests: `test/gateway/validator.test.ts`. Lesson 27 teaches it.
 */

import { LoomError } from '../errors.ts';
import { describe } from './handler.ts';
import { REQUIRED_CGI_KEYS } from './environ.ts';
import type { Application, Chunk, Environ, ErrorStream, Header, InputStream, StartResponse } from './spec.ts';

/** One broken rule, and whose side broke it. */
export interface Violation {
  readonly side: 'server' | 'application';
  readonly message: string;
}

/** Options for {@link validator}. */
export interface ValidatorOptions {
  /** Called for each violation. @default throw a `LOOM_ERR_GATEWAY_VIOLATION` error */
  onViolation?: (violation: Violation) => void;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;
/** Hop-by-hop headers belong to one connection, which only the server knows (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'trailers', 'transfer-encoding', 'upgrade']);

// #region gateway-validator
/**
 * Wrap `app` so that every violation of the interface, by the server or by the
 * application, is reported.
 *
 * @example
 * export const application = validator(myApp);
 */
export function validator(app: Application, options: ValidatorOptions = {}): Application {
  const report = options.onViolation ?? throwViolation;
  return (environ, startResponse) => {
    const check = new Checker(report);
    check.environ(environ, startResponse);
    const checked = { ...environ } as Environ;
    if (isObject(environ['gateway.input'])) checked['gateway.input'] = check.input(environ['gateway.input']);
    if (isObject(environ['gateway.errors'])) checked['gateway.errors'] = check.errors(environ['gateway.errors']);
    const result: unknown = app(checked, check.startResponse(startResponse));
    return check.result(result);
  };
}
// #endregion gateway-validator

function throwViolation(violation: Violation): never {
  throw new LoomError('LOOM_ERR_GATEWAY_VIOLATION', `Gateway validator (${violation.side}): ${violation.message}`);
}

/** The checks for one call. */
class Checker {
  readonly #report: (violation: Violation) => void;
  #status: number | null = null;
  #declaredLength: number | null = null;
  #bodyLength = 0;
  #calls = 0;
  #closed = false;

  constructor(report: (violation: Violation) => void) {
    this.#report = report;
  }

  #server(message: string): void {
    this.#report({ side: 'server', message });
  }

  #app(message: string): void {
    this.#report({ side: 'application', message });
  }

  // #region gateway-validator-environ
  /** What the server gave: the environ and startResponse. */
  environ(environ: unknown, startResponse: unknown): void {
    if (!isObject(environ)) {
      this.#server(`the environ must be an object, got ${describe(environ)}.`);
      return;
    }
    const env = environ as Record<string, unknown>;
    for (const key of REQUIRED_CGI_KEYS) {
      if (typeof env[key] !== 'string') this.#server(`environ.${key} must be a string (use '' when there is nothing to say), got ${describe(env[key])}.`);
    }
    for (const [key, value] of Object.entries(env)) {
      if (!key.includes('.') && typeof value !== 'string') this.#server(`environ.${key} is a CGI variable, so its value must be a string, got ${describe(value)}.`);
    }
    const { REQUEST_METHOD: method, SCRIPT_NAME: script, PATH_INFO: path, CONTENT_LENGTH: length, SERVER_PORT: port } = env;
    if (typeof method === 'string' && !TOKEN.test(method)) this.#server(`REQUEST_METHOD ${JSON.stringify(method)} is not a valid method name.`);
    if (script === '/') this.#server('SCRIPT_NAME is "/"; an application mounted at the root has SCRIPT_NAME "" and PATH_INFO starting with "/".');
    else if (typeof script === 'string' && script !== '' && !script.startsWith('/')) this.#server(`SCRIPT_NAME ${JSON.stringify(script)} must be empty or start with "/".`);
    if (typeof path === 'string' && path !== '' && !path.startsWith('/')) this.#server(`PATH_INFO ${JSON.stringify(path)} must be empty or start with "/".`);
    if (script === '' && path === '') this.#server('SCRIPT_NAME and PATH_INFO are both empty; at the root, PATH_INFO should be at least "/".');
    if (typeof length === 'string' && !/^\d*$/.test(length)) this.#server(`CONTENT_LENGTH ${JSON.stringify(length)} must be empty or a number of bytes.`);
    if (typeof port === 'string' && !/^\d+$/.test(port)) this.#server(`SERVER_PORT ${JSON.stringify(port)} must be a port number.`);
    for (const key of ['HTTP_CONTENT_TYPE', 'HTTP_CONTENT_LENGTH']) {
      if (key in env) this.#server(`environ has ${key}; that header belongs in ${key.slice(5)} only.`);
    }
    this.#gatewayKeys(env);
    if (typeof startResponse !== 'function') this.#server(`startResponse must be a function, got ${describe(startResponse)}.`);
  }

  #gatewayKeys(env: Record<string, unknown>): void {
    const version = env['gateway.version'];
    if (!Array.isArray(version) || version[0] !== 1 || version[1] !== 0) this.#server(`gateway.version must be [1, 0], got ${describe(version)}.`);
    const scheme = env['gateway.url_scheme'];
    if (scheme !== 'http' && scheme !== 'https') this.#server(`gateway.url_scheme must be "http" or "https", got ${describe(scheme)}.`);
    for (const flag of ['gateway.multithread', 'gateway.multiprocess', 'gateway.run_once']) {
      if (typeof env[flag] !== 'boolean') this.#server(`${flag} must be true or false, got ${describe(env[flag])}.`);
    }
    const input = env['gateway.input'];
    for (const method of ['read', 'readline', 'readlines']) {
      if (!hasMethod(input, method)) this.#server(`gateway.input must have a ${method}() method.`);
    }
    if (!hasMethod(input, Symbol.iterator)) this.#server('gateway.input must be iterable (line by line).');
    const errors = env['gateway.errors'];
    for (const method of ['write', 'writelines', 'flush']) {
      if (!hasMethod(errors, method)) this.#server(`gateway.errors must have a ${method}() method.`);
    }
  }
  // #endregion gateway-validator-environ

  // #region gateway-validator-start-response
  /** The application's side of startResponse and write. */
  startResponse(inner: StartResponse): StartResponse {
    return (status, headers, excInfo) => {
      this.#calls++;
      const hasExc = excInfo !== undefined && excInfo !== null;
      if (this.#calls > 1 && !hasExc) {
        this.#app('startResponse() was called a second time without excInfo. Call it once; to replace a response after catching an error, pass the error as the third argument.');
      }
      if (hasExc && !(excInfo instanceof Error)) this.#app(`excInfo should be the caught error, got ${describe(excInfo)}.`);
      this.#checkStatus(status);
      this.#checkHeaders(headers);
      const write = inner(status, headers, excInfo);
      return (data) => {
        this.#chunk(data, 'write()');
        write(data);
      };
    };
  }

  #checkStatus(status: unknown): void {
    if (typeof status !== 'string') {
      this.#app(`the status must be a string such as '200 OK', got ${describe(status)}.`);
      return;
    }
    const match = /^(\d{3}) (\S.*)$/.exec(status);
    if (match === null) {
      this.#app(`the status ${JSON.stringify(status)} must be a three-digit code, one space and a reason phrase, such as '404 Not Found'.`);
      return;
    }
    const code = Number(match[1]);
    if (code < 100) this.#app(`the status code ${code} is below 100; status codes run from 100 to 599.`);
    if (CONTROL.test(status)) this.#app(`the status ${JSON.stringify(status)} contains a control character.`);
    this.#status = code;
  }

  #checkHeaders(headers: unknown): void {
    this.#declaredLength = null;
    if (!Array.isArray(headers)) {
      this.#app(`the headers must be an array of [name, value] pairs, got ${describe(headers)}. Pass [] for no headers.`);
      return;
    }
    for (const header of headers as unknown[]) {
      if (!Array.isArray(header) || header.length !== 2 || typeof header[0] !== 'string' || typeof header[1] !== 'string') {
        this.#app(`each header must be a [name, value] pair of two strings, got ${describe(header)}.`);
        continue;
      }
      this.#checkHeader(header as Header);
    }
  }

  #checkHeader([name, value]: Header): void {
    const lower = name.toLowerCase();
    if (!TOKEN.test(name)) this.#app(`the header name ${JSON.stringify(name)} is not valid: letters, digits and dashes only, no colon.`);
    if (lower === 'status') this.#app('a "Status" header is not allowed; the status goes in the first argument of startResponse().');
    if (HOP_BY_HOP.has(lower)) this.#app(`the "${name}" header is hop-by-hop: it belongs to one connection, which the server manages. Leave it out.`);
    if (CONTROL.test(value)) this.#app(`the value of header ${name} contains a control character (a newline?); a header value is one line of text.`);
    if (lower === 'content-length') {
      if (/^\d+$/.test(value)) this.#declaredLength = Number(value);
      else this.#app(`Content-Length must be a number of bytes, got ${JSON.stringify(value)}.`);
    }
  }
  // #endregion gateway-validator-start-response

  // #region gateway-validator-result
  /** What the application returned: checked as the server iterates it and closes it. */
  result(result: unknown): Iterable<Chunk> {
    if (typeof result === 'string' || result instanceof Uint8Array) {
      this.#app(`the application returned a bare ${typeof result === 'string' ? 'string' : 'byte array'}; return an iterable of chunks instead, such as [body].`);
      return [result];
    }
    if (!hasMethod(result, Symbol.iterator)) {
      this.#app(`the application must return an iterable of body chunks (an array or a generator), got ${describe(result)}. Did it forget to return?`);
      return [];
    }
    const inner = result as Iterable<Chunk>;
    const checker = this;
    return {
      *[Symbol.iterator]() {
        for (const chunk of inner) {
          if (checker.#closed) checker.#server('the server went on iterating the body after calling close().');
          checker.#chunk(chunk, 'the returned iterable');
          yield chunk;
        }
        checker.#ended();
      },
      close() {
        if (checker.#closed) checker.#server('close() was called twice; call it once, when the response is over.');
        checker.#closed = true;
        const close = (inner as { close?: unknown }).close;
        if (typeof close === 'function') close.call(inner);
      },
    } as Iterable<Chunk>;
  }

  #chunk(chunk: unknown, from: string): void {
    if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) {
      this.#app(`${from} produced ${describe(chunk)}; chunks must be strings or Uint8Arrays.`);
      return;
    }
    const length = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    if (length === 0) return;
    if (this.#calls === 0) this.#app(`${from} produced body bytes before startResponse() was called; call startResponse() first.`);
    if (this.#status === 204 || this.#status === 304) this.#app(`a ${this.#status} response has no body, but ${from} produced ${length} bytes.`);
    this.#bodyLength += length;
  }

  /** The body is complete: it must match what the application promised. */
  #ended(): void {
    if (this.#calls === 0) this.#app('the application returned without ever calling startResponse(); call it before returning the body.');
    if (this.#declaredLength !== null && this.#declaredLength !== this.#bodyLength) {
      this.#app(`Content-Length said ${this.#declaredLength} bytes but the body had ${this.#bodyLength}. Count bytes, not characters (Buffer.byteLength), or leave Content-Length out.`);
    }
  }
  // #endregion gateway-validator-result

  // #region gateway-validator-streams
  /** gateway.input, with its arguments checked. */
  input(input: InputStream): InputStream {
    const size = (method: string, value: unknown): void => {
      if (value !== undefined && value !== null && !(typeof value === 'number' && Number.isInteger(value))) {
        this.#app(`input.${method}() takes a whole number of bytes (or nothing), got ${describe(value)}.`);
      }
    };
    return {
      read: (n) => (size('read', n), input.read(n)),
      readline: (n) => (size('readline', n), input.readline(n)),
      readlines: (hint) => (size('readlines', hint), input.readlines(hint)),
      [Symbol.iterator]: () => input[Symbol.iterator](),
    };
  }

  /** gateway.errors, with strings only. */
  errors(errors: ErrorStream): ErrorStream {
    const text = (value: unknown): void => {
      if (typeof value !== 'string') this.#app(`errors.write() takes a string, got ${describe(value)}; convert it with String(value).`);
    };
    return {
      write: (t) => (text(t), errors.write(t)),
      writelines: (lines) => {
        const all = [...lines];
        for (const line of all) text(line);
        errors.writelines(all);
      },
      flush: () => errors.flush(),
    };
  }
  // #endregion gateway-validator-streams
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

function hasMethod(value: unknown, name: string | symbol): boolean {
  return isObject(value) && typeof (value as Record<string | symbol, unknown>)[name] === 'function';
}
