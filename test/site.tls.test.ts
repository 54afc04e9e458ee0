/**
 * A Site on an `ssl:` endpoint: HTTP/1.1 and HTTP/2 chosen by ALPN, through the same
 * Site and Request, checked with real clients (curl, nghttp, Node's http2 client).
 * The certificate is made by openssl for each run (test/support/tls.ts).
 */
import { execFile } from 'node:child_process';
import { connect as http2Connect, type ClientHttp2Session } from 'node:http2';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_DONE_YET, Resource, Site, type Request } from '../lib/index.ts';
import { memoryLogger } from '../lib/testing.ts';
import { requires } from './support/programs.ts';
import { makeCertificate, type TestCertificate } from './support/tls.ts';

const openssl = requires('openssl');
const curlProgram = requires('curl');
const nghttp = requires('nghttp', { install: 'apt-get install nghttp2-client' });

/** Answers with what the request saw of its connection, so each client can check it. */
class Echo extends Resource {
  override isLeaf = true;
  render_GET(request: Request): string {
    request.getSession();
    if (request.args.has('connection-headers')) {
      // What a proxy copying an HTTP/1 upstream's headers could set; HTTP/2 forbids them all.
      request.setHeader('connection', 'keep-alive');
      request.setHeader('keep-alive', 'timeout=5');
      request.setHeader('transfer-encoding', 'identity');
    }
    if (request.args.has('addresses')) {
      const client = request.getClientAddress();
      const host = request.getHost();
      return `client=${client.type} ${client.host} host=${host.type} ${host.host}:${host.port}`;
    }
    if (request.args.has('cookies')) {
      request.addCookie('first', '1');
      request.addCookie('second', '2');
    }
    return `${request.clientproto} secure=${request.isSecure()} host=${request.getRequestHostname()} url=${request.prePathURL()}`;
  }
  render_POST(request: Request): string {
    return `got ${request.content.length} bytes: ${request.content.text()}`;
  }
}

/** Answers after the test says so: a request held in flight. */
class Held extends Resource {
  override isLeaf = true;
  release: (() => void) | null = null;
  arrived: Promise<void>;
  #arrived!: () => void;
  constructor() {
    super();
    this.arrived = new Promise((resolve) => (this.#arrived = resolve));
  }
  render_GET(request: Request): typeof NOT_DONE_YET {
    this.release = () => {
      request.write('finished in flight');
      request.finish();
    };
    this.#arrived();
    return NOT_DONE_YET;
  }
}

/** A 304 with a body its resource wrote anyway, which must not be sent. */
class NotModified extends Resource {
  override isLeaf = true;
  render_GET(request: Request): string {
    request.setResponseCode(304);
    return 'not to be sent';
  }
}

/** 4 MiB written in 64 KiB pieces, waiting for the stream to drain whenever write() says so. */
class Big extends Resource {
  override isLeaf = true;
  static readonly PIECE = Buffer.alloc(64 * 1024, 'abcdefgh');
  waited = 0;
  render_GET(request: Request): typeof NOT_DONE_YET {
    void (async () => {
      for (let i = 0; i < 64; i++) {
        if (!request.write(Big.PIECE)) {
          this.waited += 1;
          await request.waitForDrain();
        }
      }
      request.finish();
    })();
    return NOT_DONE_YET;
  }
}

/** Writes a first piece and never finishes: what the Request sees when the client resets the stream. */
class Hanging extends Resource {
  override isLeaf = true;
  outcome: Promise<string> | null = null;
  render_GET(request: Request): typeof NOT_DONE_YET {
    this.outcome = request.notifyFinish().then(() => 'finished', (error: { code?: string }) => String(error.code));
    request.write('first piece');
    return NOT_DONE_YET;
  }
}

function run(program: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(program, args, { encoding: 'utf8', timeout: 10_000 }, (error, stdout, stderr) => (error === null ? resolve({ stdout, stderr }) : reject(error)));
  });
}

