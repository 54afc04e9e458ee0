/**
 * The server behind each endpoint: plain HTTP for tcp: and unix:, TLS with ALPN for
 * ssl:, and the graceful close every one of them gets. The Site-level behaviour over
 * TLS (HTTP/2 through the same Request) is in test/site.tls.test.ts.
 */
import { connect as http2Connect, type ClientHttp2Session, type ServerHttp2Stream } from 'node:http2';
import { Agent, request as httpsRequest } from 'node:https';
import { Server as HttpServer } from 'node:http';
import { Server as HttpsServer } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenOn, parseEndpoint } from '../../lib/plumbing/endpoints.ts';
import { FakeClock } from '../../lib/testing.ts';
import { EndpointServer, type RequestListeners, type ServerSettings } from '../../lib/plumbing/servers.ts';
import { requires } from '../support/programs.ts';
import { makeCertificate, type TestCertificate } from '../support/tls.ts';
import { within } from '../support/within.ts';

/** Server settings with only the idle timeout that matters here; refused requests are destroyed. */
function settings(idleTimeout: number): ServerSettings {
  return { idleTimeout, headersTimeout: 30_000, connectionsCheckingInterval: 1000, onClientError: (_error, socket) => socket.destroy() };
}

const openssl = requires('openssl');

/** Answer one HTTP/2 stream with 200 and `body`. */
function answerH2(stream: ServerHttp2Stream, body: string): void {
  stream.respond({ ':status': 200 });
  stream.end(body);
}

/** Listeners that answer at once, or hold a request when its path is /hold. */
function listeners(held: (() => void)[]): RequestListeners {
  return {
    http1: (req, res) => {
      if (req.url === '/hold') held.push(() => res.end('released'));
      else res.end(`http/${req.httpVersion}`);
    },
    checkContinue: (_req, res) => res.writeHead(417).end(),
    connect: (_req, socket) => socket.destroy(),
    http2: (stream) => answerH2(stream, 'h2'),
  };
}

describe('EndpointServer for tcp: and unix:', () => {
  it('is a plain node:http server, not secure', () => {
    const server = new EndpointServer(parseEndpoint('tcp:0'), listeners([]), settings(1000));
    expect(server.server).toBeInstanceOf(HttpServer);
    expect(server.secure).toBe(false);
  });
});

