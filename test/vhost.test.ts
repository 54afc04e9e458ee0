import { afterEach, describe, expect, it } from 'vitest';
import { isLoomError } from '../lib/errors.ts';
import { Resource, getChildForRequest } from '../lib/resource.ts';
import type { Request } from '../lib/request.ts';
import type { Site } from '../lib/site.ts';
import { makeRequest, request, testSite } from '../lib/testing.ts';
import { ReverseProxyResource } from '../lib/proxy/resource.ts';
import { ParentRedirect } from '../lib/util.ts';
import { HostResource, NameVirtualHost, VHostMonsterResource, hostnameOf } from '../lib/vhost.ts';

/** A leaf that answers with its own name, so a test can see which tree a request reached. */
class Named extends Resource {
  override isLeaf = true;
  readonly name: string;

  constructor(name: string) {
    super();
    this.name = name;
  }

  render_GET(): string {
    return this.name;
  }
}

/** Answers with everything the monster rewrites, as JSON. A leaf unless told otherwise. */
class Echo extends Resource {
  constructor(leaf = true) {
    super();
    this.isLeaf = leaf;
  }

  render_GET(request: Request): string {
    request.setHeader('content-type', 'application/json');
    return JSON.stringify({
      uri: request.uri, path: request.path, prepath: request.prepath, postpath: request.postpath,
      sitepath: request.sitepath, secure: request.isSecure(), host: request.getHeader('host'),
      hostAddress: request.getHost(), url: request.prePathURL(),
    });
  }
}

interface Echoed {
  uri: string; path: string; prepath: string[]; postpath: string[]; sitepath: string[];
  secure: boolean; host: string; hostAddress: { host: string; port: number }; url: string;
}

/** A tree with one page under `/page`, named so a test can tell two trees apart. */
function tree(name: string): Resource {
  const root = new Resource();
  root.putChild('page', new Named(`${name} page`));
  root.putChild('', new Named(`${name} home`));
  return root;
}

