/**
 * Lesson 22: proxies. One process runs three servers:
 *
 * - a small **backend** Site, on the lesson's port + 100 (8122; `BACKEND_PORT` picks
 *   another), standing for "the application server of yours";
 * - the **front** Site, on the lesson's port (8022): local pages, plus
 *   `ReverseProxyResource`s that pass `/app/…` and `/api/…` on to the backend;
 * - a **forward proxy** Site, on the lesson's port + 200 (8222; `FORWARD_PROXY_PORT`): point a client's
 *   `--proxy` at it and it fetches `http://` URLs for the client.
 *
 * A reverse proxy must know where its upstream listens, and the runner chooses the
 * front's port only when it calls `listen`. So the front Site starts the other two in
 * its own `listen`, on ports derived from the one it was given (port 0, as the tests
 * ask for, gives any free ports), and mounts the proxies then. Its `close` stops all three.
 */
import { createServer } from 'node:net';
import {
  Data, ForwardProxyResource, ProxyClientFactory, Resource, ReverseProxyResource, Site, parseEndpoint, realClock,
  type ListeningPort, type Request, type SiteOptions,
} from '../../lib/index.ts';
import type { Try } from '../lesson.ts';

/** How far above the front's port the backend and the forward proxy listen. */
export const BACKEND_OFFSET = 100;
export const FORWARD_PROXY_OFFSET = 200;

/**
 * The port a helper server listens on: the variable `name` when set (`BACKEND_PORT=9100`),
 * else the front's port plus `offset`; any free port when the front's is 0 or the sum is
 * past 65535.
 */
export function derivedPort(name: string, front: number, offset: number, env: NodeJS.ProcessEnv = process.env): number {
  const given = env[name];
  if (given !== undefined && given !== '') {
    if (!/^\d+$/.test(given) || Number(given) > 65535) throw new Error(`${name} must be a port number from 0 to 65535, not "${given}".`);
    return Number(given);
  }
  return front === 0 || front + offset > 65535 ? 0 : front + offset;
}

// #region backend
/** The backend's tree: a home page, and `/echo/…`, which says what the backend received. */
export function createBackendRoot(): Resource {
  const root = new Resource();
  root.putChild('', new Data('Hello from the backend.\n', 'text/plain; charset=utf-8'));
  root.putChild('echo', new Echo());
  return root;
}

/** A leaf that answers with what reached it: the method, the target, a few headers, the body. */
class Echo extends Resource {
  override isLeaf = true;

  override render(request: Request): string {
    request.setHeader('content-type', 'text/plain; charset=utf-8');
    request.setHeader('x-served-by', 'backend');
    const header = (name: string) => request.getHeader(name) ?? '(none)';
    return [
      `The backend got: ${request.method} ${request.uri}`,
      `Host: ${header('host')}`,
      `X-Forwarded-For: ${header('x-forwarded-for')}`,
      `X-Forwarded-Host: ${header('x-forwarded-host')}`,
      `Body: ${request.content.text()}`,
      '',
    ].join('\n');
  }
}
// #endregion backend

// #region front-tree
/**
 * Mount the reverse proxies beside the front's local pages. All of them share `factory`,
 * and so one pool of kept-alive connections to the backend.
 */
export function mountProxies(root: Resource, backendPort: number, deadPort: number, factory: ProxyClientFactory): void {
  // /app/x → /x on the backend: '' stands for the backend's root.
  root.putChild('app', new ReverseProxyResource('127.0.0.1', backendPort, '', factory));
  // /api/x?q → /echo/x?q on the backend. No trailing slash on the path: /api/ adds one.
  root.putChild('api', new ReverseProxyResource('127.0.0.1', backendPort, '/echo', factory));
  // Nothing listens on deadPort: the proxy answers 502 Bad Gateway.
  root.putChild('down', new ReverseProxyResource('127.0.0.1', deadPort, '', factory));
}
// #endregion front-tree

