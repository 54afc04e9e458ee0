/**
 * @module
 * An SCGI server: a gateway application on a thread pool, behind a front-end web server
 * such as nginx (`scgi_pass`).
 *
 * SCGI is CGI over a socket. For each request the front end opens a connection and
 * sends the CGI variables as one netstring, `LENGTH:NAME\0VALUE\0…,`, whose first
 * variable is `CONTENT_LENGTH` (and which should include `SCGI=1`); then the body. The answer is
 * a CGI response (`Status:`, headers, blank line, body), and closing the connection ends
 * it. The body is handed to the application as it arrives.
 *
 * Twisted counterpart: none (Twisted serves HTTP itself); the SCGI protocol
 * (python.ca/scgi) and flup's `scgi` server for WSGI. Loom differs from flup: the
 * application runs on Loom's thread pool, and the body streams instead of being read
 * first.
 * Tests: `test/gateway/scgi.test.ts`; with nginx in front, `test/gateway/servers.test.ts`.
 */

import type { Socket } from 'node:net';
import { environFromCgi } from './environ.ts';
import { cgiHead, errorResponse } from './cgi.ts';
import type { CallHandle, CallSink } from './call.ts';
import { BodyQueue, GatewayServer } from './socket-server.ts';
import type { Header } from './spec.ts';

/** The longest header netstring accepted (its digits are read before anything else). */
const MAX_HEADER_BYTES = 1024 * 1024;

// #region gateway-scgi-server
/**
 * Serve a gateway application over SCGI.
 *
 * @example
 * const server = new SCGIServer(pool, appRef(new URL('./app.ts', import.meta.url)));
 * await server.listen('tcp:4000:interface=127.0.0.1');   // nginx: scgi_pass 127.0.0.1:4000;
 */
export class SCGIServer extends GatewayServer {
  protected connection(socket: Socket): void {
    let buffered: Buffer = Buffer.alloc(0);
    const onData = (data: Buffer): void => {
      buffered = buffered.length === 0 ? data : Buffer.concat([buffered, data]);
      const parsed = parseNetstring(buffered);
      if (parsed === 'incomplete') return;
      socket.off('data', onData);
      if (parsed === 'bad') {
        this.logger.warn('SCGI: the front end sent a malformed request header; closing the connection.');
        socket.destroy();
        return;
      }
      this.#start(socket, parsed.headers, buffered.subarray(parsed.end));
    };
    socket.on('data', onData);
  }

  /** The header is in: start the call, and feed it the rest of the connection as the body. */
  #start(socket: Socket, headers: Map<string, string>, rest: Buffer): void {
    const length = Number(headers.get('CONTENT_LENGTH') ?? '0') || 0;
    const body = new BodyQueue({ onFull: () => socket.pause(), onRoom: () => socket.resume() });
    let left = length;
    const take = (data: Buffer): void => {
      const piece = data.subarray(0, left);
      left -= piece.length;
      body.push(piece);
      if (left === 0) {
        body.end();
        socket.off('data', take);
      }
    };
    if (left === 0) body.end();
    else {
      socket.on('data', take);
      if (rest.length > 0) take(rest);
    }
    const sink = new SocketSink(socket, this.logger, `${headers.get('REQUEST_METHOD') ?? 'GET'} ${headers.get('REQUEST_URI') ?? headers.get('PATH_INFO') ?? ''}`);
    const call = this.pool.dispatch({ app: this.app, environ: environFromCgi(Object.fromEntries(headers)), body, sink });
    sink.watch(call, body);
  }
}
// #endregion gateway-scgi-server

// #region gateway-scgi-netstring
/**
 * Parse the header netstring at the start of `data`: `LENGTH:` in decimal, that many
 * bytes of NUL-separated names and values, then `,`.
 */
export function parseNetstring(data: Buffer): { headers: Map<string, string>; end: number } | 'incomplete' | 'bad' {
  const colon = data.indexOf(0x3a);
  if (colon < 0) return data.length > 10 ? 'bad' : 'incomplete';
  const digits = data.toString('latin1', 0, colon);
  if (!/^\d{1,8}$/.test(digits) || Number(digits) > MAX_HEADER_BYTES) return 'bad';
  const length = Number(digits);
  const end = colon + 1 + length;
  if (data.length < end + 1) return 'incomplete';
  if (data[end] !== 0x2c) return 'bad';
  const fields = data.toString('latin1', colon + 1, end).split('\0');
  if (fields.length % 2 !== 1 || fields[fields.length - 1] !== '') return 'bad';
  const headers = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) headers.set(fields[i]!, fields[i + 1]!);
  // The protocol also asks for SCGI=1, but a front end configured by hand often leaves
  // it out (nginx sends it only from scgi_params); CONTENT_LENGTH is what matters.
  if (!/^\d+$/.test(headers.get('CONTENT_LENGTH') ?? '')) return 'bad';
  return { headers, end: end + 1 };
}
// #endregion gateway-scgi-netstring

/** The response, written straight to the connection in CGI's format; closing ends it. */
class SocketSink implements CallSink {
  readonly #socket: Socket;
  readonly #logger: GatewayServer['logger'];
  readonly #what: string;

  constructor(socket: Socket, logger: GatewayServer['logger'], what: string) {
    this.#socket = socket;
    this.#logger = logger;
    this.#what = what;
  }

  /** Cancel the call if the front end closes the connection before the answer is complete. */
  watch(call: CallHandle, body: BodyQueue): void {
    this.#socket.on('close', () => {
      body.end();
      call.cancel();
    });
  }

  head(code: number, reason: string, headers: Header[]): void {
    this.#socket.write(cgiHead(code, reason, headers));
  }

  write(chunk: Uint8Array): boolean {
    return this.#socket.write(chunk);
  }

  onDrain(listener: () => void): void {
    this.#socket.once('drain', listener);
  }

  end(): void {
    this.#socket.end();
  }

  fail(error: Error, headSent: boolean): void {
    this.#logger.error(`Gateway application error for ${this.#what}`, error);
    if (headSent) {
      // The front end sees the answer cut short; the bytes already written go out first.
      setImmediate(() => this.#socket.destroy());
      return;
    }
    const { head, body } = errorResponse();
    this.#socket.end(head + body);
  }

  log(text: string): void {
    this.#logger.error(`Gateway application (${this.#what}) wrote to errors: ${text.trimEnd()}`);
  }
}