/** GET or POST over HTTP/2 with Node's client; `body` is sent without a Content-Length. */
function h2Request(session: ClientHttp2Session, path: string, body?: string): Promise<H2Answer> {
  return h2Exchange(session, { ':path': path, ':method': body === undefined ? 'GET' : 'POST' }, body);
}

interface H2Answer {
  status: number;
  headers: Record<string, unknown>;
  text: string;
  /** The statuses of the informational (1xx) answers before the final one. */
  informational: number[];
}

/** One stream with these request headers, `body` sent after them (and after a 100 when asking for one). */
function h2Exchange(session: ClientHttp2Session, headers: Record<string, string>, body?: string): Promise<H2Answer> {
  return new Promise((resolve, reject) => {
    const stream = session.request(headers, { endStream: body === undefined });
    let text = '';
    let responseHeaders: Record<string, unknown> = {};
    const informational: number[] = [];
    stream.setEncoding('utf8');
    stream.on('response', (h) => (responseHeaders = h));
    stream.on('headers', (h) => informational.push(Number(h[':status'])));
    stream.on('continue', () => stream.end(body));
    stream.on('data', (chunk: string) => (text += chunk));
    stream.on('end', () => resolve({ status: Number(responseHeaders[':status']), headers: responseHeaders, text, informational }));
    stream.on('error', reject);
    if (body !== undefined && headers.expect === undefined) stream.end(body);
  });
}