describe('NameVirtualHost', () => {
  function vhosts(): NameVirtualHost {
    const nvh = new NameVirtualHost();
    nvh.addHost('www.example.org', tree('www'));
    nvh.addHost('api.example.org', tree('api'));
    return nvh;
  }

  it('answers each Host header from its own tree', async () => {
    const nvh = vhosts();
    expect((await request(nvh, { uri: '/page', headers: { host: 'www.example.org' } })).text).toBe('www page');
    expect((await request(nvh, { uri: '/page', headers: { host: 'api.example.org' } })).text).toBe('api page');
    expect((await request(nvh, { uri: '/', headers: { host: 'api.example.org' } })).text).toBe('api home');
  });

  it('ignores the port in the Host header', async () => {
    const response = await request(vhosts(), { uri: '/page', headers: { host: 'api.example.org:8080' } });
    expect(response.text).toBe('api page');
  });

  it('matches host names in any case, on both the header and addHost (Twisted\'s mixed-case keys never match)', async () => {
    const nvh = new NameVirtualHost();
    nvh.addHost('WWW.Example.ORG', tree('www'));
    expect([...nvh.hosts.keys()]).toEqual(['www.example.org']);
    const response = await request(nvh, { uri: '/page', headers: { host: 'www.EXAMPLE.org:80' } });
    expect(response.text).toBe('www page');
  });

  it('reads an IPv6 Host with its port as the bare address (Twisted cuts it at the first colon)', async () => {
    expect(hostnameOf('[::1]:8080')).toBe('::1');
    expect(hostnameOf('[2001:DB8::1]')).toBe('2001:db8::1');
    expect(hostnameOf('Example.org:80')).toBe('example.org');
    const nvh = new NameVirtualHost();
    nvh.addHost('::1', tree('v6'));
    nvh.addHost('[2001:db8::1]', tree('bracketed'));
    expect((await request(nvh, { uri: '/page', headers: { host: '[::1]:8080' } })).text).toBe('v6 page');
    expect((await request(nvh, { uri: '/page', headers: { host: '[2001:db8::1]' } })).text).toBe('bracketed page');
  });

  it('sends an unknown host to the default tree', async () => {
    const nvh = vhosts();
    nvh.default = tree('default');
    const response = await request(nvh, { uri: '/page', headers: { host: 'other.example' } });
    expect(response.text).toBe('default page');
  });

  it('answers 404 naming an unknown host when there is no default', async () => {
    const response = await request(vhosts(), { uri: '/page', headers: { host: 'Other.Example:81' } });
    expect(response.code).toBe(404);
    expect(response.text).toContain('<h1>Not Found</h1>');
    expect(response.text).toContain('host &#x27;other.example&#x27; not in vhost map');
  });

  it('escapes markup in an unknown Host header in its 404 page (security)', async () => {
    const response = await request(vhosts(), { uri: '/', headers: { host: '<b>evil</b>' } });
    expect(response.code).toBe(404);
    expect(response.text).not.toContain('<b>');
    expect(response.text).toContain('&lt;b&gt;evil&lt;/b&gt;');
  });

  it('uses the default tree for a request with no Host header, and 404 when there is none', async () => {
    const nvh = vhosts();
    const bare = await request(nvh, { uri: '/page', httpVersion: '1.0' });
    expect(bare.code).toBe(404);
    expect(bare.text).toContain('No Such Resource');
    nvh.default = tree('default');
    expect((await request(nvh, { uri: '/page', httpVersion: '1.0' })).text).toBe('default page');
    expect((await request(nvh, { uri: '/page', headers: { host: '' } })).text).toBe('default page');
  });

  it('removes a host in any case, after which its requests get the 404', async () => {
    const nvh = vhosts();
    nvh.removeHost('API.example.org');
    expect([...nvh.hosts.keys()]).toEqual(['www.example.org']);
    expect((await request(nvh, { uri: '/page', headers: { host: 'api.example.org' } })).code).toBe(404);
  });

  it('throws LOOM_ERR_NO_SUCH_HOST when removing a host that was never added, listing those there are', () => {
    const nvh = vhosts();
    let caught: unknown;
    try {
      nvh.removeHost('nope.example.org');
    } catch (error) {
      caught = error;
    }
    expect(isLoomError(caught, 'LOOM_ERR_NO_SUCH_HOST')).toBe(true);
    expect((caught as Error).message).toContain('www.example.org, api.example.org');
  });

  it('refuses a host name with a port, or an empty one, since neither could ever match', () => {
    const nvh = new NameVirtualHost();
    expect(() => nvh.addHost('example.org:8080', tree('x'))).toThrow(/addHost\("example.org"\)/);
    expect(() => nvh.addHost('[::1]:8080', tree('x'))).toThrow(/port/);
    expect(() => nvh.addHost('[::1', tree('x'))).toThrow(/could never match/);
    expect(() => nvh.addHost(' ', tree('x'))).toThrow(/needs a name/);
    expect(nvh.hosts.size).toBe(0);
  });

  it('consumes no segment: a non-leaf host tree walks the whole path', async () => {
    const site = tree('www');
    const deep = new Resource();
    deep.putChild('b', new Echo());
    site.putChild('a', deep);
    const nvh = new NameVirtualHost();
    nvh.addHost('www.example.org', site);
    const response = await request(nvh, { uri: '/a/b/c', headers: { host: 'www.example.org' } });
    const echoed = JSON.parse(response.text) as Echoed;
    expect(echoed.prepath).toEqual(['a', 'b']);
    expect(echoed.postpath).toEqual(['c']);
  });

  it('gives a leaf host resource its segment back, so the leaf sees the whole path', async () => {
    const nvh = new NameVirtualHost();
    nvh.addHost('leaf.example', new Echo());
    const root = new Resource();
    root.putChild('nvh', nvh);
    const response = await request(root, { uri: '/nvh/p/q', headers: { host: 'leaf.example' } });
    const echoed = JSON.parse(response.text) as Echoed;
    expect(echoed.prepath).toEqual(['nvh']);
    expect(echoed.postpath).toEqual(['p', 'q']);
  });

  it('renders the chosen tree\'s root when the request stops at the virtual host itself', async () => {
    const nvh = new NameVirtualHost();
    nvh.addHost('www.example.org', new Named('www root'));
    const root = new Resource();
    root.putChild('nvh', nvh);
    expect((await request(root, { uri: '/nvh', headers: { host: 'www.example.org' } })).text).toBe('www root');
    expect((await request(root, { uri: '/nvh', headers: { host: 'other' } })).code).toBe(404);
  });
});

