import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { NodeChannel, type Address } from '../lib/channel.ts';

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
