/**
 * Hostile input: request smuggling. Each attack hides a second request,
 * `GET /smuggled`, inside the first one's body where a server that reads the framing
 * differently from its neighbour would see it as a request of its own. Sent to a Site
 * directly and to a Site that proxies to a backend: neither Loom nor the backend behind
 * it may ever answer or see `/smuggled`, and each ambiguous message is refused with 400.
 * Node's parser does the framing (strict llhttp); these cases hold it, and Loom's proxy,
 * to that.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReverseProxyResource } from '../../lib/proxy/resource.ts';
import { Resource } from '../../lib/resource.ts';
import type { Request } from '../../lib/request.ts';
import { Site } from '../../lib/site.ts';
import { memoryLogger } from '../../lib/testing.ts';
import { startBackend, startSite, type Backend, type ProxySite } from '../support/proxy-backend.ts';
import { exchange, statusLines } from '../support/raw-http.ts';

class Seen extends Resource {
  override isLeaf = true;
  render_GET(request: Request) {
    return `seen ${request.method} ${request.path}`;
  }
  render_POST(request: Request) {
    return `seen ${request.method} ${request.path} (${request.content.length} bytes)`;
  }
}

const SMUGGLED = 'GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n';

/** Each attack by name: the bytes sent, all in one write. */
const ATTACKS: Record<string, string> = {
  'Content-Length and Transfer-Encoding (CL.TE)': `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${SMUGGLED}`,
  'Transfer-Encoding and Content-Length (TE.CL)': `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 40\r\n\r\n0\r\n\r\n${SMUGGLED}`,
  'two Content-Lengths that differ': `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 38\r\n\r\n${SMUGGLED}`,
  'a Content-Length list': `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0, 38\r\n\r\n${SMUGGLED}`,
  'a signed Content-Length': `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +0\r\n\r\n${SMUGGLED}`,
  'a space before the colon': `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\nContent-Length: 38\r\n\r\n0\r\n\r\n${SMUGGLED}`,
  'a folded Transfer-Encoding': `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n${SMUGGLED}`,
  'an unknown coding (xchunked)': `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n${SMUGGLED}`,
  'chunked not last': `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n${SMUGGLED}`,
  'a vertical tab in Transfer-Encoding': `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\x0bchunked\r\n\r\n0\r\n\r\n${SMUGGLED}`,
  'a chunk size that overflows': `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff1\r\nx\r\n0\r\n\r\n${SMUGGLED}`,
  'a chunk size in hex notation (0x)': `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0x0\r\n\r\n${SMUGGLED}`,
  'a chunk extension ended by a bare LF': `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0;ext\n\r\n${SMUGGLED}`,
  'a chunk whose data runs past its size': `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nxx\r\n0\r\n\r\n${SMUGGLED}`,
  'bare LF line endings': `POST / HTTP/1.1\nHost: x\nContent-Length: 38\n\n${SMUGGLED}`,
  'a NUL in a header value': `POST / HTTP/1.1\r\nHost: x\r\nX: a\x00b\r\nContent-Length: 0\r\n\r\n${SMUGGLED}`,
  'a header name with a space': `POST / HTTP/1.1\r\nHost: x\r\nContent Length: 38\r\n\r\n${SMUGGLED}`,
};

describe('request smuggling (hostile input)', () => {
  let site: Site;
  let port: number;
  let backend: Backend;
  let proxy: ReverseProxyResource;
  let front: ProxySite;

  beforeAll(async () => {
    site = new Site(new Seen(), { logger: memoryLogger() });
    port = (await site.listen('tcp:0:interface=127.0.0.1')).address.port;
    backend = await startBackend();
    proxy = new ReverseProxyResource('127.0.0.1', backend.port, '', { timeout: 5 });
    front = await startSite(proxy);
  });

  afterAll(async () => {
    await site.close();
    await front.site.close();
    await proxy.close();
    await backend.close();
  });

  it('answers a pipelined pair that is framed plainly, both of them (the check below can see a second request)', async () => {
    const text = await exchange(port, `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(text).toContain('seen GET /smuggled');
  });

  for (const [name, bytes] of Object.entries(ATTACKS)) {
    it(`security: refuses ${name} with 400 and answers nothing smuggled`, async () => {
      const text = await exchange(port, bytes);
      expect(statusLines(text)[0]).toBe('HTTP/1.1 400 Bad Request');
      expect(text).not.toContain('/smuggled');
    });
  }

  it('security: lets none of them reach the backend behind the reverse proxy as a request of its own', async () => {
    for (const [name, bytes] of Object.entries(ATTACKS)) {
      const text = await exchange(front.port, bytes);
      expect(statusLines(text)[0], name).toBe('HTTP/1.1 400 Bad Request');
    }
    expect(backend.seen.map((s) => s.url)).not.toContain('/smuggled');
  });
});
