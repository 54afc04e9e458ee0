/**
 * The same application, answered identically by every gateway: GatewayResource on a
 * Site, the CGI handler (run as a real CGI process, by hand and under Loom's own
 * FilteredScript), the simple server, and nginx in front of the SCGI and FastCGI servers. One contract, five implementations: each
 * request is sent to each gateway and the answers are compared field by field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { FilteredScript } from '../../lib/cgi.ts';
import { realClock } from '../../lib/clock.ts';
import { Registry } from '../../lib/static/registry.ts';
import { FastCGIServer } from '../../lib/gateway/fastcgi.ts';
import { ThreadPool } from '../../lib/gateway/pool.ts';
import { GatewayResource } from '../../lib/gateway/resource.ts';
import { SCGIServer } from '../../lib/gateway/scgi.ts';
import { makeServer, type SimpleServer } from '../../lib/gateway/simple-server.ts';
import { Site } from '../../lib/site.ts';
import { router } from './fixtures/apps.ts';
import { findNginx, freePort, startNginx, type RunningNginx } from './nginx.ts';
import { fixture, runScript, send, WatchedLogger } from './support.ts';
import { requires } from '../support/programs.ts';

/** What is compared: what the application decided, not what each server adds (Date, Server, framing). */
interface Answer {
  status: number;
  reason: string;
  contentType: string | undefined;
  multi: string[];
  body: string;
}

interface Probe {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly body: string;
}

const PROBES: Probe[] = [
  { method: 'POST', path: '/echo/sub', query: 'q=1&r=%20', body: 'hello body' },
  { method: 'GET', path: '/stream', query: 'count=40&size=10000', body: '' },
  { method: 'GET', path: '/twice', query: '', body: '' },
  { method: 'GET', path: '/writer', query: '', body: '' },
  { method: 'GET', path: '/failEarly', query: '', body: '' },
];

const HEADERS = { 'X-Test': 'from the test', 'Content-Type': 'text/plain' };

/** An answer over HTTP, reduced to what is compared. */
async function overHttp(base: string, probe: Probe): Promise<Answer> {
  const url = `${base.replace(/\/$/, '')}${probe.path}${probe.query === '' ? '' : `?${probe.query}`}`;
  const answer = await send(url, { method: probe.method, headers: HEADERS, body: probe.body === '' ? undefined : probe.body });
  const multi: string[] = [];
  for (let i = 0; i < answer.rawHeaders.length; i += 2) if (answer.rawHeaders[i]!.toLowerCase() === 'x-multi') multi.push(answer.rawHeaders[i + 1]!);
  const type = answer.headers['content-type'];
  return { status: answer.status, reason: answer.reason, contentType: typeof type === 'string' ? type : undefined, multi, body: answer.body.toString('latin1') };
}

/** An answer from the CGI script, started as a CGI server would start it. */
async function overCgi(probe: Probe): Promise<Answer> {
  const out = await runScript({
    LOOM_TEST_APP: 'router', REQUEST_METHOD: probe.method, SCRIPT_NAME: '', PATH_INFO: probe.path, QUERY_STRING: probe.query,
    CONTENT_TYPE: 'text/plain', SERVER_NAME: '127.0.0.1', SERVER_PORT: '80', SERVER_PROTOCOL: 'HTTP/1.1', HTTP_X_TEST: HEADERS['X-Test'],
  }, probe.body);
  const [, code = '', reason = ''] = /^Status: (\d{3}) (.*)$/.exec(out.lines[0] ?? '') ?? [];
  const headers = out.lines.slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 2)] as const);
  return {
    status: Number(code), reason, contentType: headers.find(([n]) => n === 'content-type')?.[1],
    multi: headers.filter(([n]) => n === 'x-multi').map(([, v]) => v), body: out.body.toString('latin1'),
  };
}

