/**
 * Lesson 24: virtual hosts. One Site, one port, two web sites: a `NameVirtualHost` at
 * the root reads each request's `Host` header and hands the request to the tree for
 * that name, or to a default tree when it knows no such name.
 *
 * `www.example.org` is a small site of pages; `api.example.org` is a single leaf that
 * answers JSON for any path; any other name (`127.0.0.1:8024`, what curl sends when you
 * give it no `-H 'Host: …'`) gets the default page, which lists the two names.
 */
import { Data, NameVirtualHost, Resource, Site, escapeHTML, hostnameOf, type IResource, type Request, type SiteOptions } from '../../lib/index.ts';
import type { Try } from '../lesson.ts';

/** The host names this server answers for, each with its own tree. */
export const HOSTS = ['www.example.org', 'api.example.org'] as const;

// #region www-site
/** www.example.org: an ordinary tree of pages, as in lesson 03. */
export function wwwSite(): IResource {
  const root = new Resource();
  root.putChild('', new Data(page('Welcome to www.example.org. Read <a href="about">about us</a>.'), 'text/html; charset=utf-8'));
  root.putChild('about', new Data(page('www.example.org has answered on this port since lesson 24.'), 'text/html; charset=utf-8'));
  return root;
}
// #endregion www-site

// #region api-site
/**
 * api.example.org: one leaf for the whole site. It answers every path itself, so it
 * reads the path from `postpath`, which must therefore hold all of it.
 */
export class ApiSite extends Resource {
  override isLeaf = true;

  render_GET(request: Request): string {
    request.setHeader('content-type', 'application/json');
    return `${JSON.stringify({ host: hostnameOf(request.getHeader('host') ?? ''), path: `/${request.postpath.join('/')}` })}\n`;
  }
}
// #endregion api-site

// #region default-site
/** For every other name: say which names this server knows. */
export class DefaultSite extends Resource {
  override isLeaf = true;

  render_GET(request: Request): string {
    // The Host header comes from the client: escape it before it goes into HTML.
    const asked = escapeHTML(request.getHeader('host') ?? '(no Host header)');
    const known = HOSTS.map((h) => `<li>${h}</li>`).join('');
    return page(`This is the default site. You asked for ${asked}; this server also answers for:<ul>${known}</ul>`);
  }
}
// #endregion default-site

// #region create-site
export function createSite(options: SiteOptions = {}): Site {
  const vhosts = new NameVirtualHost();
  vhosts.addHost('www.example.org', wwwSite());
  vhosts.addHost('api.example.org', new ApiSite());
  vhosts.default = new DefaultSite();
  return new Site(vhosts, options);
}
// #endregion create-site

/** A small, complete HTML page around `body` (which must already be safe HTML). */
function page(body: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Lesson 24</title></head><body>${body}</body></html>`;
}

export const tryThis: Try[] = [
  { note: 'no Host of ours (curl sends 127.0.0.1:8024): the default site', path: '/', expect: { code: 200, bodyIncludes: 'This is the default site.' } },
  { note: 'www.example.org: its home page', path: '/', headers: { Host: 'www.example.org' }, expect: { code: 200, bodyIncludes: 'Welcome to www.example.org.' } },
  { note: 'the same name in capitals and with a port: the same site', path: '/about', headers: { Host: 'WWW.Example.ORG:8024' }, expect: { code: 200, bodyIncludes: 'since lesson 24' } },
  { note: 'api.example.org: the same path, another tree', path: '/about', headers: { Host: 'api.example.org' }, expect: { code: 200, bodyIncludes: '"path":"/about"' } },
  { note: 'api.example.org: a leaf sees the whole path', path: '/users/7?fields=name', headers: { Host: 'api.example.org' }, expect: { code: 200, bodyIncludes: '{"host":"api.example.org","path":"/users/7"}' } },
  { note: 'a name nobody added: the default site again', path: '/about', headers: { Host: 'shop.example.net' }, expect: { code: 200, bodyIncludes: 'You asked for shop.example.net' } },
  { note: 'a Host header with markup in it: refused by the Site before any resource sees it (RFC 9112 §3.2)', path: '/', headers: { Host: '<b>evil</b>' }, expect: { code: 400, bodyIncludes: 'not a host name' } },
];
