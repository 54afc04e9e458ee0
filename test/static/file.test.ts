import { createHash } from 'node:crypto';
import { chmodSync, readlinkSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Data } from '../../lib/static/data.ts';
import { DirectoryLister } from '../../lib/static/directory-listing.ts';
import { DEFAULT_MAX_FILE_SIZE, FileCache } from '../../lib/static/file-cache.ts';
import { errorPage } from '../../lib/pages.ts';
import { Registry } from '../../lib/static/registry.ts';
import { Resource, type IResource } from '../../lib/resource.ts';
import { Site } from '../../lib/site.ts';
import { DEFAULT_INDEX_NAMES, File, addSlash, processorFor, type Processor } from '../../lib/static/file.ts';
import { makeRequest, memoryLogger, render as renderResource, request, type MemoryChannel } from '../../lib/testing.ts';
import { age, jumble, makeTree, type MadeTree } from '../support/temp-tree.ts';
import { rawRequest } from '../support/raw-http.ts';

/** The tree most tests serve. `big.bin` is larger than the cache limit, so it is always streamed. */
const BIG = jumble(DEFAULT_MAX_FILE_SIZE + 300 * 1024);
let tree: MadeTree;

beforeAll(() => {
  tree = makeTree({
    'hello.txt': 'hello world\n',
    'page.html': '<p>page</p>',
    'noext': 'no extension',
    'notes.txt.gz': 'pretend gzip',
    'big.bin': BIG,
    'café.txt': 'unicode name',
    'a b&c.html': 'spaces',
    '.env': 'SECRET=1',
    '.well-known': { 'security.txt': 'Contact: mailto:x@example.com' },
    'sub': { 'inner.txt': 'inner', 'deeper': { 'x.txt': 'x' } },
    'indexed': { 'index.html': '<h1>index.html</h1>', 'index.htm': 'htm' },
    'bare-index': { 'index': 'bare index', 'index.html': 'not this one' },
    'empty-dir': {},
    'empty.txt': '',
    'scripts': { 'page.rsx.ts': 'source of a script', 'tool.CGI': 'source of a cgi', 'plain.ts': 'plain ts' },
  });
  age(tree.path('hello.txt'));
});

afterAll(() => tree.remove());

function get(root: IResource, uri: string, headers: Record<string, string> = {}, method = 'GET') {
  return request(root, { uri, headers, method });
}

describe('File: finding children', () => {
  it('serves a file with its type, length, Accept-Ranges and Last-Modified', async () => {
    const response = await get(new File(tree.root), '/hello.txt');
    expect(response.code).toBe(200);
    expect(response.text).toBe('hello world\n');
    expect(response.headers.getLast('content-type')).toBe('text/plain');
    expect(response.headers.getLast('content-length')).toBe('12');
    expect(response.headers.getLast('accept-ranges')).toBe('bytes');
    expect(response.headers.getLast('last-modified')).toMatch(/ GMT$/);
  });

  it('answers 404 "File not found." for a missing name', async () => {
    const response = await get(new File(tree.root), '/missing.txt');
    expect(response.code).toBe(404);
    expect(response.text).toContain('File not found.');
  });

  it('renders a custom childNotFound, and hands it to children', async () => {
    const root = new File(tree.root, { childNotFound: errorPage(404, 'Gone fishing', 'Nothing here.') });
    expect((await get(root, '/missing')).text).toContain('Gone fishing');
    expect((await get(root, '/sub/missing')).text).toContain('Gone fishing');
  });

  it('answers 404 for a ".." segment (security)', async () => {
    expect((await get(new File(tree.path('sub')), '/../hello.txt')).code).toBe(404);
    expect((await get(new File(tree.path('sub')), '/%2e%2e/hello.txt')).code).toBe(404);
  });

  it('answers 404 for a segment holding a decoded %2F (security)', async () => {
    expect((await get(new File(tree.root), '/sub%2Finner.txt')).code).toBe(404);
    expect((await get(new File(tree.path('sub')), '/deeper%2F..%2F..%2Fhello.txt')).code).toBe(404);
  });

  it('answers 404 for a segment holding NUL (security)', async () => {
    expect((await get(new File(tree.root), '/hello.txt%00.html')).code).toBe(404);
  });

  it('answers 404 for a segment that is not UTF-8', async () => {
    expect((await get(new File(tree.root), '/%FF')).code).toBe(404);
  });

  it('treats "." as the directory itself', async () => {
    expect((await get(new File(tree.root), '/./hello.txt')).text).toBe('hello world\n');
  });

  it('answers 404 for anything below a regular file', async () => {
    expect((await get(new File(tree.root), '/hello.txt/extra')).code).toBe(404);
    expect((await get(new File(tree.root), '/hello.txt/')).code).toBe(404);
  });

  it('serves names with non-ASCII characters, spaces and ampersands', async () => {
    expect((await get(new File(tree.root), '/caf%C3%A9.txt')).text).toBe('unicode name');
    expect((await get(new File(tree.root), '/a%20b%26c.html')).text).toBe('spaces');
  });

  it('walks into subdirectories', async () => {
    expect((await get(new File(tree.root), '/sub/deeper/x.txt')).text).toBe('x');
  });

  it('lets static children registered with putChild win over the disk', async () => {
    const root = new File(tree.root);
    root.putChild('hello.txt', new Data('from memory', 'text/plain'));
    expect((await get(root, '/hello.txt')).text).toBe('from memory');
  });

  it('answers 404 once a file or directory it was made for is deleted', async () => {
    const scratch = makeTree({ 'gone.txt': 'soon gone', 'gone-dir': { 'a.txt': 'a' } });
    try {
      const file = new File(scratch.path('gone.txt'));
      const dir = new File(scratch.path('gone-dir'));
      expect((await get(file, '/')).code).toBe(404); // a file has no children
      rmSync(scratch.path('gone.txt'));
      rmSync(scratch.path('gone-dir'), { recursive: true });
      expect((await render(file)).code).toBe(404);
      expect((await get(dir, '/a.txt')).code).toBe(404);
      expect((await get(dir, '/')).code).toBe(404);
    } finally {
      scratch.remove();
    }
  });
});