describe('the same application through every gateway', () => {
  const pool = new ThreadPool({ minThreads: 2, maxThreads: 2 });
  const logger = new WatchedLogger();
  const app = fixture('router');
  const nginxProgram = requires('nginx', { find: findNginx });
  const nginxBinary = nginxProgram.path;
  let site: Site;
  let siteUrl: string;
  let simple: SimpleServer;
  let cgiSite: Site;
  let cgiSiteUrl: string;
  let scgi: SCGIServer;
  let fastcgi: FastCGIServer;
  let nginx: RunningNginx | null = null;
  const ports = { scgiHttp: 0, fastcgiHttp: 0 };
  const expected = new Map<Probe, Answer>();

  beforeAll(async () => {
    pool.start();
    site = new Site(new GatewayResource(realClock, pool, app), { logger });
    siteUrl = (await site.listen('tcp:0:interface=127.0.0.1')).url;
    simple = await makeServer('127.0.0.1', 0, router, { logger });
    // The app's CGI entry point run by Loom's FilteredScript, as any CGI-capable server would.
    const script = new FilteredScript(fileURLToPath(new URL('./fixtures/app.cgi.ts', import.meta.url)), new Registry(), {
      filter: fileURLToPath(new URL('./fixtures/run-ts.sh', import.meta.url)), env: { LOOM_TEST_APP: 'router' },
    });
    cgiSite = new Site(script, { logger });
    cgiSiteUrl = (await cgiSite.listen('tcp:0:interface=127.0.0.1')).url;
    scgi = new SCGIServer(pool, app, { logger });
    fastcgi = new FastCGIServer(pool, app, { logger });
    const scgiPort = (await scgi.listen('tcp:0:interface=127.0.0.1')).port;
    const fastcgiPort = (await fastcgi.listen('tcp:0:interface=127.0.0.1')).port;
    if (nginxBinary !== null) {
      ports.scgiHttp = await freePort();
      ports.fastcgiHttp = await freePort();
      nginx = await startNginx(nginxBinary, [
        { kind: 'scgi', httpPort: ports.scgiHttp, backendPort: scgiPort },
        { kind: 'fastcgi', httpPort: ports.fastcgiHttp, backendPort: fastcgiPort },
      ]);
    }
    // The reference answers: GatewayResource's.
    for (const probe of PROBES) expected.set(probe, await overHttp(siteUrl, probe));
  });

  afterAll(async () => {
    await nginx?.stop();
    await Promise.all([site?.close(), simple?.close(), cgiSite?.close(), scgi?.close(), fastcgi?.close()]);
    await pool.stop();
  });

  it('GatewayResource answers the probes as the application says', () => {
    const [echo, stream, twice, writer, failed] = PROBES.map((p) => expected.get(p)!);
    expect(echo).toMatchObject({ status: 201, reason: 'Created', contentType: 'text/plain; charset=utf-8', multi: ['one', 'two'] });
    expect(echo!.body).toBe('method=POST\npath=/echo|/sub\nquery=q=1&r=%20\ntype=text/plain\nlength=10\nheader=from the test\nbody=hello body\n');
    expect(stream!.body.length).toBe(400_000);
    expect([twice!.status, twice!.contentType, writer!.body]).toEqual([202, undefined, 'one two three']);
    expect([failed!.status, failed!.contentType]).toEqual([500, 'text/html; charset=utf-8']);
    expect(failed!.body).toContain('Processing Failed');
  });

  it('the CGI handler answers every probe identically (each a new CGI process)', async () => {
    const answers = await Promise.all(PROBES.map((probe) => overCgi(probe)));
    PROBES.forEach((probe, i) => expect(answers[i], `${probe.method} ${probe.path}`).toEqual(expected.get(probe)));
  });

  it('Loom\'s own CGIScript (a FilteredScript) answers every probe identically', async () => {
    const answers = await Promise.all(PROBES.map((probe) => overHttp(cgiSiteUrl, probe)));
    PROBES.forEach((probe, i) => expect(answers[i], `${probe.method} ${probe.path}`).toEqual(expected.get(probe)));
  });

  for (const probe of PROBES) {
    const title = `${probe.method} ${probe.path}`;

    it(`the simple server answers ${title} identically`, async () => {
      expect(await overHttp(simple.url, probe)).toEqual(expected.get(probe));
    });

    nginxProgram.it(`nginx over SCGI answers ${title} identically`, async () => {
      expect(await overHttp(`http://127.0.0.1:${ports.scgiHttp}/`, probe)).toEqual(expected.get(probe));
    });

    nginxProgram.it(`nginx over FastCGI answers ${title} identically`, async () => {
      expect(await overHttp(`http://127.0.0.1:${ports.fastcgiHttp}/`, probe)).toEqual(expected.get(probe));
    });
  }
});
