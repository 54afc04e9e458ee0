/**
 * Differential test: Twisted itself (`python3 -m twisted web --path DIR`, from Debian's
 * python3-twisted) and Loom's `File` serve the same directory and get the same requests.
 * Status codes and the headers that matter must agree, and file bodies must be the same
 * bytes, except for the differences Loom makes on purpose, which are listed below with
 * both sides' answers, so the list cannot drift from either server.
 *
 * Under CI (`CI=true`) a missing python3-twisted fails the suite; elsewhere it is skipped
 * with the reason printed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type { IncomingHttpHeaders } from 'node:http';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Site } from '../../lib/site.ts';
import { DEFAULT_MAX_FILE_SIZE } from '../../lib/static/file-cache.ts';
import { File } from '../../lib/static/file.ts';
import { memoryLogger } from '../../lib/testing.ts';
import { requires } from '../support/programs.ts';
import { rawRequest } from '../support/raw-http.ts';
import { jumble, makeTree, type MadeTree } from '../support/temp-tree.ts';

/** A Python that can import twisted: Debian's first (a pyenv `python3` may shadow it on PATH). */
const twistedPython = requires('python3-twisted', {
  find: () => ['/usr/bin/python3', 'python3'].find((python) => spawnSync(python, ['-c', 'import twisted.web'], { stdio: 'ignore' }).status === 0) ?? null,
});

/** One request, sent byte for byte the same to both servers. */
interface Case {
  readonly path: string;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  /** Compare the bodies too (files, not error pages or listings, whose HTML differs). */
  readonly sameBody?: boolean;
}

/** What came back. */
interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

// The served tree. `twenty.txt` is the 20-byte file of the reference's live range checks;
// `big.bin` is larger than Loom's cache limit, so it is streamed; `link-out.txt` and
// `.hidden` are where Loom is stricter than Twisted.
const BIG = jumble(DEFAULT_MAX_FILE_SIZE + 5);
let tree: MadeTree;
let twisted: { child: ChildProcess; port: number } | null = null;
let loom: { site: Site; port: number } | null = null;

beforeAll(async () => {
  if (twistedPython.path === null) return; // skipped, or failing under CI: see requires()
  tree = makeTree({
    outside: { 'secret.txt': 'outside the root' },
    served: {
      'hello.txt': 'hello world\n',
      'twenty.txt': '0123456789abcdefghij',
      'page.html': '<!DOCTYPE html><p>page</p>',
      'style.css': 'p { color: red }',
      'app.js': 'console.log(1)',
      'data.json': '{"a":1}',
      'image.png': jumble(300, 9),
      'noext': 'no extension',
      'notes.txt.gz': jumble(50, 11),
      'big.bin': BIG,
      'café.txt': 'unicode name',
      'sub': { 'inner.txt': 'inner' },
      'indexed': { 'index.html': '<h1>index</h1>' },
      '.hidden': 'hidden',
      'link-in.txt': { symlink: 'hello.txt' },
      'link-out.txt': { symlink: '../outside/secret.txt' },
    },
  }, 'loom-twisted-');
  twisted = await startTwisted(twistedPython.path, tree.path('served'));
  const site = new Site(new File(tree.path('served')), { logger: memoryLogger() });
  loom = { site, port: (await site.listen('tcp:0:interface=127.0.0.1')).address.port };
});

afterAll(async () => {
  await loom?.site.close();
  if (twisted !== null) await stop(twisted.child);
  tree?.remove();
});