// #region front-site
/** The front Site: local pages now, the proxies once the backend is listening. */
export class ProxyLessonSite extends Site {
  /** The backend Site (started by `listen`). */
  readonly backend: Site;
  /** The forward proxy's Site (started by `listen`). */
  readonly forwardProxy: Site;
  /** `http://127.0.0.1:PORT/` of the backend and of the forward proxy, once listening. */
  backendUrl = '';
  forwardProxyUrl = '';
  // The upstream timeout measures a real network's silence, so it runs on the real clock
  // even when the Site is given another (the tests give one on which time flies).
  readonly #factory = new ProxyClientFactory({ clock: realClock });
  readonly #forward = new ForwardProxyResource({ clock: realClock });
  readonly #root: Resource;
  #mounted = false;

  constructor(options: SiteOptions = {}) {
    const root = new Resource();
    root.putChild('', new Data(FRONT_PAGE, 'text/plain; charset=utf-8'));
    root.putChild('local', new Data('Answered by the front server itself, no proxy involved.\n', 'text/plain; charset=utf-8'));
    super(root, options);
    this.#root = root;
    this.backend = new Site(createBackendRoot(), options);
    this.forwardProxy = new Site(this.#forward, options);
  }

  /** Listen on `endpoint`, after starting the backend and the forward proxy on derived ports. */
  override async listen(endpoint: string): Promise<ListeningPort> {
    if (!this.#mounted) {
      const parsed = parseEndpoint(endpoint);
      const port = parsed.kind === 'tcp' ? parsed.port : 0;
      const backend = await this.backend.listen(`tcp:${derivedPort('BACKEND_PORT', port, BACKEND_OFFSET)}:interface=127.0.0.1`);
      this.backendUrl = backend.url;
      const forwardPort = derivedPort('FORWARD_PROXY_PORT', port, FORWARD_PROXY_OFFSET);
      this.forwardProxyUrl = (await this.forwardProxy.listen(`tcp:${forwardPort}:interface=127.0.0.1`)).url;
      const backendPort = backend.address.type === 'UNIX' ? 0 : backend.address.port;
      mountProxies(this.#root, backendPort, await portNobodyListensOn(), this.#factory);
      this.#mounted = true;
    }
    return super.listen(endpoint);
  }

  /** Stop the front, then the servers behind it, then drop the kept-alive upstream connections. */
  override async close(): Promise<void> {
    await super.close();
    await Promise.all([this.forwardProxy.close(), this.backend.close()]);
    await Promise.all([this.#factory.close(), this.#forward.close()]);
  }
}
// #endregion front-site

export function createSite(options: SiteOptions = {}): ProxyLessonSite {
  return new ProxyLessonSite(options);
}

const FRONT_PAGE = `This is the front server.
  /local/  is answered here.
  /app/    is passed on to the backend's /.
  /api/    is passed on to the backend's /echo/.
  /down/   is passed on to a port where nothing listens.
`;

/** A loopback port that was free a moment ago: listen on port 0, note the port, stop. */
function portNobodyListensOn(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export const tryThis: Try[] = [
  { note: 'the front page, answered locally', path: '/', expect: { code: 200, bodyIncludes: 'This is the front server.' } },
  { note: 'the backend\'s home page, through the proxy at /app', path: '/app/', expect: { code: 200, bodyIncludes: 'Hello from the backend.' } },
  { note: '/api/users/7?full=1 reaches the backend as /echo/users/7?full=1', path: '/api/users/7?full=1', expect: { code: 200, bodyIncludes: 'The backend got: GET /echo/users/7?full=1' } },
  { note: 'the proxy rewrites Host and adds X-Forwarded-For', path: '/api/who', expect: { code: 200, bodyIncludes: 'X-Forwarded-For: 127.0.0.1' } },
  { note: 'a POST body goes upstream too', method: 'POST', path: '/api/notes', body: 'buy milk', expect: { code: 200, bodyIncludes: 'Body: buy milk' } },
  { note: 'a page the backend does not have: its own 404, passed back', path: '/app/nothing', expect: { code: 404 } },
  { note: 'an upstream nobody answers for: 502 Bad Gateway', path: '/down/', expect: { code: 502, bodyIncludes: 'Bad Gateway' } },
];
