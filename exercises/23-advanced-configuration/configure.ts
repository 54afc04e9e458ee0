/**
 * Exercise 23 · Configure a site from parts.
 *
 * Finish `configure(siteDir, docsDir)` so that the resource it returns serves:
 *
 *     /                 siteDir/start.html: the ONLY index name (so a folder that has
 *                       just an index.html, like siteDir/old/, gets a listing)
 *     /contact          siteDir/contact.html (names without .html find the .html file)
 *     /hello.rsx.ts     run as a resource script (lesson 09)
 *     /poem.upper       shown in capitals by UpperCasePage, below: every .upper file
 *     /docs/…           the folder docsDir, where files with no extension are text/plain
 *     /health           "ok\n" as text/plain; charset=utf-8, from memory (no such file)
 *
 * What the graded tests check (`npm run grade 23`; stuck? `npm run hint 23`): each path
 * above, with its status, type and body. They make their own two folders to serve.
 */
import { readFileSync } from 'node:fs';
import { File, Resource, type IResource, type Registry, type Request } from '../../lib/index.ts';

/** What /health answers. */
export const HEALTH = 'ok\n';

/** A processor class: an `.upper` file, sent in capital letters as plain text. Nothing to change here. */
export class UpperCasePage extends Resource {
  readonly path: string;
  readonly registry: Registry;

  constructor(path: string, registry: Registry) {
    super();
    this.path = path;
    this.registry = registry;
  }

  render_GET(request: Request): string {
    request.setHeader('content-type', 'text/plain; charset=utf-8');
    return readFileSync(this.path, 'utf8').toUpperCase();
  }
}

/** The root of the site. */
export function configure(siteDir: string, docsDir: string): IResource {
  const root = new File(siteDir);
  // TODO 1: make start.html the one and only index name.
  // TODO 2: let /contact find contact.html.
  // TODO 3: processors: '.rsx.ts' files run as resource scripts, '.upper' files become UpperCasePage.
  // TODO 4: mount docsDir at /docs, as a File whose default type is text/plain.
  // TODO 5: answer /health with HEALTH from memory (lib/static/data.ts).
  return root;
}
