/**
 * @module
 * A simple, single-threaded development server for one gateway application.
 *
 * `await makeServer('127.0.0.1', 8000, application)` serves the application at the root
 * of a plain HTTP server, with no resource tree and no thread pool: the application runs
 * on the main thread, after the whole body has been read. That makes it the quickest way
 * to try an application, and the wrong way to serve one that blocks: while it blocks,
 * nothing else is answered. Use a `GatewayResource` (or SCGI/FastCGI behind nginx) for
 * that.
 *
 * Twisted counterpart: none in Twisted; Python's `wsgiref.simple_server.make_server`.
 * Loom differs: `makeServer` resolves once the server is listening (Node cannot block
 * in `serve_forever()`), and a streamed response waits for the client between chunks.
 * Tests: `test/gateway/simple-server.test.ts`, and `test/gateway/servers.test.ts`.
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Address } from '../plumbing/channel.ts';
import { NodeChannel } from '../plumbing/channel.ts';
import { DEFAULT_MAX_BODY_SIZE, DEFAULT_SPOOL_THRESHOLD, readBody, type Content } from '../plumbing/content.ts';
import { LoomError } from '../errors.ts';
import { listenOn } from '../plumbing/endpoints.ts';
import { consoleLogger, type Logger } from '../logger.ts';
import { Request } from '../request.ts';
import { VERSION } from '../plumbing/version.ts';
import { errorResponse } from './cgi.ts';
import { completeEnviron, environFromRequest } from './environ.ts';
import { ApplicationRun, type ResponseOutput } from './handler.ts';
import { BlockingInput, LogErrorStream } from './input.ts';
import type { Application, Header } from './spec.ts';

/** The simple server runs one application on one thread. */
const SIMPLE_FLAGS = { multithread: false, multiprocess: false, runOnce: false } as const;
const SERVER_HEADER = `Loom/${VERSION} (simple gateway server)`;

/** Options for {@link makeServer}. */
export interface SimpleServerOptions {
  /** Where application errors and `gateway.errors` text go. @default consoleLogger */
  logger?: Logger;
  /** The largest request body accepted, in bytes (413 above). @default 100 MiB */
  maxBodySize?: number;
}

/** A running simple server. */
export interface SimpleServer {
  /** The address it listens on (the real port when 0 was asked for). */
  readonly address: Address;
  /** `http://HOST:PORT/` */
  readonly url: string;
  /** Stop listening and wait for open connections to finish. */
  close(): Promise<void>;
}

// #region gateway-make-server
/**
 * Serve `app` on `host`:`port` (0 for any free port) until `close()`.
 *
 * @example
 * const server = await makeServer('127.0.0.1', 8000, application);
 * console.log(`Serving on ${server.url}`);
 */
export async function makeServer(host: string, port: number, app: Application, options: SimpleServerOptions = {}): Promise<SimpleServer> {
  const logger = options.logger ?? consoleLogger;
  const limits = { maxBodySize: options.maxBodySize ?? DEFAULT_MAX_BODY_SIZE, spoolThreshold: DEFAULT_SPOOL_THRESHOLD };
  const server = createServer({ requireHostHeader: false }, (req, res) => {
    readBody(req, limits).then(
      (content) => void serve(app, req, res, content, logger),
      (error: unknown) => refuse(res, error),
    );
  });
  const address = await listenOn(server, { kind: 'tcp', port, interface: host, backlog: undefined });
  const shownHost = address.type === 'IPv6' ? `[${address.host}]` : address.host;
  return { address, url: `http://${shownHost}:${address.port}/`, close: () => closeServer(server) };
}
// #endregion gateway-make-server

// #region gateway-simple-serve
/** Answer one request: run the application here, on this thread, and stream what it returns. */
async function serve(app: Application, req: IncomingMessage, res: ServerResponse, content: Content, logger: Logger): Promise<void> {
  // A Request gives the same environ a GatewayResource at the root would build.
  const request = new Request(null, { method: req.method ?? 'GET', url: req.url ?? '/', httpVersion: req.httpVersion, rawHeaders: req.rawHeaders },
    new NodeChannel(req, res), content);
  const errors = new LogErrorStream((text) => logger.error(`Gateway application (${request.method} ${request.uri}) wrote to errors: ${text.trimEnd()}`));
  const environ = completeEnviron(environFromRequest(request), new BlockingInput(contentReader(content)), errors, SIMPLE_FLAGS);
  const output = new ResponseWriter(res);
  const run = new ApplicationRun(app, environ, output);
  let failure: unknown = null;
  try {
    run.start();
    while (!res.destroyed && run.step()) if (output.full) await output.drained();
    if (!res.destroyed) run.end();
  } catch (error) {
    failure = error;
  }
  failure = run.closeAfter(failure);
  content.close();
  if (failure === null) res.end();
  else fail(res, run.headSent, failure, `${request.method} ${request.uri}`, logger);
}
// #endregion gateway-simple-serve

/** Writes the response to Node's ServerResponse and remembers when its buffer is full. */
class ResponseWriter implements ResponseOutput {
  readonly #res: ServerResponse;
  full = false;

  constructor(res: ServerResponse) {
    this.#res = res;
  }

  head(code: number, reason: string, headers: Header[]): void {
    const flat: string[] = ['Server', SERVER_HEADER];
    for (const [name, value] of headers) flat.push(name, value);
    this.#res.writeHead(code, reason, flat);
  }

  body(chunk: Uint8Array): void {
    if (!this.#res.write(chunk)) this.full = true;
  }

  flush(): void {}

  drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.full = false;
        this.#res.off('close', done);
        this.#res.off('drain', done);
        resolve();
      };
      this.#res.once('drain', done);
      this.#res.once('close', done);
    });
  }
}

function fail(res: ServerResponse, headSent: boolean, error: unknown, what: string, logger: Logger): void {
  logger.error(`Gateway application error for ${what}`, error);
  if (headSent || res.headersSent) {
    // The status has gone out: a cut connection is the only honest signal left. Ending
    // the socket (not destroying it) first delivers the bytes already written.
    if (res.socket !== null) res.socket.end();
    else res.destroy();
    return;
  }
  const { body } = errorResponse();
  res.writeHead(500, 'Internal Server Error', ['Server', SERVER_HEADER, 'Content-Type', 'text/html; charset=utf-8']);
  res.end(body);
}

function refuse(res: ServerResponse, error: unknown): void {
  if (!(error instanceof LoomError) || res.headersSent) {
    res.destroy(); // The client went away mid-body.
    return;
  }
  res.writeHead(error.status ?? 400, ['Content-Type', 'text/plain; charset=utf-8', 'Connection', 'close']);
  res.end(`${error.message}\n`);
}

/** The body's bytes in slices (it may be spooled to a file). */
function contentReader(content: Content): () => Uint8Array | null {
  return () => {
    const slice = content.read(64 * 1024);
    return slice.length === 0 ? null : slice;
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
