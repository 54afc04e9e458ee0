/**
 * Grades exercise 14: a log formatter that trusts X-Forwarded-For only from your own
 * proxies, and a Site configured to write it to a file. Run with `npm run grade 14`.
 * The Site's clock is a FakeClock pinned to 21 Nov 2026 19:26:33 UTC.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { Resource, type Address, type Request } from '../../lib/index.ts';
import { FakeClock, makeRequest, memoryLogger } from '../../lib/testing.ts';
import { GradingError } from '../../tools/grading/wire.ts';
import { subject } from '../../tools/grading/subject.ts';

const { clientAddressFor, trustedProxyLogFormatter, createLoggedSite } =
  await subject<typeof import('./trusted-proxy.ts')>(import.meta.url, 'trusted-proxy.ts');

const PROXIES = ['127.0.0.1', '10.0.0.2'];
const STAMP = '[21/Nov/2026:19:26:33 +0000]';
const NOW = Date.UTC(2026, 10, 21, 19, 26, 33) / 1000;

function from(host: string, forwardedFor?: string): Request {
  const client: Address = { type: 'IPv4', host, port: 40000 };
  return makeRequest({ uri: '/', client, headers: forwardedFor === undefined ? {} : { 'X-Forwarded-For': forwardedFor } });
}

function check(peer: string, header: string | undefined, expected: string, why: string): void {
  const got = clientAddressFor(from(peer, header), PROXIES);
  if (got !== expected) {
    throw new GradingError(`Trusted proxies: ${PROXIES.join(', ')}\nPeer (the connection): ${peer}\n` +
      `X-Forwarded-For: ${header ?? '(none)'}\n✗ expected the address ${JSON.stringify(expected)}, got ${JSON.stringify(got)}\n  ${why}`);
  }
}

describe('clientAddressFor', () => {
  it('logs the peer and ignores X-Forwarded-For when the peer is not a trusted proxy', () => {
    check('198.51.100.7', undefined, '198.51.100.7', 'Without a header, the peer is the client.');
    check('198.51.100.7', '1.2.3.4', '198.51.100.7', 'This peer is not one of our proxies: anything it says in the header may be made up.');
  });

  it('takes the address a trusted proxy appended', () => {
    check('127.0.0.1', '203.0.113.50', '203.0.113.50', 'Our proxy at 127.0.0.1 saw the client at 203.0.113.50.');
  });

  it('skips what the client itself put in front: the rightmost untrusted entry wins', () => {
    check('127.0.0.1', '1.2.3.4, 203.0.113.50', '203.0.113.50', 'The client sent "X-Forwarded-For: 1.2.3.4" itself; our proxy appended 203.0.113.50.');
  });

  it('walks past several trusted proxies, and trims the entries', () => {
    check('127.0.0.1', ' 1.2.3.4 ,203.0.113.50 , 10.0.0.2', '203.0.113.50', '10.0.0.2 is our proxy too: the client is the entry before it.');
  });

  it('logs the trusted peer itself when it sends no header', () => {
    check('10.0.0.2', undefined, '10.0.0.2', 'A request made by the proxy itself (a health check, say).');
  });

  it('logs the leftmost entry when every entry is a trusted proxy', () => {
    check('127.0.0.1', '10.0.0.2', '10.0.0.2', 'Every hop is one of ours: the leftmost entry is the furthest back we can see, further than the peer.');
  });
});

describe('trustedProxyLogFormatter', () => {
  it('formats a combined log line with the address clientAddressFor chose', () => {
    const request = makeRequest({
      uri: '/about?lang=en',
      client: { type: 'IPv4', host: '127.0.0.1', port: 40000 },
      headers: { 'X-Forwarded-For': '1.2.3.4, 203.0.113.50', 'User-Agent': 'curl/8.5.0', Referer: 'http://example.com/' },
    });
    request.code = 404;
    request.sentLength = 153;
    const line = trustedProxyLogFormatter(PROXIES)(STAMP, request);
    const expected = `"203.0.113.50" - - ${STAMP} "GET /about?lang=en HTTP/1.1" 404 153 "http://example.com/" "curl/8.5.0"`;
    if (line !== expected) throw new GradingError(`✗ expected the line\n    ${expected}\n  got\n    ${line}`);
  });
});

/**
 * The lines of the log file, once it holds `count` of them or a second has passed. A Site closes
 * a file it opened itself with every line written, so for that the first read is enough; a
 * stream opened by hand is not the Site's to close, and may still be writing when the Site
 * has closed. The second is a bound on failure, not a guess at how long a write takes.
 */
