/**
 * Reference solution for exercise 25 (one site, many ports). Read it after your own
 * passes: `npm run solution 25`.
 */
import { LoomError, MultiService, SiteService, parseEndpoint, type Site } from '../../lib/index.ts';

/** The endpoints a ports file lists, in order. */
export function readPorts(text: string): string[] {
  const endpoints: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    // A bare number is a TCP port, as `loom web --port 8080` takes it.
    const endpoint = /^\d+$/.test(line) ? `tcp:${line}` : line;
    try {
      parseEndpoint(endpoint);
    } catch (error) {
      throw new LoomError('LOOM_ERR_BAD_ENDPOINT', `ports file, line ${i + 1}: ${(error as Error).message}`, { cause: error });
    }
    endpoints.push(endpoint);
  }
  if (endpoints.length === 0) {
    throw new LoomError('LOOM_ERR_BAD_ENDPOINT', 'The ports file lists no endpoint: write one a line, e.g. tcp:8080:interface=127.0.0.1.');
  }
  return endpoints;
}

/** One SiteService per endpoint of the ports file, all serving `site`, in the file's order. */
export function createApplication(text: string, site: Site): MultiService {
  const application = new MultiService('ports');
  for (const endpoint of readPorts(text)) application.addService(new SiteService(endpoint, site));
  return application;
}
