/**
 * Reference solution for exercise 26 (CGI programs, a Perl page and as-is files). Read it
 * after your own passes: `npm run solution 26`.
 */
import { join } from 'node:path';
import { ASISProcessor, CGIDirectory, File, FilteredScript, type IResource } from '../../lib/index.ts';

/** What the programs in /cgi-bin/ find in the variable SITE_NAME. */
export const SITE_NAME = 'Loom Workshop';

/** A .pl file is run by the Perl interpreter; the file itself need not be executable. */
class PerlScript extends FilteredScript {
  override filter = 'perl';
}

/** The root resource of the site that serves `dir`. */
export function createRoot(dir: string): IResource {
  const root = new File(dir, {
    processors: {
      '.pl': (path, registry) => new PerlScript(path, registry),
      '.asis': (path, registry) => new ASISProcessor(path, registry),
    },
  });
  // A static child answers before the disk is looked at, so the File never gets the
  // chance to send a program's source as text. Programs only see variables they are
  // given: SITE_NAME goes in through `env`.
  root.putChild('cgi-bin', new CGIDirectory(join(dir, 'cgi-bin'), root.registry, { env: { SITE_NAME } }));
  return root;
}