openssl.describe('EndpointServer for ssl:', () => {
  let certificate: TestCertificate;
  beforeAll(() => void (certificate = makeCertificate()));
  afterAll(() => certificate?.remove());

  /** GET `path` over HTTP/1.1 with a keep-alive agent, so the connection stays open after. */
  function get(port: number, path: string, agent: Agent): Promise<string> {
    return new Promise((resolve, reject) => {
      httpsRequest({ host: '127.0.0.1', port, path, ca: certificate.pem, servername: 'localhost', agent }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve(text));
      }).on('error', reject).end();
    });
  }

  it('is a node:https server, secure, speaking HTTP/1.1 to a client that offers no ALPN', async () => {
    const server = new EndpointServer(parseEndpoint(certificate.endpoint), listeners([]), settings(5000));
    expect(server.server).toBeInstanceOf(HttpsServer);
    expect(server.secure).toBe(true);
    const { port } = await listenOn(server.server, parseEndpoint(certificate.endpoint));
    const agent = new Agent({ keepAlive: true });
    expect(await get(port, '/', agent)).toBe('http/1.1');
    // The keep-alive connection is idle now: close() ends it at once instead of waiting it out.
    await server.close(30);
    agent.destroy();
  });

  it('lets a request in flight finish before the close resolves', async () => {
    const held: (() => void)[] = [];
    const server = new EndpointServer(parseEndpoint(certificate.endpoint), listeners(held), settings(5000));
    const { port } = await listenOn(server.server, parseEndpoint(certificate.endpoint));
    const agent = new Agent({ keepAlive: true });
    const answer = get(port, '/hold', agent);
    await new Promise((resolve) => server.server.once('request', resolve)); // after listeners.http1, which held it
    let closed = false;
    const closing = server.close(30).then(() => (closed = true));
    expect(closed).toBe(false);
    held[0]!();
    expect(await answer).toBe('released');
    server.closeIdle(); // what the Site does when a response finishes during a close
    await closing;
    agent.destroy();
  });

  /** GET `path` over HTTP/2 on `session`, resolving with the body. */
  function h2Get(session: ClientHttp2Session, path: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const stream = session.request({ ':path': path });
      let text = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => (text += chunk));
      stream.on('end', () => resolve(text));
      stream.on('error', reject);
    });
  }

  /** Move `clock` on by `step` seconds `times` times, letting sockets deliver between steps. */
  async function sweep(clock: FakeClock, step: number, times: number): Promise<number> {
    for (let i = 0; i < times; i++) {
      clock.advance(step);
      await new Promise((resolve) => setTimeout(resolve, 5)); // a frame on loopback arrives within a turn or two
    }
    return times;
  }

  it('sends an HTTP/2 session that has carried nothing for the idle timeout GOAWAY, and it closes', async () => {
    const clock = new FakeClock();
    const server = new EndpointServer(parseEndpoint(certificate.endpoint), listeners([]), { ...settings(100), clock });
    const { port } = await listenOn(server.server, parseEndpoint(certificate.endpoint));
    const session = http2Connect(`https://127.0.0.1:${port}`, { ca: certificate.pem, servername: 'localhost' });
    const events: string[] = [];
    const goaway = new Promise<number>((resolve) => session.once('goaway', (code: number) => resolve(code)));
    const closed = new Promise<void>((resolve) => session.once('close', () => resolve()));
    session.on('goaway', () => events.push('goaway'));
    session.on('close', () => events.push('close'));
    try {
      expect(await h2Get(session, '/')).toBe('h2');
      // Sweeps every 25 ms of the clock: one to note the byte count, four quiet ones to call it idle.
      await sweep(clock, 0.025, 4);
      expect(events).toEqual([]); // not yet: the first sweep only took the session's count
      let steps = 4;
      while (events.length === 0 && steps < 40) steps += await sweep(clock, 0.025, 1);
      expect(await within(goaway, 5000, 'GOAWAY once the session went quiet', () => events.join(', '))).toBe(0); // NO_ERROR: a clean close
      await within(closed, 5000, 'the idle session to close after GOAWAY', () => events.join(', '));
    } finally {
      session.destroy();
      await server.close(0);
    }
  });

  it('lets a request in flight on a quiet HTTP/2 session finish after the GOAWAY', async () => {
    const held: (() => void)[] = [];
    const holding: RequestListeners = { ...listeners(held), http2: (stream, headers) => (headers[':path'] === '/hold' ? held.push(() => answerH2(stream, 'released')) : answerH2(stream, 'h2')) };
    const server = new EndpointServer(parseEndpoint(certificate.endpoint), holding, settings(100));
    const { port } = await listenOn(server.server, parseEndpoint(certificate.endpoint));
    const session = http2Connect(`https://127.0.0.1:${port}`, { ca: certificate.pem, servername: 'localhost' });
    const goaway = new Promise<void>((resolve) => session.once('goaway', () => resolve()));
    try {
      const answer = h2Get(session, '/hold');
      // GOAWAY says "no new streams"; the stream already open still gets its answer.
      await within(goaway, 5000, 'GOAWAY while the held stream is quiet', () => `held: ${held.length}`);
      held[0]!();
      expect(await answer).toBe('released');
    } finally {
      session.destroy();
      await server.close(0);
    }
  });

  it('cuts what is still open once the grace period is over', async () => {
    const held: (() => void)[] = [];
    const clock = new FakeClock();
    const server = new EndpointServer(parseEndpoint(certificate.endpoint), listeners(held), { ...settings(5000), clock });
    const { port } = await listenOn(server.server, parseEndpoint(certificate.endpoint));
    const agent = new Agent({ keepAlive: true });
    const answer = get(port, '/hold', agent);
    await new Promise((resolve) => server.server.once('request', resolve));
    let closed = false;
    const closing = server.close(5).then(() => (closed = true));
    clock.advance(4.9);
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false); // the held request is still within its grace period
    clock.advance(0.1);
    await expect(answer).rejects.toMatchObject({ code: 'ECONNRESET' });
    await closing;
    agent.destroy();
  });
});