/** Requests where Loom must answer as Twisted does. */
const SAME: readonly Case[] = [
  { path: '/hello.txt', sameBody: true },
  { path: '/hello.txt', method: 'HEAD' },
  { path: '/twenty.txt', sameBody: true },
  { path: '/page.html', sameBody: true },
  { path: '/style.css', sameBody: true },
  { path: '/app.js', sameBody: true },
  { path: '/data.json', sameBody: true },
  { path: '/image.png', sameBody: true },
  { path: '/noext', sameBody: true },
  { path: '/notes.txt.gz', sameBody: true },
  { path: '/big.bin', sameBody: true },
  { path: '/big.bin', method: 'HEAD' },
  { path: '/caf%C3%A9.txt', sameBody: true },
  { path: '/link-in.txt', sameBody: true },
  { path: '/indexed/', sameBody: true },
  { path: '/sub/inner.txt', sameBody: true },
  { path: '/./hello.txt', sameBody: true },
  { path: '/missing.txt' },
  { path: '/hello.txt/extra' },
  { path: '/hello.txt/' },
  { path: '/..' },
  { path: '/../outside/secret.txt' },
  { path: '/%2e%2e/outside/secret.txt' },
  { path: '/sub/..%2F..%2Foutside%2Fsecret.txt' },
  { path: '/sub%2Finner.txt' },
  { path: '/sub//inner.txt' },
  { path: '/%FF' },
  { path: '/sub' },
  { path: '/sub?x=1&y=2' },
  { path: '/sub/' },
  { path: '/twenty.txt', headers: { range: 'bytes=0-4' }, sameBody: true },
  { path: '/twenty.txt', headers: { range: 'bytes=5-' }, sameBody: true },
  { path: '/twenty.txt', headers: { range: 'bytes=-5' }, sameBody: true },
  { path: '/twenty.txt', headers: { range: 'bytes=15-100' }, sameBody: true },
  { path: '/twenty.txt', headers: { range: 'bytes= 0-1 , ,3-4' } },
  { path: '/twenty.txt', headers: { range: 'bytes=0-1,30-40' } },
  { path: '/twenty.txt', headers: { range: 'bytes=20-30' } },
  { path: '/twenty.txt', headers: { range: 'bytes=-0' } },
  { path: '/twenty.txt', headers: { range: 'bytes=4-2' }, sameBody: true },
  { path: '/twenty.txt', headers: { range: 'bytes=abc' }, sameBody: true },
  { path: '/twenty.txt', headers: { range: 'items=0-1' }, sameBody: true },
  { path: '/big.bin', headers: { range: 'bytes=100000-100099' }, sameBody: true },
  { path: '/big.bin', headers: { range: 'bytes=0-9,-10,200000-200009' } },
  { path: '/hello.txt', headers: { 'if-modified-since': 'Thu, 01 Jan 1998 00:00:00 GMT' }, sameBody: true },
  { path: '/hello.txt', method: 'POST' },
  { path: '/hello.txt', method: 'PUT' },
  { path: '/hello.txt', method: 'DELETE' },
  { path: '/hello.txt', method: 'OPTIONS' },
];

/**
 * Where Loom answers differently on purpose: the request, what Twisted answers, what Loom
 * answers, and why (each reason is also in lib/static/file.ts or lib/static/ranges.ts).
 */
const DIFFERENCES: readonly { readonly why: string; readonly request: Case; readonly twisted: number; readonly loom: number }[] = [
  { why: 'dotfiles are hidden by default', request: { path: '/.hidden' }, twisted: 200, loom: 404 },
  { why: 'symlinks leading outside the root are refused unless followSymlinks', request: { path: '/link-out.txt' }, twisted: 200, loom: 404 },
  { why: 'Loom sends an ETag, so If-None-Match: * matches', request: { path: '/hello.txt', headers: { 'if-none-match': '*' } }, twisted: 200, loom: 304 },
  { why: 'no satisfiable range among several is 416, not a crash', request: { path: '/twenty.txt', headers: { range: 'bytes=30-40,50-60' } }, twisted: 500, loom: 416 },
  { why: 'a suffix longer than the file means the whole file (RFC 9110 §14.1.3)', request: { path: '/twenty.txt', headers: { range: 'bytes=-50' } }, twisted: 500, loom: 206 },
  { why: '"bytes=" with no ranges is ignored like any bad Range', request: { path: '/twenty.txt', headers: { range: 'bytes=' } }, twisted: 500, loom: 200 },
  { why: 'the range unit is matched without regard to case (RFC 9110 §14.1)', request: { path: '/twenty.txt', headers: { range: 'Bytes=0-1' } }, twisted: 200, loom: 206 },
];

twistedPython.describe('File against Twisted (differential)', () => {
  for (const c of SAME) {
    it(`answers ${c.method ?? 'GET'} ${c.path}${describeHeaders(c)} as Twisted does`, async () => {
      const [t, l] = await Promise.all([send(twisted!.port, c), send(loom!.port, c)]);
      expectSameAnswer(c, t, l);
    });
  }

  for (const d of DIFFERENCES) {
    it(`differs on purpose for ${d.request.method ?? 'GET'} ${d.request.path}${describeHeaders(d.request)}: ${d.why}`, async () => {
      const [t, l] = await Promise.all([send(twisted!.port, d.request), send(loom!.port, d.request)]);
      expect(t.status, 'Twisted').toBe(d.twisted);
      expect(l.status, 'Loom').toBe(d.loom);
    });
  }

  it('differs on purpose in the headers of a 304: Content-Length is the 200\'s, not 0, and an ETag is sent', async () => {
    const first = await send(twisted!.port, { path: '/hello.txt' });
    const c: Case = { path: '/hello.txt', headers: { 'if-modified-since': String(first.headers['last-modified']) } };
    const [t, l] = await Promise.all([send(twisted!.port, c), send(loom!.port, c)]);
    expect([t.status, l.status]).toEqual([304, 304]);
    expect(l.headers['last-modified']).toBe(t.headers['last-modified']);
    expect(t.headers['content-length']).toBe('0');
    expect(l.headers['content-length']).toBe('12');
    expect(t.headers.etag).toBe(undefined);
    expect(l.headers.etag).toMatch(/^"c-[0-9a-f]+"$/);
  });

  it('differs on purpose in listings: dotfiles and outward symlinks are left out', async () => {
    const [t, l] = await Promise.all([send(twisted!.port, { path: '/' }), send(loom!.port, { path: '/' })]);
    expect([t.status, l.status]).toEqual([200, 200]);
    expect(l.headers['content-type']).toBe(t.headers['content-type']);
    for (const name of ['hello.txt', 'sub/', 'caf%C3%A9.txt']) {
      expect(t.body.toString(), 'Twisted').toContain(`href="${name}"`);
      expect(l.body.toString(), 'Loom').toContain(`href="${name}"`);
    }
    expect(t.body.toString()).toContain('.hidden');
    expect(l.body.toString()).not.toContain('.hidden');
    expect(t.body.toString()).toContain('link-out.txt');
    expect(l.body.toString()).not.toContain('link-out.txt');
  });
});

