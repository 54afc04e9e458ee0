import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { NodeChannel, type Address } from '../../lib/plumbing/channel.ts';

describe('NodeChannel', () => {
  it('reports addresses, writes the head and body, and closes with lost=false after end', async () => {
    const seen: { client?: Address; host?: Address; secure?: boolean; lost?: boolean } = {};
    const server = http.createServer((req, res) => {
      const channel = new NodeChannel(req, res);
      seen.client = channel.client;
      seen.host = channel.host;
      seen.secure = channel.secure;
      channel.onClose((lost) => (seen.lost = lost));
      channel.writeHead(201, 'Made', ['X-A', '1']);
      channel.write('a');
      channel.end('b');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const res = await fetch(`http://127.0.0.1:${port}/`);
    expect(res.status).toBe(201);
    expect(res.statusText).toBe('Made');
    expect(res.headers.get('x-a')).toBe('1');
    expect(await res.text()).toBe('ab');
    await new Promise<void>((r) => server.close(() => r()));
    expect(seen.client).toMatchObject({ type: 'IPv4', host: '127.0.0.1' });
    expect(seen.host).toEqual({ type: 'IPv4', host: '127.0.0.1', port });
    expect(seen.secure).toBe(false);
    expect(seen.lost).toBe(false);
  });
});

describe('NodeChannel, flow control and cutting', () => {
  it('calls onDrain at once when the buffer has room', async () => {
    let drained = false;
    const server = http.createServer((req, res) => {
      const channel = new NodeChannel(req, res);
      channel.writeHead(200, 'OK', []);
      channel.write('a');
      channel.onDrain(() => {
        drained = true;
        channel.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const res = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
    expect(await res.text()).toBe('a');
    expect(drained).toBe(true);
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('sends what was written before abort, then closes, reporting the response as lost', async () => {
    let lost: boolean | undefined;
    const server = http.createServer((req, res) => {
      const channel = new NodeChannel(req, res);
      channel.onClose((l) => (lost = l));
      channel.writeHead(200, 'OK', ['Content-Length', '100']);
      channel.write('partial body');
      channel.abort();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const { exchange } = await import('../support/raw-http.ts');
    const text = await exchange(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(text).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(text.endsWith('partial body')).toBe(true);
    await new Promise<void>((r) => server.close(() => r()));
    expect(lost).toBe(true);
  });
});