async function logLines(file: string, count: number): Promise<string[]> {
  const giveUp = Date.now() + 1000;
  for (;;) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new GradingError(`The access log file ${file} is gone. Pass its path as the Site's accessLog option.`);
    }
    const lines = text.split('\n').filter((l) => l !== '');
    if (lines.length >= count || Date.now() > giveUp) return lines;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('createLoggedSite', () => {
  it('appends one formatted line per request to the file, over a real connection', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-exercise-14-'));
    const file = join(dir, 'access.log');
    const root = new Resource();
    root.putChild('', new (class extends Resource {
      override isLeaf = true;
      render_GET() {
        return 'hello';
      }
    })());
    // A line from an earlier run: the log is appended to, never started afresh.
    const EARLIER = '"192.0.2.1" - - [20/Nov/2026:08:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "yesterday"';
    writeFileSync(file, `${EARLIER}\n`);
    const logger = memoryLogger();
    const site = createLoggedSite(root, file, ['127.0.0.1'], { clock: new FakeClock(NOW), logger });
    try {
      if (site.logger !== logger) {
        throw new GradingError('The options passed in were { clock, logger }.\n✗ expected the Site to keep the logger it was given, found another one\n' +
          '  Pass every option the caller gave on to the Site (spread them), not only the clock.');
      }
      const port = await site.listen('tcp:0:interface=127.0.0.1');
      await (await fetch(port.url, { headers: { 'user-agent': 'grader', 'x-forwarded-for': '1.2.3.4, 203.0.113.50' } })).text();
      await (await fetch(new URL('/nope', port.url), { headers: { 'user-agent': 'grader' } })).text();
      await site.close();
      const lines = await logLines(file, 3);
      if (lines.length === 1 && lines[0] === EARLIER) {
        throw new GradingError(`Two requests were answered, yet no line was added to the access log ${file}. Pass its path as the Site's accessLog option.`);
      }
      const problems: string[] = [];
      if (lines[0] !== EARLIER) {
        problems.push('expected the line already in the file to stay first: append to the log, do not start it afresh\n' +
          '  (the accessLog option opens a path for appending; a stream you open yourself with the default flags truncates it)');
      }
      const added = lines[0] === EARLIER ? lines.slice(1) : lines;
      if (added.length !== 2) problems.push(`expected 2 new lines after it, found ${added.length}`);
      if (added[0] !== `"203.0.113.50" - - ${STAMP} "GET / HTTP/1.1" 200 5 "-" "grader"`) {
        problems.push('expected the first new line to be\n    "203.0.113.50" - - [21/Nov/2026:19:26:33 +0000] "GET / HTTP/1.1" 200 5 "-" "grader"\n' +
          '  (the request came from the trusted 127.0.0.1, so the rightmost untrusted X-Forwarded-For entry is logged,\n' +
          '   at the time on the clock passed in the options)');
      }
      if (added[1] !== undefined && !added[1].startsWith(`"127.0.0.1" - - ${STAMP} "GET /nope HTTP/1.1" 404 `)) {
        problems.push('expected the second new line to log the peer 127.0.0.1 (no header) and the 404 for /nope');
      }
      if (problems.length > 0) throw new GradingError(`The log file holds:\n${lines.map((l) => `  ${l}`).join('\n')}\n${problems.map((p) => `✗ ${p}`).join('\n')}`);
    } finally {
      await site.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