describe('File: index names and listings', () => {
  it("uses Twisted's index names, with index.rsx.ts in place of index.rpy", () => {
    expect(DEFAULT_INDEX_NAMES).toEqual(['index', 'index.html', 'index.htm', 'index.rsx.ts']);
    expect(new File(tree.root).indexNames).toEqual(['index', 'index.html', 'index.htm', 'index.rsx.ts']);
  });

  it('serves the first index name that exists for a trailing slash', async () => {
    expect((await get(new File(tree.root), '/indexed/')).text).toBe('<h1>index.html</h1>');
    expect((await get(new File(tree.root), '/bare-index/')).text).toBe('bare index');
  });

  it('honours indexNames set on the root, in their order', async () => {
    const root = new File(tree.root);
    root.indexNames = ['index.htm'];
    expect((await get(root, '/indexed/')).text).toBe('htm');
  });

  it('lists a directory that has no index file', async () => {
    const root = new File(tree.root);
    expect(root.getChildWithDefault('', makeRequest())).toBeInstanceOf(DirectoryLister);
    const response = await get(root, '/sub/');
    expect(response.code).toBe(200);
    expect(response.headers.getLast('content-type')).toBe('text/html; charset=utf-8');
    expect(response.text).toContain('<a href="inner.txt">inner.txt</a>');
  });

  it('leaves hidden dotfiles out of the listing but keeps .well-known', async () => {
    const text = (await get(new File(tree.root), '/')).text;
    expect(text).not.toContain('.env');
    expect(text).toContain('.well-known/');
  });
});