describe('VHostMonsterResource', () => {
  /** The usual back-server tree: the monster at /vhm, an echo at /echo, a ParentRedirect at /app/old. */
  function backRoot(): Resource {
    const root = new Resource();
    root.putChild('vhm', new VHostMonsterResource());
    root.putChild('echo', new Echo());
    const app = new Resource();
    app.putChild('old', new ParentRedirect());
    root.putChild('app', app);
    return root;
  }

  async function echo(uri: string, options: { secure?: boolean; root?: Resource } = {}): Promise<Echoed> {
    const response = await request(options.root ?? backRoot(), { uri, headers: { host: 'back.internal:8538' }, secure: options.secure ?? false });
    expect(response.code).toBe(200);
    return JSON.parse(response.text) as Echoed;
  }

  it('reaches /echo as https://www.example.org:8443 with the monster\'s part cut from uri, path and prepath', async () => {
    const echoed = await echo('/vhm/https/www.example.org:8443/echo/a?z=1');
    expect(echoed.uri).toBe('/echo/a?z=1');
    expect(echoed.path).toBe('/echo/a');
    expect(echoed.prepath).toEqual(['echo']);
    expect(echoed.postpath).toEqual(['a']);
    expect(echoed.sitepath).toEqual([]);
    expect(echoed.secure).toBe(true);
    expect(echoed.host).toBe('www.example.org:8443');
    expect(echoed.hostAddress).toMatchObject({ host: 'www.example.org', port: 8443 });
    expect(echoed.url).toBe('https://www.example.org:8443/echo');
  });

  it('defaults the port to 443 for https (Twisted uses 80) and to 80 for http', async () => {
    const secure = await echo('/vhm/https/www.example.org/echo');
    expect(secure.hostAddress).toMatchObject({ port: 443 });
    expect(secure.host).toBe('www.example.org');
    expect(secure.url).toBe('https://www.example.org/echo');
    const plain = await echo('/vhm/http/www.example.org/echo');
    expect(plain.hostAddress).toMatchObject({ port: 80 });
    expect(plain.url).toBe('http://www.example.org/echo');
  });

  it('makes a request over TLS insecure for the http scheme, and reads the scheme in any case', async () => {
    expect((await echo('/vhm/http/www.example.org/echo', { secure: true })).secure).toBe(false);
    expect((await echo('/vhm/HTTPS/www.example.org/echo')).secure).toBe(true);
  });

  it('keeps an explicit default port out of the Host header but in getHost', async () => {
    const echoed = await echo('/vhm/http/www.example.org:80/echo');
    expect(echoed.host).toBe('www.example.org');
    expect(echoed.hostAddress).toMatchObject({ port: 80 });
  });

  it('rewrites correctly when mounted two levels deep (Twisted\'s cut assumes one level)', async () => {
    const root = backRoot();
    const a = new Resource();
    const b = new Resource();
    b.putChild('vhm', new VHostMonsterResource());
    a.putChild('b', b);
    root.putChild('a', a);
    const echoed = await echo('/a/b/vhm/http/public.example:8080/echo/x?q=1', { root });
    expect(echoed.uri).toBe('/echo/x?q=1');
    expect(echoed.path).toBe('/echo/x');
    expect(echoed.prepath).toEqual(['echo']);
    expect(echoed.url).toBe('http://public.example:8080/echo');
  });

  it('keeps the rest of the path percent-encoded as the client sent it', async () => {
    const echoed = await echo('/vhm/http/h.example/echo/a%20b/c%2Fd');
    expect(echoed.path).toBe('/echo/a%20b/c%2Fd');
    expect(echoed.uri).toBe('/echo/a%20b/c%2Fd');
    expect(echoed.postpath).toEqual(['a b', 'c/d']);
  });

  it('walks from the Site root when the URL ends at the host, with or without a slash', async () => {
    const root = new Echo(false);
    root.putChild('vhm', new VHostMonsterResource());
    root.putChild('', new Echo());
    const slash = await echo('/vhm/http/www.example.org/?x=1', { root });
    expect(slash.uri).toBe('/?x=1');
    expect(slash.prepath).toEqual(['']);
    expect(slash.url).toBe('http://www.example.org/');
    const bare = await echo('/vhm/http/www.example.org?x=1', { root });
    expect(bare.uri).toBe('/?x=1');
    expect(bare.path).toBe('/');
    expect(bare.prepath).toEqual([]);
    expect(bare.url).toBe('http://www.example.org/');
  });

  it('reads an IPv6 host and keeps its brackets in the URLs it builds', async () => {
    const echoed = await echo('/vhm/http/[::1]:8080/echo');
    expect(echoed.hostAddress).toMatchObject({ host: '::1', port: 8080 });
    expect(echoed.host).toBe('[::1]:8080');
    expect(echoed.url).toBe('http://[::1]:8080/echo');
  });

  it('sends redirects built from the request to the public host', async () => {
    const response = await request(backRoot(), { uri: '/vhm/https/www.example.org/app/old', headers: { host: 'back.internal:8538' } });
    expect(response.code).toBe(302);
    expect(response.headers.getLast('location')).toBe('https://www.example.org/app/');
  });

  it('lets a NameVirtualHost at the Site root pick the tree for the public host', async () => {
    const fallback = new Resource();
    fallback.putChild('vhm', new VHostMonsterResource());
    const nvh = new NameVirtualHost();
    nvh.addHost('www.example.org', tree('www'));
    nvh.default = fallback;
    const response = await request(nvh, { uri: '/vhm/http/WWW.example.org/page', headers: { host: 'back.internal' } });
    expect(response.text).toBe('www page');
  });

  it('answers 400 for a scheme other than http or https, leaving uri alone (Twisted corrupts it)', async () => {
    const response = await request(backRoot(), { uri: '/vhm/ftp/www.example.org/echo/a' });
    expect(response.code).toBe(400);
    expect(response.text).toContain('&quot;ftp&quot; is not a scheme VHostMonster knows; use http or https.');
    expect(response.text).toContain('&lt;mount&gt;/&lt;http|https&gt;/&lt;host[:port]&gt;/&lt;path&gt;');
    expect(response.request.uri).toBe('/vhm/ftp/www.example.org/echo/a');
    expect(response.request.isSecure()).toBe(false);
  });

  it('answers 400 when the URL stops before the scheme or the host', async () => {
    for (const uri of ['/vhm', '/vhm/', '/vhm/http', '/vhm/https/']) {
      const response = await request(backRoot(), { uri });
      expect(response.code, uri).toBe(400);
      expect(response.text, uri).toContain('VHostMonster URLs look like');
    }
  });

  it('answers 400 for a bad port', async () => {
    for (const hostport of ['www.example.org:0', 'www.example.org:65536', 'www.example.org:http', 'www.example.org:']) {
      const response = await request(backRoot(), { uri: `/vhm/http/${hostport}/echo` });
      expect(response.code, hostport).toBe(400);
    }
  });

  it('answers 400 for a host that could smuggle markup or headers into the URLs it builds (security)', async () => {
    for (const hostport of ['%3Cscript%3E', 'a%0D%0ALocation:%20x', 'user@host', 'a%2Fb', '[::1']) {
      const response = await request(backRoot(), { uri: `/vhm/http/${hostport}/app/old` });
      expect(response.code, hostport).toBe(400);
      expect(response.headers.getLast('location'), hostport).toBeUndefined();
      expect(response.text, hostport).not.toContain('<script>');
    }
  });

  it('needs a Site to walk from, and says so', () => {
    const req = makeRequest({ uri: '/http/www.example.org/echo' });
    let caught: unknown;
    try {
      getChildForRequest(new VHostMonsterResource(), req);
    } catch (error) {
      caught = error;
    }
    expect(isLoomError(caught, 'LOOM_ERR_INVALID_ARGUMENT')).toBe(true);
    expect((caught as Error).message).toContain('needs a Site');
  });

  it('shares one host resource per scheme between requests', () => {
    const monster = new VHostMonsterResource();
    const first = monster.getChildWithDefault('https', makeRequest());
    expect(first).toBeInstanceOf(HostResource);
    expect((first as HostResource).secure).toBe(true);
    expect(monster.getChildWithDefault('HTTPS', makeRequest())).toBe(first);
    expect((monster.getChildWithDefault('http', makeRequest()) as HostResource).secure).toBe(false);
  });
});

