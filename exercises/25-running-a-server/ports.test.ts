/**
 * Graded tests for exercise 25. `readPorts` is tested on its own; `createApplication`
 * is started for real, on ports the system picks (`tcp:0`), asked over HTTP, and
 * stopped with a request in flight, as `loom --config` stops it on Ctrl-C.
 */
import { request as httpRequest } from 'node:http';
import { describe, it } from 'vitest';
import { Resource, SiteService, isLoomError, listeningPorts, parseEndpoint, NOT_DONE_YET, type Request } from '../../lib/index.ts';
import { testSite } from '../../lib/testing.ts';
import { subject } from '../../tools/grading/subject.ts';
import { GradingError } from '../../tools/grading/wire.ts';

const { readPorts, createApplication } = await subject<typeof import('./ports.ts')>(import.meta.url, 'ports.ts');

const LOOPBACK = 'tcp:0:interface=127.0.0.1';

/** Call `fn`, expecting it to throw; return what it threw. */
function thrownBy(fn: () => unknown, what: string): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new GradingError(`✗ ${what} should throw a LoomError, but it returned normally.`);
}

function sameList(actual: unknown, expected: readonly string[], note: string): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new GradingError(`✗ ${note}\nExpected: ${JSON.stringify(expected)}\nGot:      ${JSON.stringify(actual)}`);
  }
}

/** GET `url` on a fresh connection: the status and body, or the socket error's code. */
function get(url: string): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end();
  });
}

/** A page that answers only when `release()` is called, and says when a request is waiting. */
class Held extends Resource {
  override isLeaf = true;
  readonly #waiting: Request[] = [];
  #arrived: () => void = () => {};
  readonly arrived = new Promise<void>((resolve) => (this.#arrived = resolve));

  render_GET(request: Request): typeof NOT_DONE_YET | string {
    if (request.postpath[0] !== 'held') return `port says hello`;
    this.#waiting.push(request);
    this.#arrived();
    return NOT_DONE_YET;
  }

  release(): void {
    for (const r of this.#waiting.splice(0)) {
      r.write('released');
      r.finish();
    }
  }
}

describe('readPorts', () => {
  it('reads one endpoint a line, skipping blank lines and comments', () => {
    const text = '# where the site listens\ntcp:8080\n\n   unix:/tmp/web.sock  \n  # not this one: tcp:9090\ntcp:8081:interface=127.0.0.1\n';
    sameList(readPorts(text), ['tcp:8080', 'unix:/tmp/web.sock', 'tcp:8081:interface=127.0.0.1'], `readPorts(${JSON.stringify(text)})`);
  });

  it('takes a bare number as a TCP port', () => {
    sameList(readPorts('8080\n8443\n'), ['tcp:8080', 'tcp:8443'], 'readPorts("8080\\n8443\\n"): a line of digits is tcp:PORT.');
  });

  it('refuses an endpoint parseEndpoint refuses, saying which line', () => {
    const error = thrownBy(() => readPorts('# ports\n\ntcp:8080\ntcp:eighty\n'), 'readPorts with "tcp:eighty" on line 4');
    if (!isLoomError(error)) throw new GradingError(`✗ readPorts threw ${String(error)}; throw a LoomError (from lib/index.ts) instead.`);
    if (!error.message.startsWith('ports file, line 4: ')) {
      throw new GradingError(`✗ The message should start with "ports file, line 4: " (lines counted from 1, the comment and the blank line included); it was:\n  ${error.message}`);
    }
    const own = thrownBy(() => parseEndpoint('tcp:eighty'), 'parseEndpoint("tcp:eighty")');
    const expected = `ports file, line 4: ${own instanceof Error ? own.message : String(own)}`;
    if (error.message !== expected) {
      throw new GradingError(`✗ After the line number, give parseEndpoint's own message (call parseEndpoint and catch what it throws), not one of your own.\nExpected: ${expected}\nGot:      ${error.message}`);
    }
  });

  it('refuses a file with no endpoint at all', () => {
    const error = thrownBy(() => readPorts('# nothing here yet\n\n'), 'readPorts of a file of comments');
    if (!isLoomError(error)) throw new GradingError(`✗ readPorts threw ${String(error)}; throw a LoomError (from lib/index.ts) instead.`);
  });
});

describe('createApplication', () => {
  it('makes one SiteService per endpoint, in order, all for the same site', () => {
    const site = testSite(new Resource());
    // Read as readPorts reads it: the comment and blank line skipped, the bare number a TCP port.
    const application = createApplication('tcp:8080\n# skip me\n\n  8081  \nunix:/tmp/web.sock\n', site);
    const services = application.services;
    if (!services.every((s) => s instanceof SiteService)) {
      throw new GradingError(`✗ Every service should be a SiteService; got ${services.map((s) => s.constructor.name).join(', ') || 'none'}.`);
    }
    sameList(services.map((s) => (s as SiteService).endpoint), ['tcp:8080', 'tcp:8081', 'unix:/tmp/web.sock'],
      'The services\' endpoints, in the order of the file, each as readPorts gives it.');
    if (!services.every((s) => (s as SiteService).site === site)) {
      throw new GradingError('✗ Every SiteService should serve the site createApplication was given (one site, many ports).');
    }
  });

  it('serves on every port, and stops gracefully: a request in flight is answered, new connections are refused', async () => {
    const held = new Held();
    const site = testSite(held);
    const application = createApplication(`${LOOPBACK}\n${LOOPBACK}\n`, site);
    await application.start();
    let stopped = false;
    try {
      const urls = listeningPorts(application).map((p) => p.url);
      if (urls.length !== 2) throw new GradingError(`✗ Two endpoints were listed, so two ports should be open; ${urls.length} are.`);
      for (const url of urls) {
        const answer = await get(url);
        if (!('status' in answer) || answer.status !== 200) throw new GradingError(`✗ GET ${url} should answer 200; got ${JSON.stringify(answer)}.`);
      }
      // The last port stops first (services stop in reverse), so hold a request there.
      const inFlight = get(`${urls[1]}held`);
      await held.arrived;
      const stopping = application.stop().then(() => void (stopped = true));
      const refused = await get(urls[1]!);
      if (!('error' in refused)) throw new GradingError(`✗ Once stopping, the port should refuse new connections; it answered ${JSON.stringify(refused)}.`);
      held.release();
      const answer = await inFlight;
      if (!('status' in answer) || answer.status !== 200 || answer.body !== 'released') {
        throw new GradingError(`✗ The request in flight when the application stopped should still get its answer; got ${JSON.stringify(answer)}.`);
      }
      await stopping;
    } finally {
      if (!stopped) await application.stop().catch(() => undefined);
    }
  });
});