describe('File: processors and ignoredExts', () => {
  const made: { path: string; registry: Registry }[] = [];
  const script: Processor = (path, registry) => {
    made.push({ path, registry });
    return new Data(`ran ${path.slice(path.lastIndexOf('/') + 1)}`, 'text/plain');
  };

  it('hands files with a processed extension to their processor, with the path and the registry', async () => {
    const registry = new Registry();
    const root = new File(tree.root, { registry, processors: { '.rsx.ts': script } });
    made.length = 0;
    expect((await get(root, '/scripts/page.rsx.ts')).text).toBe('ran page.rsx.ts');
    expect(made).toEqual([{ path: tree.path('scripts', 'page.rsx.ts'), registry }]);
  });

  it('matches the longest extension, without regard to case', () => {
    const ts: Processor = () => new Data('ts', 'text/plain');
    const table = new Map([['.ts', ts], ['.rsx.ts', script], ['.cgi', script]]);
    expect(processorFor(table, 'page.rsx.ts')).toBe(script);
    expect(processorFor(table, 'plain.ts')).toBe(ts);
    expect(processorFor(table, 'TOOL.CGI')).toBe(script);
    expect(processorFor(table, '.cgi')).toBe(null);
    expect(processorFor({}, 'x.cgi')).toBe(null);
  });

  it('runs an upper-case .CGI rather than leaking its source (security)', async () => {
    const root = new File(tree.root, { processors: { '.cgi': script } });
    expect((await get(root, '/scripts/tool.CGI')).text).toBe('ran tool.CGI');
  });

  it('accepts processors assigned after construction, as Twisted\'s howto does', async () => {
    const root = new File(tree.root);
    root.processors = new Map([['.rsx.ts', script]]);
    expect((await get(root, '/scripts/page.rsx.ts')).text).toBe('ran page.rsx.ts');
  });

  it('tries the ignored extensions, in order, for a name that does not exist', async () => {
    const root = new File(tree.root, { ignoredExts: ['.txt', '.html'] });
    expect((await get(root, '/hello')).text).toBe('hello world\n');
    expect((await get(root, '/page')).text).toBe('<p>page</p>');
    expect((await get(root, '/nothing')).code).toBe(404);
  });

  it('lets ignoreExt("*") find any extension, the first in sorted order', async () => {
    const root = new File(tree.root);
    root.ignoreExt('*');
    expect(root.ignoredExts).toEqual(['*']);
    expect((await get(root, '/notes')).text).toBe('pretend gzip');
    expect((await get(root, '/sub/inner')).text).toBe('inner');
  });

  it('serves /foo from foo.rsx.ts through the processor with ignoreExt(".rsx.ts")', async () => {
    const root = new File(tree.root, { processors: { '.rsx.ts': script } });
    root.ignoreExt('.rsx.ts');
    expect((await get(root, '/scripts/page')).text).toBe('ran page.rsx.ts');
  });

  it('treats "" as the bare name, which has already been tried', async () => {
    const root = new File(tree.root, { ignoredExts: ['', '.txt'] });
    expect((await get(root, '/hello')).text).toBe('hello world\n');
  });

  it('copies its settings, registry and cache to the children it makes', () => {
    const registry = new Registry();
    const cache = new FileCache();
    const root = new File(tree.root, { defaultType: 'text/plain', registry, cache, ignoredExts: ['.txt'], hideDotfiles: false });
    const child = root.getChildWithDefault('sub', makeRequest()) as File;
    expect(child).toBeInstanceOf(File);
    expect(child.path).toBe(tree.path('sub'));
    expect(child.defaultType).toBe('text/plain');
    expect(child.registry).toBe(registry);
    expect(child.cache).toBe(cache);
    expect(child.ignoredExts).toEqual(['.txt']);
    expect(child.hideDotfiles).toBe(false);
  });

  it('makes children of the same class as the parent', () => {
    class MyFile extends File {}
    expect(new MyFile(tree.root).getChildWithDefault('sub', makeRequest())).toBeInstanceOf(MyFile);
  });
});

