import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Application } from '../../lib/gateway/spec.ts';
import { makeServer, type SimpleServer } from '../../lib/gateway/simple-server.ts';
import * as apps from './fixtures/apps.ts';
import { send, WatchedLogger } from './support.ts';

/** One server for the file, routing by the first path segment to a fixture application. */
const byName: Application = (environ, startResponse) => {
  const name = environ.PATH_INFO.split('/')[1] ?? '';
  const app = (apps as unknown as Record<string, Application>)[name];
  if (typeof app !== 'function') {
    startResponse('404 Not Found', [['Content-Type', 'text/plain']]);
    return ['no such app'];
  }
  return app(environ, startResponse);
};

describe('makeServer', () => {
  const logger = new WatchedLogger();
  let server: SimpleServer;
  beforeAll(async () => {
    server = await makeServer('127.0.0.1', 0, byName, { logger });
  });
  afterAll(() => server.close());

  it('listens on the port it got and says where', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.address.port}/`);
    expect(server.address.port).toBeGreaterThan(0);
  });

  it('serves the application at the root, with the single-threaded flags', async () => {
    const answer = await send(`${server.url}environ/a%20b?x=1`, { headers: { 'X-Test': 'yes' } });
    const env = JSON.parse(answer.body.toString()) as Record<string, unknown>;
    expect(env).toMatchObject({
      SCRIPT_NAME: '', PATH_INFO: '/environ/a b', QUERY_STRING: 'x=1', SERVER_PORT: String(server.address.port), HTTP_X_TEST: 'yes',
      'gateway.multithread': false, 'gateway.multiprocess': false, 'gateway.run_once': false,
    });
  });

  it('gives the application the POST body through input', async () => {
    const answer = await send(`${server.url}echo`, { method: 'POST', body: 'posted' });
    expect(answer.status).toBe(201);
    expect(answer.body.toString()).toContain('body=posted\n');
  });

  it('streams a large generator intact', async () => {
    const answer = await send(`${server.url}stream?count=64&size=65536`);
    expect(answer.body.length).toBe(64 * 65536);
    expect(answer.body.every((b, i) => b === i % 251)).toBe(true);
  });

  it('answers 500 for an error before output and cuts the connection for one after', async () => {
    const early = await send(`${server.url}failEarly`);
    expect(early.status).toBe(500);
    expect(early.body.toString()).toContain('Processing Failed');
    const late = await send(`${server.url}failLate`);
    expect([late.status, late.cut, late.body.toString()]).toEqual([200, true, 'partial']);
    expect(logger.has('Gateway application error for GET /failEarly')).toBe(true);
  });

  it('answers 500 when the application never calls startResponse', async () => {
    expect((await send(`${server.url}noStart`)).status).toBe(500);
  });

  it('calls close() and logs errors.write() text', async () => {
    await send(`${server.url}closing`);
    expect(logger.has('wrote to errors: closed')).toBe(true);
  });
});
