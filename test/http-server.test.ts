/**
 * What a Site's server answers before there is a Request: requests Node's parser
 * refuses, Host headers that break RFC 9112 §3.2, and clients too slow with their
 * headers or gone quiet on a kept-alive connection. Real sockets on 127.0.0.1, port 0;
 * the timeouts are Node's, so they are set small and the test waits for the close
 * event, never for a timer of its own.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerClientError, hostProblem, refusalFor } from '../lib/http-server.ts';
import { Resource } from '../lib/resource.ts';
import type { Request } from '../lib/request.ts';
import { Site } from '../lib/site.ts';
import { FakeClock, memoryLogger } from '../lib/testing.ts';
import { timeoutsFrom } from '../lib/timeouts.ts';
import { connect, exchange, statusLines } from './support/raw-http.ts';

class Hello extends Resource {
  override isLeaf = true;
  render_GET(request: Request) {
    return `hello ${request.getRequestHostname()}`;
  }
}

let site: Site;
let port: number;

beforeAll(async () => {
  site = new Site(new Hello(), { logger: memoryLogger() });
  port = (await site.listen('tcp:0:interface=127.0.0.1')).address.port;
});

afterAll(() => site.close());

/** The status line, the headers (lower-cased names) and the body of one raw answer. */
function parse(text: string): { status: string; headers: Map<string, string>; body: string } {
  const end = text.indexOf('\r\n\r\n');
  const [status, ...lines] = text.slice(0, end).split('\r\n');
  const headers = new Map(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()] as const));
  return { status: status!, headers, body: text.slice(end + 4) };
}

describe('requests Node\'s parser refuses', () => {
  it('answers 501 with Twisted\'s page for a method nobody knows, and for a lower-case one', async () => {
    const cases: [string, string][] = [['FOO / HTTP/1.1\r\nHost: x\r\n\r\n', 'FOO'], ['get / HTTP/1.1\r\nHost: x\r\n\r\n', 'get'], ['BREW /pot HTTP/1.1\r\n\r\n', 'BREW']];
    for (const [request, method] of cases) {
      const answer = parse(await exchange(port, request));
      expect(answer.status, request).toBe('HTTP/1.1 501 Not Implemented');
      expect(answer.body).toContain('<title>501 - Huh?</title>');
      expect(answer.body).toContain(`I don&#x27;t know how to treat a ${method} request.`);
    }
  });

  it('answers 400, not 501, for a method that is not a token', async () => {
    expect(statusLines(await exchange(port, 'G@T / HTTP/1.1\r\nHost: x\r\n\r\n'))).toEqual(['HTTP/1.1 400 Bad Request']);
  });

  it('answers every refusal with an HTML page, its Content-Length, the Server header and Connection: close', async () => {
    for (const request of ['FOO / HTTP/1.1\r\n\r\n', 'GET / HTTP/1.1\r\nHost x\r\n\r\n', `GET / HTTP/1.1\r\nX: ${'a'.repeat(17_000)}\r\n\r\n`]) {
      const answer = parse(await exchange(port, request));
      expect(answer.headers.get('content-type'), request.slice(0, 20)).toBe('text/html; charset=utf-8');
      expect(Number(answer.headers.get('content-length'))).toBe(Buffer.byteLength(answer.body));
      expect(answer.headers.get('connection')).toBe('close');
      expect(answer.headers.get('server')).toBe(site.serverHeader);
      expect(answer.headers.get('date')).toMatch(/ GMT$/);
    }
  });

  it('answers 414 for a request target longer than the header limit, 431 for headers that are', async () => {
    expect(statusLines(await exchange(port, `GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`))).toEqual(['HTTP/1.1 414 URI Too Long']);
    expect(statusLines(await exchange(port, `GET / HTTP/1.1\r\nHost: x\r\nX: ${'a'.repeat(20_000)}\r\n\r\n`))).toEqual(['HTTP/1.1 431 Request Header Fields Too Large']);
  });

  it('security: shows nothing of the request in a refusal page (no markup from the method)', async () => {
    const text = await exchange(port, 'G<b>T / HTTP/1.1\r\n\r\n');
    expect(text).not.toContain('<b>');
  });

  it('answers a well-formed request pipelined before garbage, then closes', async () => {
    const text = await exchange(port, 'GET / HTTP/1.1\r\nHost: a\r\n\r\nFOO / HTTP/1.1\r\nHost: a\r\n\r\n');
    expect(statusLines(text)[0]).toBe('HTTP/1.1 200 OK');
    expect(text).toContain('hello a');
  });

  it('keeps serving after every kind of refusal', async () => {
    expect(parse(await exchange(port, 'GET / HTTP/1.1\r\nHost: ok\r\nConnection: close\r\n\r\n')).body).toBe('hello ok');
  });
});