describe('File: rendering', () => {
  it('redirects a directory without its slash with 302, keeping the query', async () => {
    const root = new Resource();
    root.putChild('docs', new File(tree.root));
    const plain = await get(root, '/docs');
    expect(plain.code).toBe(302);
    expect(plain.headers.getLast('location')).toBe('/docs/');
    const query = await get(new File(tree.root), '/sub?x=1&y=2');
    expect(query.code).toBe(302);
    expect(query.headers.getLast('location')).toBe('/sub/?x=1&y=2');
  });

  it('never redirects to another host when the path starts with two slashes (security)', () => {
    expect(addSlash('//evil.example')).toBe('/.//evil.example/');
    expect(addSlash('/\\evil.example?q')).toBe('/./\\evil.example/?q');
    expect(new URL(addSlash('//evil.example'), 'http://good.example/').host).toBe('good.example');
  });

  it('answers HEAD with the headers of GET and no body, for cached and streamed files', async () => {
    const small = await get(new File(tree.root), '/hello.txt', {}, 'HEAD');
    expect(small.code).toBe(200);
    expect(small.headers.getLast('content-length')).toBe('12');
    expect(small.body.length).toBe(0);
    const big = await get(new File(tree.root), '/big.bin', {}, 'HEAD');
    expect(big.headers.getLast('content-length')).toBe(String(BIG.length));
    expect(big.headers.getLast('content-type')).toBe('application/octet-stream');
    expect(big.body.length).toBe(0);
  });

  it('answers POST with 405 and Allow: GET, HEAD, and other methods with 501', async () => {
    const post = await get(new File(tree.root), '/hello.txt', {}, 'POST');
    expect(post.code).toBe(405);
    expect(post.headers.getLast('allow')).toBe('GET, HEAD');
    expect((await get(new File(tree.root), '/hello.txt', {}, 'PUT')).code).toBe(501);
    expect((await get(new File(tree.root), '/hello.txt', {}, 'DELETE')).code).toBe(501);
  });

  it('answers 403 with the forbidden page when the file cannot be opened (EACCES)', async () => {
    class Unreadable extends File {
      override openForReading(): number {
        throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      }
    }
    const root = new Unreadable(tree.root, { cache: null });
    const response = await get(root, '/hello.txt');
    expect(response.code).toBe(403);
    expect(response.text).toContain('Forbidden');
    root.forbidden = errorPage(403, 'Keep out', 'Private.');
    expect((await get(root, '/hello.txt')).text).toContain('Keep out');
  });

  it('answers 403 for a file whose permissions forbid reading, unless running as root', async () => {
    const scratch = makeTree({ 'locked.txt': 'locked' });
    try {
      chmodSync(scratch.path('locked.txt'), 0o000);
      const response = await get(new File(scratch.root), '/locked.txt');
      // root reads anything, so there the file is served; anyone else gets 403.
      expect(response.code).toBe(process.getuid?.() === 0 ? 200 : 403);
    } finally {
      chmodSync(scratch.path('locked.txt'), 0o644);
      scratch.remove();
    }
  });

  it('uses the default type text/html for unknown or missing extensions, and a configured one', async () => {
    expect((await get(new File(tree.root), '/noext')).headers.getLast('content-type')).toBe('text/html');
    const root = new File(tree.root, { defaultType: 'application/octet-stream' });
    expect((await get(root, '/noext')).headers.getLast('content-type')).toBe('application/octet-stream');
  });

  it('serves x.txt.gz as text/plain with Content-Encoding: gzip', async () => {
    const response = await get(new File(tree.root), '/notes.txt.gz');
    expect(response.headers.getLast('content-type')).toBe('text/plain');
    expect(response.headers.getLast('content-encoding')).toBe('gzip');
  });

  it('serves an empty file with Content-Length 0', async () => {
    const response = await get(new File(tree.root), '/empty.txt');
    expect(response.code).toBe(200);
    expect(response.headers.getLast('content-length')).toBe('0');
    expect(response.headers.getLast('content-type')).toBe('text/plain');
  });

  it('serves a File made for a single file at its own URL', async () => {
    const root = new Resource();
    root.putChild('greeting', new File(tree.path('hello.txt')));
    expect((await get(root, '/greeting')).text).toBe('hello world\n');
  });
});

