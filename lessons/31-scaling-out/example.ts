/**
 * Lesson 31: scaling out. The example starts a small deployment on this machine:
 *
 * - **redis-server** on a free port, where the sessions live;
 * - **two `loom web` processes**, two "machines", each serving `app.ts` with
 *   `--sessions redis://…` and `--log-format proxied`, on free ports;
 * - **nginx** on the lesson's port (8031), passing requests to the two in turn.
 *
 * The runner asks the example's Site to listen on the lesson's port; here that port is
 * nginx's, so `listen` starts nginx there and `close` stops all four programs. The Site's
 * own resource tree serves nothing (`--trace` shows nothing for this lesson: the
 * requests are answered in the Loom processes, whose access-log lines are printed here,
 * each with its pid). When nginx or redis-server is missing, it says how to install them.
 */
import { Resource, Site, parseEndpoint, type Address, type ListeningPort, type Logger, type SiteOptions } from '../../lib/index.ts';
import { consoleLogger } from '../../lib/logger.ts';
import type { Try } from '../lesson.ts';
import { NEEDS, freePort, missingPrograms, startLoom, startNginx, startRedis, type Running } from './deployment.ts';

export const needs = NEEDS;

// #region create-site
/** Redis, then the two Loom processes; nginx comes when the runner picks the port. */
export async function createSite(options: SiteOptions = {}): Promise<Deployment> {
  const missing = missingPrograms();
  if (missing.length > 0) throw new Error(`Lesson 31 runs nginx and Redis. Install first: ${missing.join('; ')}.`);
  const logger = options.logger ?? consoleLogger;
  const redis = await startRedis(await freePort());
  return new Deployment(redis, logger, options);
}
// #endregion create-site

/** The whole deployment, behind the Site handle the lesson runner holds. */
export class Deployment extends Site {
  readonly redis: Running & { readonly port: number };
  /** The Loom processes, once `listen` has started them. */
  looms: (Running & { readonly port: number })[] = [];
  nginx: Running | null = null;
  readonly #logger: Logger;

  constructor(redis: Running & { readonly port: number }, logger: Logger, options: SiteOptions) {
    super(new Resource(), options);
    this.redis = redis;
    this.#logger = logger;
  }

  // #region deployment-listen
  /** Start the two Loom processes, then nginx on `endpoint`'s port in front of them. */
  override async listen(endpoint: string): Promise<ListeningPort> {
    const parsed = parseEndpoint(endpoint);
    if (parsed.kind !== 'tcp') throw new Error('Lesson 31 listens on a TCP port.');
    const port = parsed.port === 0 ? await freePort() : parsed.port;
    const show = (line: string): void => this.#logger.info(line);
    this.looms = await Promise.all([startLoom(this.redis.port, show), startLoom(this.redis.port, show)]);
    this.nginx = await startNginx(port, this.looms.map((loom) => loom.port));
    const address: Address = { type: 'IPv4', host: '127.0.0.1', port };
    return { address, url: `http://127.0.0.1:${port}/`, close: () => this.close() };
  }
  // #endregion deployment-listen

  /** Stop nginx first (no new requests), then the Loom processes (each drains), then Redis. */
  override async close(): Promise<void> {
    await this.nginx?.stop();
    this.nginx = null;
    await Promise.all(this.looms.map((loom) => loom.stop()));
    this.looms = [];
    await this.redis.stop();
    await super.close();
  }
}

export const tryThis: Try[] = [
  { note: 'nginx passes the request to one of the two Loom processes', path: '/', expect: { code: 200, bodyIncludes: 'served by process' } },
  { note: 'a first visit: no session cookie was sent, so a new session', path: '/', expect: { code: 200, bodyIncludes: 'visits in this session: 1' } },
  { note: 'a forged X-Forwarded-For is replaced by nginx, so the access log names the real client', path: '/',
    headers: { 'X-Forwarded-For': '6.6.6.6' }, expect: { code: 200, bodyIncludes: 'X-Forwarded-For (what the access log names): 127.0.0.1\n' } },
];
