import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ThreadPool } from '../../lib/gateway/pool.ts';
import { SCGIServer, parseNetstring } from '../../lib/gateway/scgi.ts';
import { fixture, WatchedLogger } from './support.ts';

/** The SCGI header netstring for `vars` (CONTENT_LENGTH first, SCGI=1 added). */
function netstring(vars: Record<string, string>, contentLength: number): Buffer {
  const all = { CONTENT_LENGTH: String(contentLength), SCGI: '1', ...vars };
  const body = Object.entries(all).map(([k, v]) => `${k}\0${v}\0`).join('');
  return Buffer.from(`${Buffer.byteLength(body)}:${body},`, 'latin1');
}

/** A connection that collects everything the server sends until it closes. */
class Client {
  readonly socket: Socket;
  readonly chunks: Buffer[] = [];
  readonly closed: Promise<void>;
  #waiters: (() => void)[] = [];

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.on('data', (c: Buffer) => {
      this.chunks.push(c);
      for (const w of this.#waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) => this.socket.on('close', () => resolve()));
    this.socket.on('error', () => {});
  }

  get text(): string {
    return Buffer.concat(this.chunks).toString();
  }

  async until(test: (text: string) => boolean): Promise<void> {
    while (!test(this.text)) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }
}

const VARS = { REQUEST_METHOD: 'POST', SCRIPT_NAME: '', PATH_INFO: '/p', QUERY_STRING: 'q=1', CONTENT_TYPE: 'text/plain', SERVER_NAME: 'localhost', SERVER_PORT: '80', SERVER_PROTOCOL: 'HTTP/1.1', HTTP_X_TEST: 't' };

describe('parseNetstring', () => {
  it('reads the variables and where the body starts', () => {
    const data = Buffer.concat([netstring({ A: 'b' }, 3), Buffer.from('xyz')]);
    const parsed = parseNetstring(data);
    expect(parsed).not.toBe('bad');
    expect(parsed).not.toBe('incomplete');
    const { headers, end } = parsed as { headers: Map<string, string>; end: number };
    expect([...headers]).toEqual([['CONTENT_LENGTH', '3'], ['SCGI', '1'], ['A', 'b']]);
    expect(data.subarray(end).toString()).toBe('xyz');
  });

  it('waits for the rest of a header that has not all arrived', () => {
    const data = netstring({ A: 'b' }, 0);
    expect(parseNetstring(data.subarray(0, 2))).toBe('incomplete');
    expect(parseNetstring(data.subarray(0, data.length - 1))).toBe('incomplete');
  });

  it('refuses a header without the netstring shape or a CONTENT_LENGTH', () => {
    expect(parseNetstring(Buffer.from('GET / HTTP/1.1\r\n'))).toBe('bad');
    expect(parseNetstring(Buffer.from('4:A\0b\0;'))).toBe('bad');
    expect(parseNetstring(Buffer.from('4:A\0b\0,'))).toBe('bad');
  });

  it('accepts a header without SCGI=1, as a hand-written nginx configuration sends', () => {
    expect(parseNetstring(Buffer.from('17:CONTENT_LENGTH\u00000\u0000,'))).toMatchObject({ end: 21 });
  });
});

describe('SCGIServer', () => {
  const pool = new ThreadPool({ minThreads: 1, maxThreads: 2 });
  const logger = new WatchedLogger();
  const servers = new Map<string, { server: SCGIServer; port: number }>();
  beforeAll(async () => {
    pool.start();
    for (const name of ['echo', 'lineEcho', 'endless', 'failEarly']) {
      const server = new SCGIServer(pool, fixture(name), { logger });
      const address = await server.listen('tcp:0:interface=127.0.0.1');
      servers.set(name, { server, port: address.port });
    }
  });
  afterAll(async () => {
    for (const { server } of servers.values()) await server.close();
    await pool.stop();
  });

  it('answers a request in CGI format and closes the connection', async () => {
    const client = new Client(servers.get('echo')!.port);
    client.socket.end(Buffer.concat([netstring(VARS, 5), Buffer.from('hello')]));
    await client.closed;
    expect(client.text).toBe('Status: 201 Created\r\nContent-Type: text/plain; charset=utf-8\r\nX-Multi: one\r\nX-Multi: two\r\n\r\n' +
      'method=POST\npath=|/p\nquery=q=1\ntype=text/plain\nlength=5\nheader=t\nbody=hello\n');
  });

  it('hands the body to the application as it arrives, line by line', async () => {
    const client = new Client(servers.get('lineEcho')!.port);
    client.socket.write(netstring(VARS, 12));
    client.socket.write('one\n');
    await client.until((t) => t.endsWith('got one\n'));
    client.socket.write('two\n');
    await client.until((t) => t.endsWith('got two\n'));
    client.socket.write('six\n');
    await client.closed;
    expect(client.text.split('\r\n\r\n')[1]).toBe('got one\ngot two\ngot six\nend\n');
  });

  it('cancels the call and calls close() when the front end hangs up', async () => {
    const client = new Client(servers.get('endless')!.port);
    client.socket.write(netstring({ ...VARS, REQUEST_METHOD: 'GET' }, 0));
    await client.until((t) => t.length > 64 * 1024);
    client.socket.destroy();
    await logger.sees('wrote to errors: closed after');
  });

  it('answers 500 when the application fails before output', async () => {
    const client = new Client(servers.get('failEarly')!.port);
    client.socket.end(netstring(VARS, 0));
    await client.closed;
    expect(client.text).toMatch(/^Status: 500 Internal Server Error\r\n/);
    expect(logger.has('Gateway application error for POST /p')).toBe(true);
  });

  it('closes a connection whose header is malformed', async () => {
    const client = new Client(servers.get('echo')!.port);
    client.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await client.closed;
    expect(client.text).toBe('');
    expect(logger.has('malformed request header')).toBe(true);
  });
});
