/**
 * Exercise 26 · A site with CGI programs, a Perl page and as-is files.
 *
 * Finish `createRoot(dir)` so that the resource it returns serves the folder `dir`:
 *
 *     /notes.txt               the file, as it is on disk
 *     /cgi-bin/hello.cgi       run as a CGI program (every file in dir/cgi-bin is one);
 *                              never its source text
 *     /cgi-bin/                404: a CGI folder has no listing
 *     /cgi-bin/site.cgi        a program that prints $SITE_NAME, which must be SITE_NAME
 *     /guest.pl?name=Ada       run by Perl (`perl` on the PATH): every .pl file in dir
 *     /moved.asis              the response written in the file (a 301), as-is
 *
 * The programs get the CGI variables and PATH, nothing else of the server's
 * environment; SITE_NAME must reach the programs of /cgi-bin/ anyway.
 *
 * What the graded tests check (`npm run grade 26`; stuck? `npm run hint 26`): each path
 * above, with its status and body. They make their own folder, with the programs, to
 * serve. They need `perl`, which nearly every Linux and macOS machine has.
 */
import { File, type IResource } from '../../lib/index.ts';

/** What the programs in /cgi-bin/ find in the variable SITE_NAME. */
export const SITE_NAME = 'Loom Workshop';

/** The root resource of the site that serves `dir`. */
export function createRoot(dir: string): IResource {
  const root = new File(dir);
  // TODO 1: run .pl files with Perl: a FilteredScript subclass whose filter is 'perl',
  //         installed as the processor for '.pl' (see lessons/26-cgi-and-asis/example.ts).
  // TODO 2: send .asis files as the responses they hold (another processor).
  // TODO 3: serve dir/cgi-bin at /cgi-bin/ as a folder of CGI programs, whose
  //         programs get SITE_NAME in their environment (look at CGIOptions).
  return root;
}
