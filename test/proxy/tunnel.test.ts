/**
 * CONNECT tunnels through a live forward proxy: curl -x to a local TLS server (with the
 * test certificate in test/fixtures/tls), a refused port, and the tunnel's two ends
 * closing together. Every server listens on port 0; tests wait on events.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer, type Server, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoomError } from '../../lib/errors.ts';
import { ForwardProxyResource } from '../../lib/proxy/resource.ts';
import { tunnelTarget } from '../../lib/proxy/tunnel.ts';
import { Site } from '../../lib/site.ts';
import { memoryLogger } from '../../lib/testing.ts';
import { curl, requires } from '../support/programs.ts';
import { connect, exchange } from '../support/raw-http.ts';

const TLS = join(import.meta.dirname, '..', 'fixtures', 'tls');
const curlProgram = requires('curl');

function listening(server: Server | HttpsServer): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

describe('tunnelTarget', () => {
  const https = new Set([443]);

  it('reads host:port, and a bracketed IPv6 address', () => {
    expect(tunnelTarget('example.com:443', https)).toEqual({ host: 'example.com', port: 443 });
    expect(tunnelTarget('[::1]:443', https)).toEqual({ host: '::1', port: 443 });
  });

  it('answers 400 for a target that is not host:port', () => {
    for (const bad of ['example.com', 'http://example.com/', 'example.com:0', 'example.com:99999', ':443', 'a b:443']) {
      let caught: unknown;
      try {
        tunnelTarget(bad, https);
      } catch (error) {
        caught = error;
      }
      expect(isLoomError(caught, 'LOOM_ERR_BAD_REQUEST') && caught.status === 400, bad).toBe(true);
    }
  });

  it('refuses a port it does not tunnel to with 403 and says why, so it is never an open relay (security)', () => {
    expect(() => tunnelTarget('mail.example.com:25', https)).toThrow('This proxy only opens tunnels to port 443, so it will not connect to port 25');
    expect(() => tunnelTarget('example.com:443', new Set())).toThrow('This proxy opens no tunnels');
    try {
      tunnelTarget('example.com:22', https);
    } catch (error) {
      expect(isLoomError(error, 'LOOM_ERR_TUNNEL_REFUSED') && error.status === 403).toBe(true);
    }
  });
});

describe('ForwardProxyResource: CONNECT on a live Site', () => {
  let origin: HttpsServer;
  let originPort: number;
  let plain: Server;
  let plainPort: number;
  const plainSockets: Socket[] = [];
  let proxy: ForwardProxyResource;
  let site: Site;
  let proxyPort: number;
  let log = '';

  beforeAll(async () => {
    origin = createHttpsServer({ key: readFileSync(join(TLS, 'key.pem')), cert: readFileSync(join(TLS, 'cert.pem')) }, (req, res) => {
      res.end(`secret over TLS: ${req.url}`);
    });
    originPort = await listening(origin);
    // A plain TCP server that echoes, for watching the tunnel's two ends.
    plain = createServer((socket) => {
      plainSockets.push(socket);
      socket.on('data', (d) => socket.write(`echo:${d.toString()}`));
      socket.on('error', () => {});
    });
    plainPort = await listening(plain);
    const accessLog = new PassThrough();
    accessLog.on('data', (d: Buffer) => void (log += d.toString()));
    proxy = new ForwardProxyResource({ tunnelPorts: [originPort, plainPort] });
    site = new Site(proxy, { logger: memoryLogger(), accessLog });
    proxyPort = (await site.listen('tcp:0:interface=127.0.0.1')).address.port;
  });

  afterAll(async () => {
    for (const s of plainSockets) s.destroy();
    await site.close();
    await proxy.close();
    origin.closeAllConnections();
    await new Promise((resolve) => origin.close(resolve));
    await new Promise((resolve) => plain.close(resolve));
  });

  curlProgram.it('carries curl -x to an https:// URL, end to end TLS, and logs the tunnel when it ends', async () => {
    const { code, body } = await curl('--cacert', join(TLS, 'cert.pem'), '-x', `http://127.0.0.1:${proxyPort}`, `https://127.0.0.1:${originPort}/inside`);
    expect(code).toBe('200');
    expect(body).toBe('secret over TLS: /inside');
    // curl closes the tunnel when it is done: the proxy logs one line, with the bytes it sent back.
    while (!log.includes('CONNECT')) await new Promise((resolve) => setImmediate(resolve));
    expect(log).toMatch(new RegExp(`^"127\\.0\\.0\\.1" - - \\[[^\\]]+\\] "CONNECT 127\\.0\\.0\\.1:${originPort} HTTP/1\\.1" 200 \\d{3,} "-" "curl/`, 'm'));
  });

  curlProgram.it('answers curl -x to a port it does not tunnel to with 403', async () => {
    const refused = new Site(new ForwardProxyResource(), { logger: memoryLogger() });
    const port = (await refused.listen('tcp:0:interface=127.0.0.1')).address.port;
    try {
      // curl exits 56 when the proxy refuses the tunnel: read the CONNECT status from -w.
      const code = await new Promise<string>((resolve) => {
        execFile('curl', ['-s', '-o', '/dev/null', '-w', '%{http_connect}', '-x', `http://127.0.0.1:${port}`, `https://127.0.0.1:${originPort}/`],
          { encoding: 'utf8', timeout: 10_000 }, (_error, stdout) => resolve(stdout));
      });
      expect(code).toBe('403');
      const raw = await exchange(port, `CONNECT 127.0.0.1:${originPort} HTTP/1.1\r\nHost: x\r\n\r\n`);
      expect(raw).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
      expect(raw).toContain(`This proxy only opens tunnels to port 443, so it will not connect to port ${originPort}`);
    } finally {
      await refused.close();
    }
  });

  it('passes bytes both ways, including those sent with the CONNECT itself', async () => {
    const client = await connect(proxyPort);
    client.socket.write(`CONNECT 127.0.0.1:${plainPort} HTTP/1.1\r\nHost: x\r\n\r\nearly`);
    const head = await client.readUntil('echo:early');
    expect(head).toMatch(/^HTTP\/1\.1 200 Connection Established\r\n\r\necho:early$/);
    client.socket.write('later');
    expect(await client.readUntil('echo:later')).toContain('echo:later');
    client.socket.destroy();
  });

  /** A tunnel to the echo server, open: the client's socket and the target's end of it. */
  async function openToPlain() {
    const before = plainSockets.length;
    const client = await connect(proxyPort);
    client.socket.write(`CONNECT 127.0.0.1:${plainPort} HTTP/1.1\r\nHost: x\r\n\r\n`);
    await client.readUntil('Connection Established\r\n\r\n');
    while (plainSockets.length === before) await new Promise((resolve) => setImmediate(resolve));
    return { client, target: plainSockets.at(-1)! };
  }

  it('closes the client side when the target goes away', async () => {
    const { client, target } = await openToPlain();
    target.destroy();
    await client.closed; // resolves only when the proxy closed the client's connection
  });

  it('closes the target side when the client goes away', async () => {
    const { client, target } = await openToPlain();
    const targetClosed = new Promise((resolve) => target.once('close', resolve));
    client.socket.destroy();
    await targetClosed;
  });

  it('answers 502 when nothing listens at the target', async () => {
    const gone = createServer();
    const port = await listening(gone);
    await new Promise((resolve) => gone.close(resolve));
    proxy.tunnelPorts = new Set([port]);
    try {
      const raw = await exchange(proxyPort, `CONNECT 127.0.0.1:${port} HTTP/1.1\r\nHost: x\r\n\r\n`);
      expect(raw).toMatch(/^HTTP\/1\.1 502 Bad Gateway\r\n/);
    } finally {
      proxy.tunnelPorts = new Set([originPort, plainPort]);
    }
  });
});
