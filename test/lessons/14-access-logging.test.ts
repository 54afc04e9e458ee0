import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { proxiedLogFormatter } from '../../lib/access-log.ts';
import type { Site, SiteOptions } from '../../lib/site.ts';
import { FakeClock, memoryLogger } from '../../lib/testing.ts';
import type { LessonExample } from '../../lessons/lesson.ts';
import * as lesson from '../../lessons/14-access-logging/example.ts';
import { send, titleOf } from './support/run-example.ts';

const example: LessonExample = lesson;

/** 2026-11-21T19:26:33Z: the timestamp every line below carries. */
const NOW = Date.UTC(2026, 10, 21, 19, 26, 33) / 1000;
const STAMP = '[21/Nov/2026:19:26:33 +0000]';

/** A stream that keeps each line written to it. */
class Lines extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
    done();
  }
}

let site: Site | null = null;

afterEach(async () => {
  await site?.close();
  site = null;
});

async function start(options: SiteOptions = {}) {
  const log = new Lines();
  site = lesson.createSite({ clock: new FakeClock(NOW), logger: memoryLogger(), accessLog: log, ...options });
  const port = await site.listen('tcp:0:interface=127.0.0.1');
  return { log, url: port.url };
}

/** Every request sends a User-Agent, so lines do not depend on the client library's default. */
const UA = { 'user-agent': 'loom-lesson-test' };

describe('lesson 14: access-logging', () => {
  for (const t of example.tryThis) {
    it(`${titleOf(t)}, and leaves one line in the log`, async () => {
      const { log, url } = await start();
      const answer = await send({ ...t, headers: { ...UA, ...t.headers } }, url);
      if (t.expect?.code !== undefined) expect(answer.status).toBe(t.expect.code);
      if (t.expect?.bodyIncludes !== undefined) expect(answer.text).toContain(t.expect.bodyIncludes);
      expect(log.lines).toHaveLength(1);
      expect(log.lines[0]).toContain(`"${t.method ?? 'GET'} ${t.path} HTTP/1.1" ${t.expect?.code}`);
    });
  }

  it('writes combined-format lines with the client address, the time on the Site clock, status, size, referer and agent', async () => {
    const { log, url } = await start();
    const home = await send({ note: '', path: '/', headers: UA }, url);
    await send({ note: '', path: '/about', headers: { referer: 'http://127.0.0.1:8014/', 'user-agent': 'lesson-14' } }, url);
    await send({ note: '', path: '/missing', headers: UA }, url);
    await send({ note: '', method: 'HEAD', path: '/', headers: UA }, url);
    expect(log.lines).toEqual([
      `"127.0.0.1" - - ${STAMP} "GET / HTTP/1.1" 200 ${Buffer.byteLength(home.text)} "-" "loom-lesson-test"`,
      `"127.0.0.1" - - ${STAMP} "GET /about HTTP/1.1" 200 65 "http://127.0.0.1:8014/" "lesson-14"`,
      expect.stringMatching(new RegExp(`^"127\\.0\\.0\\.1" - - \\[21/Nov/2026:19:26:33 \\+0000\\] "GET /missing HTTP/1\\.1" 404 \\d+ "-" "loom-lesson-test"$`)),
      `"127.0.0.1" - - ${STAMP} "HEAD / HTTP/1.1" 200 - "-" "loom-lesson-test"`,
    ]);
  });

  it('logs the first X-Forwarded-For address with proxiedLogFormatter, and - when there is none', async () => {
    const { log, url } = await start({ logFormatter: proxiedLogFormatter });
    await send({ note: '', path: '/about', headers: { ...UA, 'x-forwarded-for': '203.0.113.9, 10.0.0.1' } }, url);
    await send({ note: '', path: '/about', headers: UA }, url);
    expect(log.lines.map((l) => l.slice(0, l.indexOf(' ')))).toEqual(['"203.0.113.9"', '"-"']);
  });

  it('escapes quotes and bytes outside ASCII, so a client cannot forge a line', async () => {
    const { log, url } = await start();
    await send({ note: '', path: '/about', headers: { 'user-agent': 'evil" 200 0 "x' } }, url);
    expect(log.lines[0]).toMatch(/"evil\\" 200 0 \\"x"$/);
  });

  it('appends to a file when accessLog is a path, and closes it with the Site', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-lesson-14-'));
    try {
      const file = join(dir, 'access.log');
      const { url } = await start({ accessLog: file });
      await send({ note: '', path: '/about', headers: UA }, url);
      await site!.close();
      site = null;
      expect(readFileSync(file, 'utf8')).toBe(`"127.0.0.1" - - ${STAMP} "GET /about HTTP/1.1" 200 65 "-" "loom-lesson-test"\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