describe('File: conditional requests', () => {
  it('answers 304 to If-Modified-Since at or after the modification time', async () => {
    const first = await get(new File(tree.root), '/hello.txt');
    const since = first.headers.getLast('last-modified')!;
    const again = await get(new File(tree.root), '/hello.txt', { 'if-modified-since': since });
    expect(again.code).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.getLast('last-modified')).toBe(since);
  });

  it('sends the 200 length with a 304, not 0 as Twisted does (RFC 9110 §8.6)', async () => {
    const since = (await get(new File(tree.root), '/big.bin')).headers.getLast('last-modified')!;
    const again = await get(new File(tree.root), '/big.bin', { 'if-modified-since': since });
    expect(again.code).toBe(304);
    expect(again.headers.getLast('content-length')).toBe(String(BIG.length));
  });

  it('answers 200 to If-Modified-Since before the modification time', async () => {
    const response = await get(new File(tree.root), '/hello.txt', { 'if-modified-since': 'Thu, 01 Jan 1998 00:00:00 GMT' });
    expect(response.code).toBe(200);
  });

  it('sends a strong ETag made from size and modification time', async () => {
    const etag = (await get(new File(tree.root), '/hello.txt')).headers.getLast('etag');
    expect(etag).toMatch(/^"c-[0-9a-f]+"$/);
    expect((await get(new File(tree.root, { cache: null }), '/hello.txt')).headers.getLast('etag')).toBe(etag);
  });

  it('answers 304 to an If-None-Match naming the ETag, or "*", and 200 to another tag', async () => {
    const etag = (await get(new File(tree.root), '/big.bin')).headers.getLast('etag')!;
    expect((await get(new File(tree.root), '/big.bin', { 'if-none-match': etag })).code).toBe(304);
    expect((await get(new File(tree.root), '/big.bin', { 'if-none-match': `"other", ${etag}` })).code).toBe(304);
    expect((await get(new File(tree.root), '/big.bin', { 'if-none-match': '*' })).code).toBe(304);
    expect((await get(new File(tree.root), '/big.bin', { 'if-none-match': '"other"' })).code).toBe(200);
  });

  it('lets If-None-Match decide alone when both it and If-Modified-Since are sent (RFC 9110 §13.2.2)', async () => {
    const since = (await get(new File(tree.root), '/hello.txt')).headers.getLast('last-modified')!;
    const response = await get(new File(tree.root), '/hello.txt', { 'if-none-match': '"stale"', 'if-modified-since': since });
    expect(response.code).toBe(200);
  });

  it('answers 304 before looking at a Range header', async () => {
    const since = (await get(new File(tree.root), '/hello.txt')).headers.getLast('last-modified')!;
    const response = await get(new File(tree.root), '/hello.txt', { 'if-modified-since': since, range: 'bytes=0-1' });
    expect(response.code).toBe(304);
  });
});

describe('File: dotfiles', () => {
  it('answers 404 for dotfiles by default (security)', async () => {
    expect((await get(new File(tree.root), '/.env')).code).toBe(404);
    expect((await get(new File(tree.root), '/.env/')).code).toBe(404);
  });

  it('serves .well-known/ even while hiding dotfiles (RFC 8615)', async () => {
    expect((await get(new File(tree.root), '/.well-known/security.txt')).text).toBe('Contact: mailto:x@example.com');
  });

  it('serves and lists dotfiles with hideDotfiles: false, as Twisted does', async () => {
    const root = new File(tree.root, { hideDotfiles: false });
    expect((await get(root, '/.env')).text).toBe('SECRET=1');
    expect((await get(root, '/')).text).toContain('.env');
  });
});

describe('File: symlinks', () => {
  // `served/` is the root; `outside/` sits beside it, where no request should reach.
  let both: MadeTree;
  let served: string;

  beforeAll(() => {
    both = makeTree({
      outside: { 'secret.txt': 'outside the root', 'dir': { 'o.txt': 'o' } },
      served: {
        'real.txt': 'real',
        'inner': { 'i.txt': 'i' },
        'inside.txt': { symlink: 'real.txt' },
        'inside-dir': { symlink: 'inner' },
        'up-and-back.txt': { symlink: '../served/real.txt' },
        'out.txt': { symlink: '../outside/secret.txt' },
        'out-dir': { symlink: '../outside/dir' },
        'broken.txt': { symlink: 'does-not-exist' },
        'loop': { symlink: 'loop' },
      },
    }, 'loom-links-');
    served = both.path('served');
  });

  afterAll(() => both.remove());

  it('serves symlinks whose target is inside the root', async () => {
    expect((await get(new File(served), '/inside.txt')).text).toBe('real');
    expect((await get(new File(served), '/inside-dir/i.txt')).text).toBe('i');
    expect((await get(new File(served), '/up-and-back.txt')).text).toBe('real');
  });

  it('answers 404 for symlinks that lead outside the root (security)', async () => {
    expect((await get(new File(served), '/out.txt')).code).toBe(404);
    expect((await get(new File(served), '/out-dir/o.txt')).code).toBe(404);
    expect((await get(new File(served), '/out-dir/')).code).toBe(404);
  });

  it('leaves symlinks that lead outside the root out of the listing', async () => {
    const text = (await get(new File(served), '/')).text;
    expect(text).toContain('inside.txt');
    expect(text).not.toContain('out.txt');
    expect(text).not.toContain('out-dir');
  });

  it('follows them with followSymlinks: true, as Twisted does', async () => {
    const root = new File(served, { followSymlinks: true });
    expect((await get(root, '/out.txt')).text).toBe('outside the root');
    expect((await get(root, '/out-dir/o.txt')).text).toBe('o');
    expect((await get(root, '/')).text).toContain('out.txt');
  });

  it('answers 404 for broken and looping symlinks', async () => {
    expect((await get(new File(served), '/broken.txt')).code).toBe(404);
    expect((await get(new File(served), '/loop')).code).toBe(404);
  });

  it('serves a root that is itself reached through a symlink', async () => {
    const via = makeTree({ 'root-link': { symlink: served } }, 'loom-via-');
    try {
      expect((await get(new File(via.path('root-link')), '/inside.txt')).text).toBe('real');
      expect((await get(new File(via.path('root-link')), '/out.txt')).code).toBe(404);
    } finally {
      via.remove();
    }
  });
});