describe('answerClientError', () => {
  const settings = { timeouts: timeoutsFrom({}, 60), serverHeader: 'Loom/test', clock: new FakeClock(0) };

  /** A socket that records what was written to it. */
  function fakeSocket(state: { writable: boolean; destroyed: boolean; busy: boolean | 'own' }): net.Socket & { written: string[]; ended: string[] } {
    const written: string[] = [];
    const ended: string[] = [];
    const socket = {
      writable: state.writable, destroyed: state.destroyed, written, ended,
      _httpMessage: state.busy === 'own' ? { headersSent: false, req: { complete: false } } : state.busy ? { headersSent: false, req: { complete: true } } : null,
      write: (data: Buffer) => written.push(data.toString()),
      destroySoon: () => ended.push('soon'),
      destroy: () => ended.push('now'),
    };
    return socket as unknown as net.Socket & { written: string[]; ended: string[] }; // only what answerClientError touches
  }
  const methodError = Object.assign(new Error('Invalid method'), { code: 'HPE_INVALID_METHOD', rawPacket: Buffer.from('FOO / HTTP/1.1\r\n\r\n') });

  it('writes nothing to a socket that is gone, and closes it', () => {
    for (const state of [{ writable: false, destroyed: false, busy: false }, { writable: true, destroyed: true, busy: false }]) {
      const socket = fakeSocket(state);
      answerClientError(methodError, socket, settings);
      expect(socket.written).toEqual([]);
      expect(socket.ended).toEqual(['now']);
    }
  });

  it('writes nothing into a response in progress (to an earlier, pipelined request), and closes once it is sent', () => {
    const socket = fakeSocket({ writable: true, destroyed: false, busy: true });
    answerClientError(methodError, socket, settings);
    expect(socket.written).toEqual([]);
    expect(socket.ended).toEqual(['soon']);
  });

  it('answers the request whose body failed to parse, though Node made it a response already', () => {
    const socket = fakeSocket({ writable: true, destroyed: false, busy: 'own' });
    answerClientError(methodError, socket, settings);
    expect(socket.written).toHaveLength(1);
    expect(socket.ended).toEqual(['soon']);
  });

  it('answers a reset connection with nothing', () => {
    const socket = fakeSocket({ writable: true, destroyed: false, busy: false });
    answerClientError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }), socket, settings);
    expect(socket.written).toEqual([]);
  });

  it('answers a socket once, however often its parser fails again', () => {
    const socket = fakeSocket({ writable: true, destroyed: false, busy: false });
    answerClientError(methodError, socket, settings);
    answerClientError(methodError, socket, settings);
    expect(socket.written).toHaveLength(1);
  });

  it('maps the parser\'s errors to statuses', () => {
    const statusOf = (code: string, packet = 'GET / HTTP/1.1\r\n') => refusalFor(Object.assign(new Error(code), { code, rawPacket: Buffer.from(packet) }), settings.timeouts)?.status;
    expect(statusOf('ERR_HTTP_REQUEST_TIMEOUT')).toBe(408);
    expect(statusOf('HPE_CHUNK_EXTENSIONS_OVERFLOW')).toBe(413);
    expect(statusOf('HPE_INVALID_VERSION')).toBe(400);
    expect(statusOf('HPE_HEADER_OVERFLOW', `GET /${'a'.repeat(17_000)}`)).toBe(414);
    expect(statusOf('HPE_HEADER_OVERFLOW', `X: ${'a'.repeat(17_000)}`)).toBe(431);
    expect(statusOf('EPIPE')).toBeUndefined();
  });
});

