import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeParams, encodeParams, encodeRecord, FastCGIServer, FCGI, readRecord, type FcgiRecord } from '../../lib/gateway/fastcgi.ts';
import { ThreadPool } from '../../lib/gateway/pool.ts';
import { fixture, WatchedLogger } from './support.ts';

const VARS = { REQUEST_METHOD: 'POST', SCRIPT_NAME: '', PATH_INFO: '/p', QUERY_STRING: 'q=1', CONTENT_TYPE: 'text/plain', SERVER_NAME: 'localhost', SERVER_PORT: '80', SERVER_PROTOCOL: 'HTTP/1.1', HTTP_X_TEST: 't' };

/** BEGIN_REQUEST (responder role, keep-conn flag as asked) and the whole PARAMS stream. */
function begin(id: number, vars: Record<string, string>, keepConn = false, role = 1): Buffer {
  const content = Buffer.alloc(8);
  content.writeUInt16BE(role, 0);
  content[2] = keepConn ? 1 : 0;
  return Buffer.concat([encodeRecord(FCGI.BEGIN_REQUEST, id, content), encodeRecord(FCGI.PARAMS, id, encodeParams(vars)), encodeRecord(FCGI.PARAMS, id, Buffer.alloc(0))]);
}

function stdin(id: number, data: string): Buffer {
  return encodeRecord(FCGI.STDIN, id, Buffer.from(data));
}