openssl.describe('Site on an ssl: endpoint', () => {
  let certificate: TestCertificate;
  let site: Site;
  let base: string;
  let port: number;
  const big = new Big();
  const hanging = new Hanging();
  /** Open an HTTP/2 session to the site (trusting the test's certificate), use it, close it. */
  async function overHttp2(use: (session: ClientHttp2Session) => Promise<void>): Promise<void> {
    const session = http2Connect(base, { ca: certificate.pem, servername: 'localhost' });
    try {
      await use(session);
    } finally {
      session.close();
    }
  }
  beforeAll(async () => {
    certificate = makeCertificate();
    const root = new Resource();
    root.putChild('echo', new Echo());
    root.putChild('not-modified', new NotModified());
    root.putChild('big', big);
    root.putChild('hanging', hanging);
    site = new Site(root, { logger: memoryLogger() });
    const listening = await site.listen(certificate.endpoint);
    base = listening.url;
    port = listening.address.port;
  });
  afterAll(async () => {
    await site?.close();
    certificate?.remove();
  });

  it('gives an https:// URL for the port', () => {
    expect(base).toBe(`https://127.0.0.1:${port}/`);
  });

  it('offers h2 and http/1.1 by ALPN, h2 first', async () => {
    const chosen = (offer: string[]) => new Promise<string | false>((resolve, reject) => {
      const socket = tlsConnect({ host: '127.0.0.1', port, ca: certificate.pem, servername: 'localhost', ALPNProtocols: offer }, () => {
        resolve(socket.alpnProtocol ?? false);
        socket.destroy();
      }).on('error', reject);
    });
    expect(await chosen(['http/1.1', 'h2'])).toBe('h2');
    expect(await chosen(['http/1.1'])).toBe('http/1.1');
  });

  curlProgram.it('answers curl --cacert over HTTP/1.1: secure, a Secure session cookie, an https prePathURL', async () => {
    const { stdout } = await run('curl', ['-s', '-i', '--http1.1', '--cacert', certificate.cert, '--resolve', `localhost:${port}:127.0.0.1`, `https://localhost:${port}/echo`]);
    expect(stdout).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(stdout).toContain(`HTTP/1.1 secure=true host=localhost url=https://localhost:${port}/echo`);
    expect(stdout).toMatch(/^Set-Cookie: TWISTED_SECURE_SESSION=\w+; Path=\/; Secure; HttpOnly; SameSite=lax\r$/m);
  });

  curlProgram.it('answers curl --http2 over HTTP/2 through the same resource', async () => {
    const { stdout } = await run('curl', ['-s', '-i', '--http2', '--cacert', certificate.cert, '--resolve', `localhost:${port}:127.0.0.1`, `https://localhost:${port}/echo`]);
    expect(stdout).toMatch(/^HTTP\/2 200/);
    // :authority became the Host header; the session cookie is Secure here too.
    expect(stdout).toContain(`HTTP/2 secure=true host=localhost url=https://localhost:${port}/echo`);
    expect(stdout).toMatch(/^set-cookie: TWISTED_SECURE_SESSION=\w+; Path=\/; Secure; HttpOnly; SameSite=lax\r$/m);
  });

  curlProgram.it('takes a POST body over HTTP/2 from curl', async () => {
    const { stdout } = await run('curl', ['-s', '--http2', '--cacert', certificate.cert, '--resolve', `localhost:${port}:127.0.0.1`, '--data-binary', 'hello h2', `https://localhost:${port}/echo`]);
    expect(stdout).toBe('got 8 bytes: hello h2');
  });

  nghttp.it('answers nghttp, which speaks nothing but HTTP/2', async () => {
    const { stdout } = await run('nghttp', ['-v', `https://127.0.0.1:${port}/echo`]);
    expect(stdout).toContain('The negotiated protocol: h2');
    expect(stdout).toContain(':status: 200');
    expect(stdout).toContain('HTTP/2 secure=true host=127.0.0.1');
  });

  it('reads an HTTP/2 body sent without a Content-Length, to the end of the stream', async () => {
    await overHttp2(async (session) => {
      const answer = await h2Request(session, '/echo', 'no length given');
      expect(answer.text).toBe('got 15 bytes: no length given');
    });
  });

  it('drops the connection headers a resource sets, which HTTP/2 forbids, instead of failing', async () => {
    await overHttp2(async (session) => {
      const answer = await h2Request(session, '/echo?connection-headers=1');
      expect(answer.status).toBe(200);
      expect(answer.text).toContain('HTTP/2 secure=true');
      expect([answer.headers.connection, answer.headers['keep-alive'], answer.headers['transfer-encoding']]).toEqual([undefined, undefined, undefined]);
    });
  });

  it('sends each cookie as its own Set-Cookie over HTTP/2, beside the session cookie', async () => {
    await overHttp2(async (session) => {
      const answer = await h2Request(session, '/echo?cookies=1');
      const cookies = answer.headers['set-cookie'] as string[];
      expect(cookies).toHaveLength(3);
      expect(cookies.filter((c) => c.startsWith('first=1') || c.startsWith('second=2'))).toHaveLength(2);
      expect(cookies.some((c) => c.startsWith('TWISTED_SECURE_SESSION'))).toBe(true);
    });
  });

  it('tells a resource the client\'s and its own address over HTTP/2, from the connection under the stream', async () => {
    await overHttp2(async (session) => {
      const answer = await h2Request(session, '/echo?addresses=1');
      expect(answer.text).toBe(`client=IPv4 127.0.0.1 host=IPv4 127.0.0.1:${port}`);
    });
  });

  it('answers HEAD over HTTP/2 with the headers a GET gets and no body', async () => {
    await overHttp2(async (session) => {
      const get = await h2Exchange(session, { ':path': '/echo', ':method': 'GET' });
      const head = await h2Exchange(session, { ':path': '/echo', ':method': 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers['content-length']).toBe(get.headers['content-length']);
      expect(head.text).toBe('');
    });
  });

  it('sends no body with a 304 over HTTP/2, even one its resource wrote', async () => {
    await overHttp2(async (session) => {
      const answer = await h2Request(session, '/not-modified');
      expect(answer.status).toBe(304);
      expect(answer.text).toBe('');
    });
  });

  it('answers Expect: 100-continue over HTTP/2 with a 100, then takes the body', async () => {
    await overHttp2(async (session) => {
      const answer = await h2Exchange(session, { ':path': '/echo', ':method': 'POST', expect: '100-continue', 'content-length': '5' }, 'hello');
      expect(answer.informational).toEqual([100]);
      expect(answer.text).toBe('got 5 bytes: hello');
    });
  });

  it('refuses an expectation other than 100-continue over HTTP/2 with 417', async () => {
    await overHttp2(async (session) => {
      const answer = await h2Exchange(session, { ':path': '/echo', ':method': 'GET', expect: 'a-pony' });
      expect(answer.status).toBe(417);
      expect(answer.text).toContain('a-pony');
    });
  });

  it('renders a CONNECT over HTTP/2 through the tree, as over HTTP/1.1: no child is named for its authority', async () => {
    await overHttp2(async (session) => {
      const answer = await h2Exchange(session, { ':method': 'CONNECT', ':authority': 'example.com:443' });
      expect(answer.status).toBe(404);
      expect(answer.text).toContain('No Such Resource');
    });
  });

  it('streams a 4 MiB body over HTTP/2, waiting for the stream to drain, every byte in order', async () => {
    await overHttp2(async (session) => {
      const answer = await h2Request(session, '/big');
      expect(answer.status).toBe(200);
      expect(answer.text.length).toBe(4 * 1024 * 1024);
      expect(answer.text).toBe(Big.PIECE.toString('latin1').repeat(64));
      expect(big.waited).toBeGreaterThan(0); // 4 MiB is past any stream's buffer: write() said wait at least once
    });
  });

  it('tells the Request its client left when the client resets the stream mid-response, and keeps serving the session', async () => {
    await overHttp2(async (session) => {
      const stream = session.request({ ':path': '/hanging' });
      await new Promise<void>((resolve) => stream.once('data', () => resolve()));
      stream.close(8 /* NGHTTP2_CANCEL */);
      await expect(hanging.outcome).resolves.toBe('LOOM_ERR_CONNECTION_LOST');
      expect((await h2Request(session, '/echo')).status).toBe(200);
    });
  });

  it('answers 404 over HTTP/2 the usual way', async () => {
    await overHttp2(async (session) => {
      const answer = await h2Request(session, '/nowhere');
      expect(answer.status).toBe(404);
      expect(answer.text).toContain('No Such Resource');
    });
  });
});

openssl.describe('Site on an ssl: endpoint, stopping', () => {
  let certificate: TestCertificate;
  beforeAll(() => void (certificate = makeCertificate()));
  afterAll(() => certificate?.remove());

  it('lets an HTTP/2 request in flight finish when closed, and refuses new connections', async () => {
    const held = new Held();
    const site = new Site(held, { logger: memoryLogger() });
    const { url, address } = await site.listen(certificate.endpoint);
    const session = http2Connect(url, { ca: certificate.pem, servername: 'localhost' });
    const answer = h2Request(session, '/');
    await held.arrived;
    const closed = site.close();
    // GOAWAY was sent and the port is closed: a new connection is refused.
    await expect(new Promise((resolve, reject) => tlsConnect({ host: '127.0.0.1', port: address.port, ca: certificate.pem }, () => resolve('connected')).on('error', reject)))
      .rejects.toMatchObject({ code: 'ECONNREFUSED' });
    held.release!();
    expect((await answer).text).toBe('finished in flight');
    await closed;
    session.destroy();
  });

  it('refuses a key file that is not there, naming it, with how to make one', async () => {
    const site = new Site(new Resource(), { logger: memoryLogger() });
    await expect(site.listen(`ssl:0:privateKey=${certificate.dir}/missing.pem:certKey=${certificate.cert}`)).rejects.toMatchObject({
      code: 'LOOM_ERR_TLS_CREDENTIALS', message: expect.stringMatching(/missing\.pem[\s\S]*openssl req/),
    });
  });

  it('refuses a certificate that is not the key\'s', async () => {
    const other = makeCertificate();
    try {
      const site = new Site(new Resource(), { logger: memoryLogger() });
      await expect(site.listen(`ssl:0:privateKey=${other.key}:certKey=${certificate.cert}`)).rejects.toMatchObject({ code: 'LOOM_ERR_TLS_CREDENTIALS' });
    } finally {
      other.remove();
    }
  });
});
