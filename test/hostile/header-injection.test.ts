/**
 * Hostile input: CRLF injection (response splitting, log forging). Values an attacker
 * controls (a query argument, the path, the User-Agent) flow into `setHeader`,
 * `redirect`/`redirectTo`, `addCookie` and the access log; a CR or LF that survived
 * would start a header, a second response or a log line of the attacker's choosing.
 * Real sockets, so what is checked is the bytes on the wire and in the log.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Resource } from '../../lib/resource.ts';
import type { Request } from '../../lib/request.ts';
import { Site } from '../../lib/site.ts';
import { memoryLogger } from '../../lib/testing.ts';
import { redirectTo } from '../../lib/util.ts';
import { exchange } from '../support/raw-http.ts';

/** Echo `?v=` into a header, a redirect, a cookie. */
class Echo extends Resource {
  override isLeaf = true;
  render_GET(request: Request) {
    const value = request.args.get('v')?.[0] ?? '';
    switch (request.postpath[0]) {
      case 'header':
        request.setHeader('x-echo', value);
        return 'ok';
      case 'redirect':
        return redirectTo(value, request);
      case 'location':
        request.redirect(value);
        return '';
      case 'cookie':
        request.addCookie('c', value, { path: value, domain: value });
        return 'ok';
      default:
        return 'ok';
    }
  }
}

/** What an attacker puts in a value: every way to end a line, plain and encoded. */
const BREAKS = ['%0d%0a', '%0a', '%0d', '%0d%0d%0a', '%c4%8d%c4%8a', '%e5%98%8a%e5%98%8d', '%e2%80%a8', '%0d%0a%20', '%00%0d%0a'];
const INJECTED = 'X-Injected: 1';

let site: Site;
let port: number;
const log: string[] = [];

beforeAll(async () => {
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => log.push(...chunk.toString('utf8').split('\n').filter((l) => l !== '')));
  site = new Site(new Echo(), { logger: memoryLogger(), accessLog: stream });
  port = (await site.listen('tcp:0:interface=127.0.0.1')).address.port;
});

afterAll(() => site.close());

/** The response head's lines, after the status line. */
function headerLines(text: string): string[] {
  return text.slice(0, text.indexOf('\r\n\r\n')).split('\r\n').slice(1);
}

describe('CRLF injection (hostile input)', () => {
  for (const where of ['header', 'redirect', 'location', 'cookie']) {
    it(`security: keeps a line break in a value from starting a header of its own (${where})`, async () => {
      for (const crlf of BREAKS) {
        const text = await exchange(port, `GET /${where}?v=a${crlf}${encodeURIComponent(INJECTED)}${crlf}${crlf}<b>body</b> HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
        expect(text, crlf).toMatch(/^HTTP\/1\.1 (200|302) /);
        expect(headerLines(text).filter((line) => line.toLowerCase().startsWith('x-injected')), `${where} ${crlf}`).toEqual([]);
        expect(text.match(/HTTP\/1\.1 \d{3}/g), 'one response').toHaveLength(1);
      }
    });
  }

  it('security: writes one access log line per request, whatever the target and User-Agent hold', async () => {
    log.length = 0;
    const requests = [
      `GET /x%0d%0a127.0.0.1%20-%20-%20forged HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      `GET /"quoted" HTTP/1.1\r\nHost: x\r\nUser-Agent: a" "forged\r\nConnection: close\r\n\r\n`,
      `GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: \xff\xfe[31mred\r\nReferer: \\x0a\r\nConnection: close\r\n\r\n`,
    ];
    for (const raw of requests) await exchange(port, Buffer.from(raw, 'latin1'));
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(log).toHaveLength(requests.length);
    for (const line of log) {
      expect(line).not.toMatch(/[\x00-\x1f\x7f]/); // no raw control characters: nothing starts a line, colours a terminal
      // Every quote inside a field is escaped: the fields still split into the combined format's six.
      expect(line.replace(/\\"/g, '').split('"').length, line).toBe(9);
    }
  });

  it('security: never sees a raw control character in a header: Node\'s parser refuses it with 400 first', async () => {
    const text = await exchange(port, Buffer.from(`GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: \x1b[31mred\r\nConnection: close\r\n\r\n`, 'latin1'));
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
  });
});
