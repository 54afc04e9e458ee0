/**
 * Reference solution for exercise 23 (configure a site from parts). Read it after your
 * own passes: `npm run solution 23`.
 */
import { readFileSync } from 'node:fs';
import { Data, File, Resource, ResourceScript, type IResource, type Registry, type Request } from '../../lib/index.ts';

/** What /health answers. */
export const HEALTH = 'ok\n';

/** A processor class: an `.upper` file, sent in capital letters as plain text. */
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
  const root = new File(siteDir, {
    // Replaces the whole default list, so old/index.html is no index any more.
    indexNames: ['start.html'],
    processors: {
      '.rsx.ts': ResourceScript,
      '.upper': (path, registry) => new UpperCasePage(path, registry),
    },
  });
  root.ignoreExt('.html');
  // Static children answer before the folder is looked at; each File keeps its own settings.
  root.putChild('docs', new File(docsDir, { defaultType: 'text/plain' }));
  root.putChild('health', new Data(HEALTH, 'text/plain; charset=utf-8'));
  return root;
}