describe('Host (RFC 9112 §3.2)', () => {
  it('answers 400 to an HTTP/1.1 request without a Host header', async () => {
    const answer = parse(await exchange(port, 'GET / HTTP/1.1\r\nConnection: close\r\n\r\n'));
    expect(answer.status).toBe('HTTP/1.1 400 Bad Request');
    expect(answer.body).toContain('must have a Host header');
    expect(answer.headers.get('connection')).toBe('close');
  });

  it('answers 400 to two Host headers, even from HTTP/1.0', async () => {
    for (const version of ['1.1', '1.0']) {
      const text = await exchange(port, `GET / HTTP/${version}\r\nHost: a.example\r\nHost: b.example\r\nConnection: close\r\n\r\n`);
      expect(statusLines(text), version).toEqual(['HTTP/1.1 400 Bad Request']);
    }
  });

  it('security: answers 400 to a Host that is not a host and port, so it never reaches a page or a URL', async () => {
    for (const host of ['<script>alert(1)</script>', 'a b', 'example.org/path', 'example.org:80:80', 'exa"mple', '[::1', 'user@example.org']) {
      const text = await exchange(port, `GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      expect(statusLines(text), host).toEqual(['HTTP/1.1 400 Bad Request']);
      expect(text).not.toContain(host);
    }
  });

  it('takes a name, an address, an IPv6 literal, a port, or an empty Host', async () => {
    for (const host of ['example.org', 'example.org:8080', '127.0.0.1', '[::1]:8080', 'xn--bcher-kva.example', '']) {
      const text = await exchange(port, `GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      expect(statusLines(text), host).toEqual(['HTTP/1.1 200 OK']);
    }
  });

  it('takes an HTTP/1.0 request without a Host, which HTTP/1.0 does not require', async () => {
    expect(statusLines(await exchange(port, 'GET / HTTP/1.0\r\n\r\n'))).toEqual(['HTTP/1.1 200 OK']);
  });

  it('checks the raw headers: case does not matter, and a missing one is reported only for HTTP/1.1', () => {
    expect(hostProblem(['HOST', 'a'], 1)).toBeNull();
    expect(hostProblem(['host', 'a', 'Host', 'a'], 1)).toContain('more than one');
    expect(hostProblem([], 0)).toBeNull();
    expect(hostProblem([], 1)).toContain('must have a Host');
  });
});

describe('slow and idle clients (Node\'s timers)', () => {
  let quick: Site;
  let quickPort: number;

  beforeAll(async () => {
    quick = new Site(new Hello(), { logger: memoryLogger(), headersTimeout: 0.3, timeout: 0.3 });
    quickPort = (await quick.listen('tcp:0:interface=127.0.0.1')).address.port;
  });

  afterAll(() => quick.close());

  it('security: answers 408 and closes when the headers do not all arrive within headersTimeout (slowloris)', async () => {
    const client = await connect(quickPort);
    client.socket.write('GET / HTTP/1.1\r\nHost: x\r\nX-a: 1\r\n');
    await client.closed;
    const text = await client.readUntil('');
    expect(statusLines(text)).toEqual(['HTTP/1.1 408 Request Timeout']);
    expect(text).toContain('did not arrive within 0.3 seconds');
  });

  it('security: closes a connection that never sends a byte', async () => {
    const client = await connect(quickPort);
    await client.closed;
    expect(statusLines(await client.readUntil(''))).toEqual(['HTTP/1.1 408 Request Timeout']);
  });

  it('closes an idle kept-alive connection after timeout, without an answer', async () => {
    const client = await connect(quickPort);
    client.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await client.readUntil('hello x');
    await client.closed;
    expect(statusLines(await client.readUntil(''))).toEqual(['HTTP/1.1 200 OK']);
  });
});