describe('File: streaming large files', () => {
  let site: Site;
  let base: string;

  beforeAll(async () => {
    site = new Site(new File(tree.root), { logger: memoryLogger() });
    base = (await site.listen('tcp:0:interface=127.0.0.1')).url;
  });

  afterAll(() => site.close());

  it('streams a file larger than the cache limit, byte for byte', async () => {
    const response = await fetch(`${base}big.bin`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(BIG.length));
    const body = Buffer.from(await response.arrayBuffer());
    expect(sha(body)).toBe(sha(BIG));
  });

  it('counts every streamed byte in request.sentLength, which the access log reports', async () => {
    const response = await request(new File(tree.root), { uri: '/big.bin' });
    expect(response.request.sentLength).toBe(BIG.length);
    expect(response.body.equals(BIG)).toBe(true);
  });

  it('streams without reading ahead of a connection that is full (backpressure)', async () => {
    const channel = new StallingChannel();
    const req = makeRequest({ uri: '/big.bin' }, null);
    Object.defineProperty(req, 'channel', { value: channel });
    const done = req.notifyFinish();
    new Site(new File(tree.root)).dispatch(req);
    await channel.stalled(); // the first write filled the connection
    expect(channel.written).toBe(64 * 1024);
    channel.drain();
    await channel.stalled();
    expect(channel.written).toBe(128 * 1024);
    channel.flowing = true;
    channel.drain();
    await done;
    expect(Buffer.concat(channel.chunks).equals(BIG)).toBe(true);
  });

  it('closes the file when the client goes away in the middle', async () => {
    const opened: number[] = [];
    class Watched extends File {
      override openForReading(): number {
        const fd = super.openForReading();
        opened.push(fd);
        return fd;
      }
    }
    const channel = new StallingChannel();
    const req = makeRequest({ uri: '/big.bin' }, null);
    Object.defineProperty(req, 'channel', { value: channel });
    const lost = req.notifyFinish().then(() => 'finished', () => 'lost');
    new Site(new Watched(tree.root, { cache: null })).dispatch(req);
    await channel.stalled();
    expect(isOpenOn(opened[0]!, tree.path('big.bin'))).toBe(true);
    channel.loseConnection();
    expect(await lost).toBe('lost');
    await channel.closedFile(() => !isOpenOn(opened[0]!, tree.path('big.bin')));
  });

  it('closes a large file it opened only for HEAD, a 304 or a 416', async () => {
    const opened: number[] = [];
    class Watched extends File {
      override openForReading(): number {
        const fd = super.openForReading();
        opened.push(fd);
        return fd;
      }
    }
    const root = new Watched(tree.root);
    const since = (await request(root, { uri: '/big.bin', method: 'HEAD' })).headers.getLast('last-modified')!;
    await request(root, { uri: '/big.bin', headers: { 'if-modified-since': since } });
    await request(root, { uri: '/big.bin', headers: { range: 'bytes=99999999-' } });
    expect(opened).toHaveLength(3);
    for (const fd of opened) expect(isOpenOn(fd, tree.path('big.bin'))).toBe(false);
  });

  it('cuts the connection when the file shrinks while it is being sent', async () => {
    const scratch = makeTree({ 'shrinks.bin': jumble(DEFAULT_MAX_FILE_SIZE + 200 * 1024) });
    try {
      const channel = new StallingChannel();
      const req = makeRequest({ uri: '/shrinks.bin' }, null);
      Object.defineProperty(req, 'channel', { value: channel });
      new Site(new File(scratch.root), { logger: memoryLogger() }).dispatch(req);
      await channel.stalled();
      truncateSync(scratch.path('shrinks.bin'), 1000);
      channel.flowing = true;
      channel.drain();
      await channel.aborted;
      expect(channel.written).toBe(64 * 1024);
    } finally {
      scratch.remove();
    }
  });

  it('serves a file written while the server runs, and its new content after an edit', async () => {
    const path = tree.path('edited.txt');
    writeFileSync(path, 'first');
    expect(await (await fetch(`${base}edited.txt`)).text()).toBe('first');
    writeFileSync(path, 'second version');
    expect(await (await fetch(`${base}edited.txt`)).text()).toBe('second version');
    writeFileSync(path, 'SECOND VERSION'); // same size, same tick: the racy-file rule keeps this right
    expect(await (await fetch(`${base}edited.txt`)).text()).toBe('SECOND VERSION');
    rmSync(path);
    expect((await fetch(`${base}edited.txt`)).status).toBe(404);
  });

  it('keeps the path exactly as sent, without normalising dot segments, over a real socket', async () => {
    const response = await rawRequest(Number(new URL(base).port), '/sub/../hello.txt');
    expect(response.status).toBe(404);
    expect((await rawRequest(Number(new URL(base).port), '/./hello.txt')).status).toBe(200);
  });
});

