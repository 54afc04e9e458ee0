import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AccessLog, combinedLogFormatter, escapeField, logTimestamp, proxiedLogFormatter } from '../lib/access-log.ts';
import { makeRequest, memoryLogger } from '../lib/testing.ts';
import { FakeClock } from '../lib/testing.ts';
import { kUseClock } from '../lib/plumbing/symbols.ts';

const STAMP = '[14/Nov/2023:22:13:20 +0000]';

function finished(options: Parameters<typeof makeRequest>[0] = {}, body = 'hello') {
  const req = makeRequest(options);
  req.write(body);
  req.finish();
  return req;
}

describe('combinedLogFormatter', () => {
  it('writes the quoted client, time, request line, status, length, referer and agent', () => {
    const req = finished({ uri: '/a?b=1', headers: { referer: 'http://r/', 'user-agent': 'curl/8' } });
    expect(combinedLogFormatter(STAMP, req)).toBe(`"192.168.1.1" - - ${STAMP} "GET /a?b=1 HTTP/1.1" 200 5 "http://r/" "curl/8"`);
  });

  it('logs "-" for a zero-length body and for missing referer and agent', () => {
    expect(combinedLogFormatter(STAMP, finished({}, ''))).toBe(`"192.168.1.1" - - ${STAMP} "GET / HTTP/1.1" 200 - "-" "-"`);
  });

  it('logs IPv6 clients by address and UNIX clients as "-"', () => {
    expect(combinedLogFormatter(STAMP, finished({ client: { type: 'IPv6', host: '::1', port: 1 } }))).toMatch(/^"::1" /);
    expect(combinedLogFormatter(STAMP, finished({ client: { type: 'UNIX', host: '/s', port: 0 } }))).toMatch(/^"-" /);
  });

  it('escapes quotes and non-ASCII bytes so a client cannot forge a line', () => {
    const req = finished({ method: 'G"ET', uri: '/caf\u00e9', headers: { 'user-agent': 'evil"\nagent' } });
    expect(combinedLogFormatter(STAMP, req)).toBe(`"192.168.1.1" - - ${STAMP} "G\\"ET /caf\\xc3\\xa9 HTTP/1.1" 200 5 "-" "evil\\" agent"`);
  });
});

describe('proxiedLogFormatter', () => {
  it('takes the first X-Forwarded-For entry, trimmed', () => {
    expect(proxiedLogFormatter(STAMP, finished({ headers: { 'x-forwarded-for': ' 1.2.3.4 , 10.0.0.1' } }))).toMatch(/^"1\.2\.3\.4" /);
  });

  it('logs "-" when there is no X-Forwarded-For', () => {
    expect(proxiedLogFormatter(STAMP, finished())).toMatch(/^"-" /);
  });
});

describe('escapeField', () => {
  it('escapes backslash, quote and control characters like a bytes repr', () => {
    expect(escapeField('a\\b"c\td\x01')).toBe('a\\\\b\\"c\\td\\x01');
    expect(escapeField('plain text')).toBe('plain text');
  });
});

describe('logTimestamp', () => {
  it('formats UTC with two-digit fields', () => {
    expect(logTimestamp(1_700_000_000)).toBe(STAMP);
    expect(logTimestamp(0)).toBe('[01/Jan/1970:00:00:00 +0000]');
  });
});

describe('AccessLog', () => {
  it('appends lines to a file, timed by the clock, rebuilding the stamp only when the second changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-log-'));
    const path = join(dir, 'access.log');
    try {
      const log = new AccessLog(path);
      const clock = new FakeClock(1_700_000_000);
      log[kUseClock](clock);
      log.log(finished());
      clock.advance(0.5);
      log.log(finished());
      clock.advance(1);
      log.log(finished());
      await log.close();
      const lines = readFileSync(path, 'utf8').trim().split('\n');
      expect(lines.map((l) => /\[[^\]]+\]/.exec(l)?.[0])).toEqual([STAMP, STAMP, '[14/Nov/2023:22:13:21 +0000]']);
      const again = new AccessLog(path);
      again.log(finished());
      await again.close();
      expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('uses a custom formatter', async () => {
    const chunks: string[] = [];
    const log = new AccessLog({ write: (s: string) => chunks.push(s) } as unknown as NodeJS.WritableStream as never, { formatter: (_t, r) => `custom ${r.uri}` });
    log.log(finished({ uri: '/x' }));
    expect(chunks).toEqual(['custom /x\n']);
  });

  it('keeps serving when its disk is full: says so once in the Site\'s log and drops the lines after (stress: access-log-full)', async () => {
    // Every write fails with ENOSPC, as writes to /dev/full do. Before the fix the stream's
    // unhandled 'error' event ended the whole server process.
    const full = new Writable({ write: (_chunk, _encoding, done) => done(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' })) });
    const failed = new Promise((resolve) => full.once('error', resolve));
    const logger = memoryLogger();
    const log = new AccessLog(full);
    log[kUseClock](new FakeClock(1_700_000_000), logger);
    log.log(finished());
    await failed;
    log.log(finished());
    log.log(finished());
    expect(log.error).toMatchObject({ code: 'ENOSPC' });
    expect(logger.messages).toEqual([{ level: 'error', message: expect.stringContaining('access log cannot be written (ENOSPC)'), error: undefined }]);
    await log.close();
  });
});
