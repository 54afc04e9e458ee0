/**
 * @module
 * Services: the parts of a running program that start and stop, and the collection
 * that starts them in order and stops them in reverse.
 *
 * A config file (`loom --config site.config.ts`) exports an `application`: a
 * `MultiService` holding the program's services. A `SiteService` puts a Site on an
 * endpoint; anything else with `start()` and `stop()` is a service too (a timer, a
 * connection pool, a child process). The program starts them one after the other, and
 * on a signal stops them in reverse order, so that what started last (and may depend
 * on what came before) goes first.
 *
 * Twisted counterpart: `twisted.application.service` (`IService`, `MultiService`,
 * `Application`, `setServiceParent`) and `strports.service(description, factory)`.
 * Loom differs: `start` and `stop` may return a Promise, and the collection waits for
 * it; a service that fails to start stops the ones started before it, so a half-started
 * program does not keep ports open; there is no `Application` wrapper (that name is the
 * gateway's), the config file exports its `MultiService` as `application`.
 * Tests: `test/service.test.ts`. Lesson 25 (running-a-server) uses it.
 */

import type { ListeningPort, Site } from './site.ts';

/** Something that starts and stops with the program. Twisted's `IService`. */
export interface Service {
  /** What the service is, for messages: `site on tcp:8080`. */
  readonly name: string;
  /** Start; the program waits when this returns a Promise. */
  start(): void | Promise<void>;
  /** Stop, letting work in flight finish; the program waits when this returns a Promise. */
  stop(): void | Promise<void>;
}

// #region service-multi
/** Services started in the order they were added and stopped in reverse. Twisted's `MultiService`. */
export class MultiService implements Service {
  readonly name: string;
  readonly #services: Service[] = [];
  #started: Service[] = [];

  constructor(name = 'application') {
    this.name = name;
  }

  /** The services, in the order they start. */
  get services(): readonly Service[] {
    return this.#services;
  }

  /** Add a service; it starts after those added before it. Returns it, for chaining. */
  addService<S extends Service>(service: S): S {
    this.#services.push(service);
    return service;
  }

  /**
   * Start every service in order. When one fails, stop those already started (in
   * reverse), then throw its error: no port stays open for a program that did not start.
   */
  async start(): Promise<void> {
    for (const service of this.#services) {
      try {
        await service.start();
      } catch (error) {
        await this.stop().catch(() => undefined); // the start failure is the one to report
        throw error;
      }
      this.#started.push(service);
    }
  }

  /** Stop the started services, last first. Every one is stopped even if one fails; the first failure is thrown after. */
  async stop(): Promise<void> {
    const started = this.#started.reverse();
    this.#started = [];
    let failure: { error: unknown } | null = null;
    for (const service of started) {
      try {
        await service.stop();
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure !== null) throw failure.error;
  }
}
// #endregion service-multi

// #region service-site
/**
 * A Site listening on one endpoint while the service runs. Several may share a Site
 * (one per port): each stopping service closes its own port, and the last one closes
 * the Site (its sessions and access log), as Twisted closes a factory when its last
 * port stops.
 *
 * @example
 * application.addService(new SiteService('tcp:8080:interface=127.0.0.1', site));
 */
export class SiteService implements Service {
  readonly endpoint: string;
  readonly site: Site;
  /** The port while the service runs, else null. */
  port: ListeningPort | null = null;

  constructor(endpoint: string, site: Site) {
    this.endpoint = endpoint;
    this.site = site;
  }

  get name(): string {
    return `site on ${this.endpoint}`;
  }

  async start(): Promise<void> {
    this.port = await this.site.listen(this.endpoint);
    openPorts.set(this.site, (openPorts.get(this.site) ?? 0) + 1);
  }

  async stop(): Promise<void> {
    const port = this.port;
    if (port === null) return;
    this.port = null;
    await port.close();
    const left = (openPorts.get(this.site) ?? 1) - 1;
    if (left > 0) openPorts.set(this.site, left);
    else {
      openPorts.delete(this.site);
      await this.site.close();
    }
  }
}
// #endregion service-site

/** How many SiteServices have each Site listening right now. */
const openPorts = new WeakMap<Site, number>();

/** Every port the services (and the collections among them) listen on, in start order. */
export function listeningPorts(service: Service): ListeningPort[] {
  if (service instanceof MultiService) return service.services.flatMap(listeningPorts);
  if (service instanceof SiteService && service.port !== null) return [service.port];
  return [];
}