/**
 * A channel whose buffer fills after each 64 KiB write until `drain()` is called, like a
 * client that reads slowly. `stalled()` resolves when the response waits for a drain.
 */
class StallingChannel implements MemoryChannelLike {
  readonly client = { type: 'IPv4', host: '127.0.0.1', port: 1 } as const;
  readonly host = { type: 'IPv4', host: '127.0.0.1', port: 80 } as const;
  readonly secure = false;
  readonly chunks: Buffer[] = [];
  written = 0;
  flowing = false;
  #lost = false;
  #drain: (() => void) | null = null;
  #stallWaiter: (() => void) | null = null;
  #closeListeners: ((lost: boolean) => void)[] = [];
  #abortResolve!: () => void;
  readonly aborted = new Promise<void>((resolve) => (this.#abortResolve = resolve));

  get lost(): boolean {
    return this.#lost;
  }
  writeHead(): void {}
  write(chunk: Uint8Array | string): boolean {
    const b = Buffer.from(chunk);
    this.chunks.push(b);
    this.written += b.length;
    return this.flowing;
  }
  end(chunk?: Uint8Array | string): void {
    if (chunk !== undefined) this.write(chunk);
    for (const l of this.#closeListeners.splice(0)) l(false);
  }
  onClose(listener: (lost: boolean) => void): void {
    this.#closeListeners.push(listener);
  }
  onDrain(listener: () => void): void {
    this.#drain = listener;
    this.#stallWaiter?.();
    this.#stallWaiter = null;
  }
  closeAfterResponse(): void {}
  abort(): void {
    this.loseConnection();
    this.#abortResolve();
  }
  loseConnection(): void {
    if (this.#lost) return;
    this.#lost = true;
    for (const l of this.#closeListeners.splice(0)) l(true);
  }
  stalled(): Promise<void> {
    return new Promise((resolve) => (this.#stallWaiter = resolve));
  }
  drain(): void {
    const d = this.#drain;
    this.#drain = null;
    d?.();
  }
  /** Resolves once `check()` holds, testing after each turn of the event loop (the close is a callback away). */
  async closedFile(check: () => boolean): Promise<void> {
    while (!check()) await new Promise((resolve) => setImmediate(resolve));
  }
}

type MemoryChannelLike = Pick<MemoryChannel, 'client' | 'host' | 'secure' | 'lost' | 'writeHead' | 'write' | 'end' | 'onClose' | 'onDrain' | 'closeAfterResponse' | 'abort'>;

/** True while file descriptor `fd` of this process is open on `path` (Linux's /proc). */
function isOpenOn(fd: number, path: string): boolean {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`) === path;
  } catch {
    return false;
  }
}

function sha(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Render a File directly (as traversal would after arriving at it). */
function render(file: File) {
  return renderResource(file, makeRequest({ uri: '/' }));
}