describe('VHostMonsterResource over loopback', () => {
  let site: Site | null = null;
  let front: Site | null = null;
  let proxy: ReverseProxyResource | null = null;
  afterEach(async () => {
    await front?.close();
    await proxy?.close();
    await site?.close();
    site = front = proxy = null;
  });

  it('reaches /echo with the public URL from a real socket', async () => {
    const root = new Resource();
    root.putChild('vhm', new VHostMonsterResource());
    root.putChild('echo', new Echo());
    site = testSite(root);
    const port = await site.listen('tcp:0:interface=127.0.0.1');
    const response = await fetch(`${port.url}vhm/https/www.example.org:8443/echo/a?z=1`);
    expect(response.status).toBe(200);
    const echoed = (await response.json()) as Echoed;
    expect(echoed.uri).toBe('/echo/a?z=1');
    expect(echoed.secure).toBe(true);
    expect(echoed.host).toBe('www.example.org:8443');
    expect(echoed.url).toBe('https://www.example.org:8443/echo');
  });

  it('behind a ReverseProxyResource, builds its URLs with the public host the proxy names', async () => {
    const root = new Resource();
    root.putChild('vhm', new VHostMonsterResource());
    root.putChild('echo', new Echo());
    site = testSite(root);
    const back = await site.listen('tcp:0:interface=127.0.0.1');
    proxy = new ReverseProxyResource('127.0.0.1', back.address.port, '/vhm/http/public.example:80');
    front = testSite(proxy);
    const entry = await front.listen('tcp:0:interface=127.0.0.1');
    const response = await fetch(`${entry.url}echo/a%20b?z=1`);
    expect(response.status).toBe(200);
    const echoed = (await response.json()) as Echoed;
    expect(echoed.url).toBe('http://public.example/echo');
    expect(echoed.host).toBe('public.example');
    expect(echoed.uri).toBe('/echo/a%20b?z=1');
    expect(echoed.postpath).toEqual(['a b']);
    expect(echoed.secure).toBe(false);
  });
});
