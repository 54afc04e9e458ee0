import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeServer, type SimpleServer } from '../../lib/gateway/simple-server.ts';
import { isLoomError } from '../../lib/errors.ts';
import { memoryLogger } from '../../lib/testing.ts';
import type { LessonExample } from '../../lessons/lesson.ts';
import * as app from '../../lessons/27-gateway-servers/app.ts';
import * as lesson from '../../lessons/27-gateway-servers/example.ts';
import { send, startExample, type RunningExample } from './support/run-example.ts';

const example: LessonExample = lesson;
const CGI_SCRIPT = fileURLToPath(new URL('../../lessons/27-gateway-servers/app.cgi.ts', import.meta.url));

/** Run the lesson's CGI script as a CGI server would, and return what it printed. */
function runCgi(env: Record<string, string>, body = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CGI_SCRIPT], {
      env: { PATH: process.env.PATH ?? '', CONTENT_LENGTH: String(Buffer.byteLength(body)), ...env }, stdio: ['pipe', 'pipe', 'inherit'],
    });
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.on('error', reject);
    child.on('close', () => resolve(Buffer.concat(out).toString()));
    child.stdin.end(body);
  });
}

describe('lesson 27: gateway-servers', () => {
  let server: RunningExample;
  let simple: SimpleServer;
  beforeAll(async () => {
    server = await startExample(example);
    simple = await makeServer('127.0.0.1', 0, app.served, { logger: memoryLogger() });
  });
  afterAll(async () => {
    await server.close();
    await simple.close();
  });

  it('carries the middleware\'s headers: X-Served-By and a fresh X-Request-Id each time', async () => {
    const a = await send({ note: '', path: '/' }, server.url);
    const b = await send({ note: '', path: '/' }, server.url);
    expect(a!.headers.get('x-served-by')).toBe('loom');
    expect(a!.headers.get('x-request-id')).toMatch(/^\d+-\d+$/);
    expect(a!.headers.get('x-request-id')).not.toBe(b!.headers.get('x-request-id'));
  });

  it('serves the same application on the simple server, which says it is single-threaded', async () => {
    const answer = await send({ note: '', path: '/notes' }, simple.url);
    expect(answer.text).toMatch(/^Hello from a single-threaded server!\nPATH_INFO=\/notes request=\d+-\d+\n$/);
    expect(answer.headers.get('x-served-by')).toBe('loom');
    const posted = await send({ note: '', method: 'POST', path: '/', body: 'a note' }, simple.url);
    expect(posted.text).toBe('You sent 6 bytes: a note\n');
  });

  it('runs the same application as a CGI script, which says it is a CGI process', async () => {
    const out = await runCgi({ REQUEST_METHOD: 'GET', PATH_INFO: '/hi', SERVER_NAME: 'localhost', SERVER_PORT: '80', SERVER_PROTOCOL: 'HTTP/1.1' });
    expect(out).toMatch(/^Status: 200 OK\r\nContent-Type: text\/plain; charset=utf-8\r\nX-Served-By: loom\r\nX-Request-Id: \d+-1\r\n\r\nHello from a CGI process!\nPATH_INFO=\/hi request=\d+-1\n$/);
  });

  it('has the validator in front: a server that breaks the interface gets a message saying what to change', () => {
    try {
      app.served({ REQUEST_METHOD: 'GET' } as Parameters<typeof app.served>[0], () => () => {});
      expect.unreachable();
    } catch (error) {
      expect(isLoomError(error, 'LOOM_ERR_GATEWAY_VIOLATION')).toBe(true);
      expect((error as Error).message).toContain("environ.SCRIPT_NAME must be a string (use '' when there is nothing to say)");
    }
  });
});
