import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryLister, formatFileSize, isDotfile, isWithin, listingHTML } from '../../lib/static/directory-listing.ts';
import { Resource } from '../../lib/resource.ts';
import { makeRequest, render, request, testSite } from '../../lib/testing.ts';
import { makeTree, type MadeTree } from '../support/temp-tree.ts';

// Upper- and lower-case names test the sort order; `a b&c.html` tests quoting and
// escaping; `<b>.txt` tests that a name cannot become markup.
let tree: MadeTree;

beforeAll(() => {
  tree = makeTree({
    'zeta': {},
    'Alpha': {},
    'b.txt': 'bb',
    'A.html': 'x'.repeat(2048),
    'a b&c.html': 'spaces',
    '<b>.txt': 'markup',
    'notes.txt.gz': 'gz',
    'noext': 'n',
    '.hidden': 'h',
    '.well-known': {},
    'broken': { symlink: 'nowhere' },
  });
});

afterAll(() => tree.remove());

function list(options: ConstructorParameters<typeof DirectoryLister>[1] = {}, uri = '/dir/') {
  return render(new DirectoryLister(tree.root, options), makeRequest({ uri }));
}

describe('DirectoryLister', () => {
  it('answers 200 with text/html; charset=utf-8 and a Content-Length', async () => {
    const response = await list();
    expect(response.code).toBe(200);
    expect(response.headers.getLast('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.getLast('content-length')).toBe(String(response.body.length));
  });

  it('lists directories first, then files, each sorted by name (upper case before lower)', async () => {
    const names = (await new DirectoryLister(tree.root).entries()).map((e) => e.name);
    expect(names).toEqual(['.well-known', 'Alpha', 'zeta', '.hidden', '<b>.txt', 'A.html', 'a b&c.html', 'b.txt', 'noext', 'notes.txt.gz']);
  });

  it('shows sizes, [types] and [encodings], and [Directory] for directories', async () => {
    const rows = new Map((await new DirectoryLister(tree.root).entries()).map((e) => [e.name, e]));
    expect(rows.get('A.html')).toMatchObject({ size: 2048, type: '[text/html]', encoding: '' });
    expect(rows.get('notes.txt.gz')).toMatchObject({ type: '[text/plain]', encoding: '[gzip]' });
    expect(rows.get('noext')).toMatchObject({ type: '[text/html]' });
    expect(rows.get('zeta')).toMatchObject({ isDirectory: true, type: '[Directory]', encoding: '' });
    const text = (await list()).text;
    expect(text).toContain('<td>2K</td><td>[text/html]</td>');
    expect(text).toContain('<td>[text/plain]</td><td>[gzip]</td>');
  });

  it('uses the default type it is given for unknown extensions', async () => {
    const rows = await new DirectoryLister(tree.root, { defaultType: 'text/plain' }).entries();
    expect(rows.find((e) => e.name === 'noext')!.type).toBe('[text/plain]');
  });

  it('links names quoted and shows them escaped (security)', async () => {
    const text = (await list()).text;
    expect(text).toContain('<a href="a%20b%26c.html">a b&amp;c.html</a>');
    expect(text).toContain('<a href="%3Cb%3E.txt">&lt;b&gt;.txt</a>');
    expect(text).toContain('<a href="zeta/">zeta/</a>');
    expect(text).not.toContain('<b>.txt');
  });

  it('titles the page with the request URI, percent-decoded then escaped (security)', async () => {
    const text = (await list({}, '/d%C3%A9j%C3%A0/%3Cscript%3E/?q=1')).text;
    expect(text).toContain('<title>Directory listing for /déjà/&lt;script&gt;/?q=1</title>');
    expect(text).toContain('<h1>Directory listing for /déjà/&lt;script&gt;/?q=1</h1>');
  });

  it('alternates odd and even row classes, starting with odd', async () => {
    const classes = [...(await list()).text.matchAll(/<tr class="(\w+)">/g)].map((m) => m[1]);
    expect(classes.slice(0, 4)).toEqual(['odd', 'even', 'odd', 'even']);
  });

  it('leaves out entries whose size cannot be read, such as broken symlinks', async () => {
    expect((await list()).text).not.toContain('broken');
  });

  it('lists only the names in dirs= when given', async () => {
    const names = (await new DirectoryLister(tree.root, { dirs: ['b.txt', 'zeta', 'missing'] }).entries()).map((e) => e.name);
    expect(names).toEqual(['zeta', 'b.txt']);
  });

  it('leaves dotfiles out with hideDotfiles, but not .well-known', async () => {
    const names = (await new DirectoryLister(tree.root, { hideDotfiles: true }).entries()).map((e) => e.name);
    expect(names).not.toContain('.hidden');
    expect(names).toContain('.well-known');
  });

  it('answers 404 for every child', async () => {
    const root = new Resource();
    root.putChild('list', new DirectoryLister(tree.root));
    expect((await request(root, { uri: '/list/b.txt' })).code).toBe(404);
    expect((await request(root, { uri: '/list/' })).code).toBe(404);
  });

  it('answers 500 (logged) when the directory cannot be read', async () => {
    const lister = new DirectoryLister(tree.path('missing'));
    const site = testSite(lister);
    const response = await render(lister, makeRequest({ uri: '/missing/' }, site));
    expect(response.code).toBe(500);
    expect(site.logger.messages[0]!.message).toBe('Error in DirectoryLister for GET /missing/');
  });
});

describe('listingHTML', () => {
  it('renders a complete page with a header row', () => {
    const html = listingHTML('/', []);
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<th>Filename</th><th>Size</th><th>Content type</th><th>Content encoding</th>');
  });
});

describe('formatFileSize', () => {
  it('counts bytes, then whole K, M and G in steps of 1024, rounding down', () => {
    expect(formatFileSize(0)).toBe('0B');
    expect(formatFileSize(1023)).toBe('1023B');
    expect(formatFileSize(1024)).toBe('1K');
    expect(formatFileSize(1024 * 1024 - 1)).toBe('1023K');
    expect(formatFileSize(1024 * 1024)).toBe('1M');
    expect(formatFileSize(5 * 1024 ** 3 + 1)).toBe('5G');
  });
});

describe('isDotfile and isWithin', () => {
  it('calls names starting with a dot dotfiles, except . and .well-known', () => {
    expect(isDotfile('.env')).toBe(true);
    expect(isDotfile('..')).toBe(true);
    expect(isDotfile('.')).toBe(false);
    expect(isDotfile('.well-known')).toBe(false);
    expect(isDotfile('a.env')).toBe(false);
  });

  it('says whether a real path is the root or beneath it, not merely sharing its prefix', () => {
    expect(isWithin('/srv/www', '/srv/www')).toBe(true);
    expect(isWithin('/srv/www/a/b', '/srv/www')).toBe(true);
    expect(isWithin('/srv/www-other/a', '/srv/www')).toBe(false);
    expect(isWithin('/etc/passwd', '/')).toBe(true);
  });
});