/** The same status, the headers that matter, and (for files) the same bytes. */
function expectSameAnswer(c: Case, t: Answer, l: Answer): void {
  expect(l.status, 'status').toBe(t.status);
  for (const name of ['location', 'content-range', 'accept-ranges', 'last-modified', 'content-encoding']) {
    expect(l.headers[name], name).toBe(t.headers[name]);
  }
  if (t.status !== 304 && t.status !== 416) expect(mediaType(l), 'content-type').toBe(mediaType(t));
  if (t.headers.allow !== undefined) expect(methods(l.headers.allow)).toEqual(methods(t.headers.allow));
  if (c.sameBody === true || c.method === 'HEAD') expect(l.headers['content-length'], 'content-length').toBe(t.headers['content-length']);
  if (c.sameBody === true) expect(l.body.equals(t.body), 'body').toBe(true);
  if (mediaType(t) === 'multipart/byteranges') expect(parts(l)).toEqual(parts(t));
}

/** The Content-Type without parameters for multipart (the boundary is random on both sides). */
function mediaType(a: Answer): string | undefined {
  const type = a.headers['content-type'];
  return type?.startsWith('multipart/') === true ? type.split(';')[0] : type;
}

function methods(allow: string | undefined): string[] {
  return (allow ?? '').split(',').map((m) => m.trim()).sort();
}

/** The parts of a multipart/byteranges answer, header names lower-cased (Twisted writes `Content-range`). */
function parts(a: Answer): { type: string; range: string; body: string }[] {
  const boundary = /boundary="?([^";]+)"?/.exec(a.headers['content-type'] ?? '')![1]!;
  const text = a.body.toString('latin1');
  expect(text.endsWith(`\r\n--${boundary}--\r\n`), 'closing boundary').toBe(true);
  expect(a.body.length, 'Content-Length matches the body').toBe(Number(a.headers['content-length']));
  return text.split(`\r\n--${boundary}`).slice(1, -1).map((piece) => {
    const split = piece.indexOf('\r\n\r\n');
    const head = new Map(piece.slice(2, split).split('\r\n').map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()] as const;
    }));
    return { type: head.get('content-type')!, range: head.get('content-range')!, body: piece.slice(split + 4) };
  });
}

function describeHeaders(c: Case): string {
  const headers = Object.entries(c.headers ?? {});
  return headers.length === 0 ? '' : ` with ${headers.map(([k, v]) => `${k}: ${v}`).join(', ')}`;
}

/** Send `c` as written (no dot-segment clean-up, unlike fetch) on a fresh connection. */
function send(port: number, c: Case): Promise<Answer> {
  return rawRequest(port, c.path, { ...(c.method === undefined ? {} : { method: c.method }), ...(c.headers === undefined ? {} : { headers: c.headers }) });
}

/** Start `python3 -m twisted web` on a port the OS picks, and wait for its "Site starting on N" line. */
function startTwisted(python: string, dir: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(python, ['-m', 'twisted', 'web', '--path', dir, '--listen', 'tcp:0:interface=127.0.0.1'],
    { cwd: dirname(dir), stdio: ['ignore', 'pipe', 'pipe'] }); // beside the served folder, so nothing it writes is served
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (data: Buffer) => {
      output += data.toString();
      const match = /Site starting on (\d+)/.exec(output);
      if (match !== null) {
        child.stdout!.off('data', onData);
        child.stdout!.resume(); // keep draining its log so it never blocks on a full pipe
        resolve({ child, port: Number(match[1]) });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (data: Buffer) => (output += data.toString()));
    child.once('exit', (code) => reject(new Error(`twisted web exited (${String(code)}) before listening:\n${output}`)));
    child.once('error', reject);
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
