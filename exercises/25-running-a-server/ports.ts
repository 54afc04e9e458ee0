/**
 * Exercise 25 · One site, many ports.
 *
 * The Twisted howto runs one site on several ports read from a file. Write the two
 * functions a config file (`loom --config`) needs for that:
 *
 * 1. `readPorts(text)`: the endpoints a ports file lists, in order.
 *    - one endpoint a line, with the spaces around it trimmed;
 *    - blank lines, and lines whose first non-space character is `#`, are skipped;
 *    - a line that is only digits is a TCP port: `8080` means `tcp:8080`;
 *    - every endpoint must be one `parseEndpoint` accepts. For one it refuses, throw a
 *      `LoomError` whose message starts `ports file, line N: ` (N counted from 1,
 *      blank and comment lines included) followed by `parseEndpoint`'s own message;
 *    - a file that lists no endpoint at all is an error too (any `LoomError`).
 * 2. `createApplication(text, site)`: a `MultiService` holding one `SiteService` per
 *    endpoint, in the file's order, every one serving the same `site`.
 *
 * The graded tests start your application on real ports, ask each one, and stop it
 * with a request still in flight, which must get its answer.
 * Grade with `npm run grade 25`; stuck? `npm run hint 25`.
 */
import { MultiService, type Site } from '../../lib/index.ts';

/** The endpoints a ports file lists, in order. */
export function readPorts(text: string): string[] {
  // TODO: step 1 above.
  throw new Error(`readPorts is not written yet (asked to read ${text.split('\n').length} lines).`);
}

/** One SiteService per endpoint of the ports file, all serving `site`, in the file's order. */
export function createApplication(text: string, site: Site): MultiService {
  const application = new MultiService('ports');
  // TODO: step 2 above: application.addService(new SiteService(endpoint, site)) for each endpoint.
  void text;
  void site;
  return application;
}
