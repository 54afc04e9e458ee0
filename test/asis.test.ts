import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ASISProcessor, asisProcessor } from '../lib/asis.ts';
import { isLoomError } from '../lib/errors.ts';
import { File } from '../lib/static/file.ts';
import type { IResource } from '../lib/resource.ts';
import type { Site } from '../lib/site.ts';
import { makeRequest, render, request, testSite, type RequestOptions, type TestResponse } from '../lib/testing.ts';

const dir = mkdtempSync(join(tmpdir(), 'loom-asis-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Render `resource` as the resource traversal arrived at (the .asis file itself). */
function get(resource: IResource, options: RequestOptions = {}, site: Site = testSite(resource)): Promise<TestResponse> {
  return render(resource, makeRequest(options, site));
}

function asis(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('ASISProcessor', () => {
  it('answers with the status line, headers and body the file holds', async () => {
    const path = asis('moved.asis', 'HTTP/1.1 301 Moved Permanently\r\nLocation: https://example.org/new\r\nContent-Type: text/plain\r\n\r\nThis page has moved.\n');
    const response = await get(new ASISProcessor(path));
    expect(response.code).toBe(301);
    expect(response.message).toBe('Moved Permanently');
    expect(response.headers.getLast('location')).toBe('https://example.org/new');
    expect(response.headers.getRawHeaders('content-type')).toEqual(['text/plain']);
    expect(response.text).toBe('This page has moved.\n');
  });

  it("accepts Apache mod_asis's form, a Status header instead of a status line", async () => {
    const path = asis('gone.asis', 'Status: 410 Gone for good\nContent-Type: text/html\n\n<p>gone</p>');
    const response = await get(new ASISProcessor(path));
    expect(response.code).toBe(410);
    expect(response.message).toBe('Gone for good');
    expect(response.text).toBe('<p>gone</p>');
  });

  it("sends Loom's own Content-Length, Server and Date instead of the file's", async () => {
    const path = asis('framing.asis', 'HTTP/1.0 200 OK\nContent-Length: 9999\nServer: Pretend/1\nDate: Thu, 01 Jan 1970 00:00:00 GMT\n\nfour');
    const response = await get(new ASISProcessor(path));
    expect(response.headers.getRawHeaders('content-length')).toEqual(['4']);
    expect(response.headers.getRawHeaders('server')).toEqual([response.request.site!.serverHeader]);
    expect(response.headers.getRawHeaders('date')).toBeUndefined();
    expect(response.text).toBe('four');
  });

  it('keeps repeated headers', async () => {
    const path = asis('cookies.asis', 'HTTP/1.1 200 OK\nSet-Cookie: a=1\nSet-Cookie: b=2\n\n');
    expect((await get(new ASISProcessor(path))).headers.getRawHeaders('set-cookie')).toEqual(['a=1', 'b=2']);
  });

  it('answers HEAD with the headers only', async () => {
    const path = asis('head.asis', 'HTTP/1.1 200 OK\nContent-Type: text/plain\n\nbody bytes');
    const response = await get(new ASISProcessor(path), { method: 'HEAD' });
    expect(response.code).toBe(200);
    expect(response.headers.getLast('content-length')).toBe('10');
    expect(response.text).toBe('');
  });

  it('answers 405 for POST, as any file does', async () => {
    const path = asis('post.asis', 'HTTP/1.1 200 OK\n\nx');
    expect((await get(new ASISProcessor(path), { method: 'POST' })).code).toBe(405);
  });

  it('streams a body larger than one read, whole and in order', async () => {
    // Each 64 KiB piece is a different letter, so a reused or misplaced buffer shows.
    const body = Buffer.concat(['a', 'b', 'c', 'd'].map((c) => Buffer.alloc(64 * 1024, c)));
    const path = asis('big.asis', Buffer.concat([Buffer.from('HTTP/1.1 200 OK\nContent-Type: application/octet-stream\n\n'), body]));
    const response = await get(new ASISProcessor(path));
    expect(response.body.equals(body)).toBe(true);
  });

  it('answers 500 and logs the reason when the head never ends', async () => {
    const path = asis('headless.asis', 'just some text with no blank line');
    const resource = new ASISProcessor(path);
    const site = testSite(resource);
    expect((await get(resource, {}, site)).code).toBe(500);
    expect(isLoomError(site.logger.messages.find((m) => m.level === 'error')?.error, 'LOOM_ERR_ASIS_HEAD')).toBe(true);
  });

  it('answers 500 for a status line without a valid code', async () => {
    expect((await get(new ASISProcessor(asis('badstatus.asis', 'HTTP/1.1 OK\n\nx')))).code).toBe(500);
  });

  it('answers 404 when the file has gone', async () => {
    expect((await get(new ASISProcessor(join(dir, 'vanished.asis')))).code).toBe(404);
  });

  it('works as the .asis processor of a File', async () => {
    asis('teapot.asis', "HTTP/1.1 418 I'm a teapot\nContent-Type: text/plain\n\nshort and stout");
    const root = new File(dir, { processors: { '.asis': asisProcessor } });
    const response = await request(root, { uri: '/teapot.asis' });
    expect(response.code).toBe(418);
    expect(response.text).toBe('short and stout');
  });
});
