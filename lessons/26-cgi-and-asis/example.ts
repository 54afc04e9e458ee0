/**
 * Lesson 26 · CGI scripts and as-is files.
 *
 * The folder `site/`, served by a `File` whose processors run `.cgi` files as CGI
 * programs, `.pl` files with Perl, `.php` files with php-cgi, and send `.asis` files as
 * the responses they hold; plus `/cgi-bin/`, a folder in which every file is a CGI
 * program.
 */
import { fileURLToPath } from 'node:url';
import {
  ASISProcessor, CGIDirectory, CGIScript, File, FilteredScript, PHPScript, Site, type SiteOptions,
} from '../../lib/index.ts';
import type { Try } from '../lesson.ts';

/** The folder served at `/`. */
export const SITE_DIR = fileURLToPath(new URL('./site/', import.meta.url));
/** The folder served at `/cgi-bin/`: every file in it is a program. */
export const CGI_BIN_DIR = fileURLToPath(new URL('./cgi-bin/', import.meta.url));

// #region perl-script
/** A Perl file is not a program by itself: the `perl` interpreter runs it (Twisted's recipe). */
class PerlScript extends FilteredScript {
  override filter = 'perl'; // looked up on the PATH the script gets
}
// #endregion perl-script

// #region create-site
/** The site: `site/` with its processors, and `/cgi-bin/` beside it. */
export function createSite(options: SiteOptions = {}): Site {
  const root = new File(SITE_DIR, {
    processors: {
      '.cgi': (path, registry) => new CGIScript(path, registry),
      '.pl': (path, registry) => new PerlScript(path, registry),
      '.php': (path, registry) => new PHPScript(path, registry),
      '.asis': (path, registry) => new ASISProcessor(path, registry),
    },
  });
  root.putChild('cgi-bin', new CGIDirectory(CGI_BIN_DIR));
  return new Site(root, options);
}
// #endregion create-site

export const tryThis: Try[] = [
  { note: 'the index page, with links', path: '/', expect: { code: 200, bodyIncludes: 'CGI and as-is files' }, browser: true },
  { note: 'a shell script: the request as environment variables', path: '/env.cgi/extra/path?colour=blue', expect: { code: 200, bodyIncludes: 'PATH_INFO=/extra/path' } },
  { note: 'a Perl script showing a form', path: '/hello.pl', expect: { code: 200, bodyIncludes: 'What is your name?' } },
  { note: 'the form posted to the Perl script', method: 'POST', path: '/hello.pl', form: { name: 'Ada' }, expect: { code: 200, bodyIncludes: 'Hello, Ada!' } },
  { note: 'a program in /cgi-bin/', path: '/cgi-bin/uptime.cgi', expect: { code: 200, bodyIncludes: 'has been up' } },
  { note: 'a CGI folder has no listing', path: '/cgi-bin/', expect: { code: 404, bodyIncludes: 'CGI directories do not support directory listing.' } },
  { note: 'a script that says where to go instead (Location)', path: '/go.cgi', expect: { code: 302 } },
  { note: 'a script that stops before the end of its headers', path: '/broken.cgi', expect: { code: 500, bodyIncludes: 'Premature end of script headers.' } },
  { note: 'an as-is file: a permanent redirect, written in the file', path: '/moved.asis', expect: { code: 301 } },
  { note: 'an as-is file with a status of its own', path: '/teapot.asis', expect: { code: 418, bodyIncludes: 'short and stout' } },
];