/** A front end's side of a connection: sends records, collects the records that come back. */
class FrontEnd {
  readonly socket: Socket;
  readonly records: FcgiRecord[] = [];
  readonly closed: Promise<void>;
  #buffer = Buffer.alloc(0);
  #waiters: (() => void)[] = [];

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.on('error', () => {});
    this.socket.on('data', (data: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, data]);
      for (let r = readRecord(this.#buffer, 0); r !== null; r = readRecord(this.#buffer, 0)) {
        this.records.push({ ...r.record, content: Buffer.from(r.record.content) });
        this.#buffer = this.#buffer.subarray(r.next);
      }
      for (const w of this.#waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) => this.socket.on('close', () => resolve()));
  }

  /** The STDOUT of request `id`, as text. */
  stdout(id: number): string {
    return Buffer.concat(this.records.filter((r) => r.type === FCGI.STDOUT && r.requestId === id).map((r) => r.content)).toString();
  }

  ended(id: number): FcgiRecord | undefined {
    return this.records.find((r) => r.type === FCGI.END_REQUEST && r.requestId === id);
  }

  async until(test: () => boolean): Promise<void> {
    while (!test()) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }
}

const ECHO_ANSWER = 'Status: 201 Created\r\nContent-Type: text/plain; charset=utf-8\r\nX-Multi: one\r\nX-Multi: two\r\n\r\n' +
  'method=POST\npath=|/p\nquery=q=1\ntype=text/plain\nlength=5\nheader=t\nbody=hello\n';

describe('FastCGI records', () => {
  it('encodes and decodes name-value pairs, long ones with four-byte lengths', () => {
    const params = { SHORT: 'v', LONG: 'x'.repeat(300), ['N'.repeat(200)]: '' };
    expect(decodeParams(encodeParams(params))).toEqual(params);
  });

  it('pads records to a multiple of 8 bytes and reads them back', () => {
    const record = encodeRecord(FCGI.STDOUT, 7, Buffer.from('abc'));
    expect(record.length).toBe(16);
    expect(readRecord(record, 0)?.record).toMatchObject({ type: FCGI.STDOUT, requestId: 7 });
    expect(readRecord(record.subarray(0, 10), 0)).toBeNull();
  });
});

describe('FastCGIServer', () => {
  const pool = new ThreadPool({ minThreads: 1, maxThreads: 2 });
  const logger = new WatchedLogger();
  const servers = new Map<string, { server: FastCGIServer; port: number }>();
  beforeAll(async () => {
    pool.start();
    for (const name of ['echo', 'lineEcho', 'endless', 'failEarly']) {
      const server = new FastCGIServer(pool, fixture(name), { logger });
      const address = await server.listen('tcp:0:interface=127.0.0.1');
      servers.set(name, { server, port: address.port });
    }
  });
  afterAll(async () => {
    for (const { server } of servers.values()) await server.close();
    await pool.stop();
  });

  it('answers in STDOUT records, then END_REQUEST, and closes without keep-conn', async () => {
    const front = new FrontEnd(servers.get('echo')!.port);
    front.socket.write(Buffer.concat([begin(1, { ...VARS, CONTENT_LENGTH: '5' }), stdin(1, 'hel'), stdin(1, 'lo'), stdin(1, '')]));
    await front.closed;
    expect(front.stdout(1)).toBe(ECHO_ANSWER);
    const end = front.ended(1)!;
    expect([end.content.readUInt32BE(0), end.content[4]]).toEqual([0, 0]);
  });

  it('keeps the connection for the next request with keep-conn, and serves requests multiplexed on it', async () => {
    const front = new FrontEnd(servers.get('echo')!.port);
    front.socket.write(Buffer.concat([begin(1, { ...VARS, CONTENT_LENGTH: '5' }, true), begin(2, { ...VARS, CONTENT_LENGTH: '5' }, true),
      stdin(2, 'hello'), stdin(1, 'hello'), stdin(2, ''), stdin(1, '')]));
    await front.until(() => front.ended(1) !== undefined && front.ended(2) !== undefined);
    expect([front.stdout(1), front.stdout(2)]).toEqual([ECHO_ANSWER, ECHO_ANSWER]);
    front.socket.write(Buffer.concat([begin(1, { ...VARS, CONTENT_LENGTH: '5' }, true), stdin(1, 'again'), stdin(1, '')]));
    await front.until(() => front.records.filter((r) => r.type === FCGI.END_REQUEST).length === 3);
    expect(front.stdout(1)).toContain('body=again');
    front.socket.end();
    await front.closed;
  });

  it('hands STDIN to the application as it arrives', async () => {
    const front = new FrontEnd(servers.get('lineEcho')!.port);
    front.socket.write(Buffer.concat([begin(3, { ...VARS, CONTENT_LENGTH: '8' }), stdin(3, 'one\n')]));
    await front.until(() => front.stdout(3).endsWith('got one\n'));
    front.socket.write(stdin(3, 'two\n'));
    await front.until(() => front.stdout(3).endsWith('got two\n'));
    front.socket.write(stdin(3, ''));
    await front.closed;
    expect(front.stdout(3).split('\r\n\r\n')[1]).toBe('got one\ngot two\nend\n');
  });

  it('stops the application and calls close() on ABORT_REQUEST, then ends the request', async () => {
    const front = new FrontEnd(servers.get('endless')!.port);
    front.socket.write(Buffer.concat([begin(4, { ...VARS, REQUEST_METHOD: 'GET' }, true), stdin(4, '')]));
    await front.until(() => front.stdout(4).length > 64 * 1024);
    front.socket.write(encodeRecord(FCGI.ABORT_REQUEST, 4, Buffer.alloc(0)));
    await front.until(() => front.ended(4) !== undefined);
    await logger.sees('wrote to errors: closed after');
    front.socket.destroy();
  });

  it('answers 500 in STDOUT when the application fails before output', async () => {
    const front = new FrontEnd(servers.get('failEarly')!.port);
    front.socket.write(Buffer.concat([begin(5, VARS), stdin(5, '')]));
    await front.closed;
    expect(front.stdout(5)).toMatch(/^Status: 500 Internal Server Error\r\n/);
  });

  it('answers GET_VALUES, and refuses a role other than responder with UNKNOWN_ROLE', async () => {
    const front = new FrontEnd(servers.get('echo')!.port);
    front.socket.write(encodeRecord(FCGI.GET_VALUES, 0, encodeParams({ FCGI_MPXS_CONNS: '', FCGI_MAX_REQS: '', toString: '' })));
    front.socket.write(begin(6, VARS, true, 2));
    await front.until(() => front.records.some((r) => r.type === FCGI.GET_VALUES_RESULT) && front.ended(6) !== undefined);
    expect(decodeParams(front.records.find((r) => r.type === FCGI.GET_VALUES_RESULT)!.content)).toEqual({ FCGI_MPXS_CONNS: '1', FCGI_MAX_REQS: '1000' });
    expect(front.ended(6)!.content[4]).toBe(3);
    front.socket.destroy();
  });
});
