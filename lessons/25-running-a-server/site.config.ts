/**
 * Lesson 25's config file (Twisted's `.tac`): `npx loom --config
 * lessons/25-running-a-server/site.config.ts` runs the services it exports as
 * `application`, in order, and on Ctrl-C stops them in reverse.
 *
 * One Site on every port `ports.txt` lists, as the Twisted howto's "several ports"
 * example does, and one service of our own that says when the program starts and
 * stops, to show that anything with `start()` and `stop()` is a service.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MultiService, SiteService, type Service } from '../../lib/index.ts';
import { createSite } from './example.ts';

// #region config-application
export const application = new MultiService('lesson 25');

const site = createSite({ accessLog: process.stdout });
const ports = readFileSync(join(import.meta.dirname, 'ports.txt'), 'utf8');
for (const line of ports.split('\n').map((l) => l.trim())) {
  if (line !== '' && !line.startsWith('#')) application.addService(new SiteService(line, site));
}

const announcer: Service = {
  name: 'announcer',
  start: () => void console.error('lesson 25: every port is open'),
  stop: () => void console.error('lesson 25: stopping; the ports close next'),
};
application.addService(announcer);
// #endregion config-application
