import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { formatEndpoint, listenOn, parseEndpoint } from '../../lib/plumbing/endpoints.ts';

describe('parseEndpoint', () => {
  it('parses tcp with an interface and a backlog', () => {
    expect(parseEndpoint('tcp:8080:interface=127.0.0.1:backlog=5')).toEqual({ kind: 'tcp', port: 8080, interface: '127.0.0.1', backlog: 5 });
    expect(parseEndpoint('tcp:port=0')).toEqual({ kind: 'tcp', port: 0, interface: undefined, backlog: undefined });
  });

  it('takes a bare number as a tcp port', () => {
    expect(parseEndpoint('8080')).toMatchObject({ kind: 'tcp', port: 8080 });
  });

  it('unescapes \\: inside values (an IPv6 interface)', () => {
    expect(parseEndpoint('tcp:80:interface=\\:\\:1')).toMatchObject({ interface: '::1' });
  });

  it('parses unix paths and an octal mode', () => {
    expect(parseEndpoint('unix:/tmp/x.sock:mode=660')).toEqual({ kind: 'unix', path: '/tmp/x.sock', mode: 0o660, backlog: undefined });
    expect(parseEndpoint('unix:address=/tmp/y.sock')).toMatchObject({ path: '/tmp/y.sock' });
  });

  it('refuses bad input with a message that shows a valid example', () => {
    for (const [bad, why] of [['tcp:abc', 'e.g. "tcp:8080'], ['tcp:70000', 'from 0 to 65535'], ['unix:', 'socket path'], ['ftp:21', 'not an endpoint kind'],
      ['ssl:443', 'does not serve TLS yet'], ['tcp:80:backlog=x', 'backlog must be a number']] as const) {
      expect(() => parseEndpoint(bad), bad).toThrow(expect.objectContaining({ code: 'LOOM_ERR_BAD_ENDPOINT', message: expect.stringContaining(why) }));
    }
  });

  it('writes an endpoint back as a string', () => {
    for (const s of ['tcp:8080', 'tcp:80:interface=\\:\\:1', 'unix:/tmp/a.sock']) expect(formatEndpoint(parseEndpoint(s))).toBe(s);
  });
});

describe('listenOn', () => {
  it('resolves with the real port when 0 was asked for', async () => {
    const server = createServer();
    const address = await listenOn(server, parseEndpoint('tcp:0:interface=127.0.0.1'));
    expect(address.type).toBe('IPv4');
    expect(address.port).toBeGreaterThan(0);
    server.close();
  });

  it('reports a busy port as LOOM_ERR_ADDRESS_IN_USE naming the port', async () => {
    const first = createServer();
    const { port } = await listenOn(first, parseEndpoint('tcp:0:interface=127.0.0.1'));
    await expect(listenOn(createServer(), parseEndpoint(`tcp:${port}:interface=127.0.0.1`)))
      .rejects.toMatchObject({ code: 'LOOM_ERR_ADDRESS_IN_USE', message: expect.stringContaining(`port ${port}`) });
    first.close();
  });

  it('reports an address this machine does not have as LOOM_ERR_LISTEN_FAILED', async () => {
    await expect(listenOn(createServer(), parseEndpoint('tcp:0:interface=192.0.2.1'))).rejects.toMatchObject({ code: 'LOOM_ERR_LISTEN_FAILED' });
  });
});
