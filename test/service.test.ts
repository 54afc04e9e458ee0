import { describe, expect, it } from 'vitest';
import { MultiService, Resource, Site, SiteService, listeningPorts, type Service } from '../lib/index.ts';
import { memoryLogger } from '../lib/testing.ts';

const LOCAL = 'tcp:0:interface=127.0.0.1';

/** A leaf that answers every path with one word. */
class Word extends Resource {
  override isLeaf = true;
  readonly word: string;
  constructor(word: string) {
    super();
    this.word = word;
  }
  render_GET(): string {
    return this.word;
  }
}

/** A service that writes what happens to it into `log`, and can be told to fail. */
function recorder(name: string, log: string[], fail: 'start' | 'stop' | null = null): Service {
  return {
    name,
    async start() {
      log.push(`start ${name}`);
      if (fail === 'start') throw new Error(`${name} cannot start`);
    },
    stop() {
      log.push(`stop ${name}`);
      if (fail === 'stop') throw new Error(`${name} cannot stop`);
    },
  };
}

describe('MultiService', () => {
  it('starts services in the order added and stops them in reverse', async () => {
    const log: string[] = [];
    const app = new MultiService();
    for (const name of ['a', 'b', 'c']) app.addService(recorder(name, log));
    await app.start();
    await app.stop();
    expect(log).toEqual(['start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a']);
  });

  it('stops the services already started when one fails to start, then reports that failure', async () => {
    const log: string[] = [];
    const app = new MultiService();
    app.addService(recorder('a', log));
    app.addService(recorder('b', log, 'start'));
    app.addService(recorder('c', log));
    await expect(app.start()).rejects.toThrow('b cannot start');
    expect(log).toEqual(['start a', 'start b', 'stop a']);
  });

  it('stops every service even when one fails to stop, and reports the failure after', async () => {
    const log: string[] = [];
    const app = new MultiService();
    app.addService(recorder('a', log));
    app.addService(recorder('b', log, 'stop'));
    await app.start();
    await expect(app.stop()).rejects.toThrow('b cannot stop');
    expect(log).toEqual(['start a', 'start b', 'stop b', 'stop a']);
  });

  it('holds collections of collections, started depth first', async () => {
    const log: string[] = [];
    const inner = new MultiService('inner');
    inner.addService(recorder('x', log));
    const app = new MultiService();
    app.addService(inner);
    app.addService(recorder('y', log));
    await app.start();
    await app.stop();
    expect(log).toEqual(['start x', 'start y', 'stop y', 'stop x']);
  });
});

describe('SiteService', () => {
  it('listens while it runs, and the last service of a Site closes the Site', async () => {
    const site = new Site(new Word('hello'), { logger: memoryLogger() });
    const app = new MultiService();
    const first = app.addService(new SiteService(LOCAL, site));
    const second = app.addService(new SiteService(LOCAL, site));
    expect(first.name).toBe(`site on ${LOCAL}`);
    await app.start();
    const urls = listeningPorts(app).map((p) => p.url);
    expect(urls).toHaveLength(2);
    for (const url of urls) expect(await (await fetch(url)).text()).toBe('hello');
    await second.stop();
    await expect(fetch(urls[1]!)).rejects.toThrow();
    expect(await (await fetch(urls[0]!)).text()).toBe('hello'); // the other port still serves
    await app.stop();
    await expect(fetch(urls[0]!)).rejects.toThrow();
    expect(listeningPorts(app)).toEqual([]);
  });

  it('fails to start on a port that is taken, leaving nothing open', async () => {
    const site = new Site(new Word('x'), { logger: memoryLogger() });
    const taken = await site.listen(LOCAL);
    const app = new MultiService();
    const good = app.addService(new SiteService(LOCAL, new Site(new Word('y'), { logger: memoryLogger() })));
    app.addService(new SiteService(`tcp:${taken.address.port}:interface=127.0.0.1`, site));
    await expect(app.start()).rejects.toMatchObject({ code: 'LOOM_ERR_ADDRESS_IN_USE' });
    expect(good.port).toBeNull();
    await site.close();
  });
});
