import { execFileSync } from 'node:child_process';
import { createServer, type ListenOptions, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKLOG, formatEndpoint, listenOn, parseEndpoint } from '../../lib/plumbing/endpoints.ts';
import { requires } from '../support/programs.ts';

const ss = requires('ss', { install: 'apt-get install iproute2' });

/** A server that records what it was asked to listen with, and says it is listening. */
function recordingServer(): { server: Server; asked: ListenOptions[] } {
  const asked: ListenOptions[] = [];
  const server = createServer();
  server.listen = ((options: ListenOptions, done: () => void) => {
    asked.push(options);
    queueMicrotask(done);
    return server;
  }) as Server['listen'];
  server.address = () => ({ address: '127.0.0.1', family: 'IPv4', port: 1 });
  return { server, asked };
}

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
    expect(parseEndpoint('unix:/tmp/x.sock:mode=660')).toEqual({ kind: 'unix', path: '/tmp/x.sock', mode: 0o660, backlog: undefined, lockfile: false });
    expect(parseEndpoint('unix:address=/tmp/y.sock')).toMatchObject({ path: '/tmp/y.sock' });
  });

  it('reads lockfile=1 on a unix endpoint, and refuses any value but 0 or 1', () => {
    expect(parseEndpoint('unix:/tmp/x.sock:mode=0660:lockfile=1')).toMatchObject({ mode: 0o660, lockfile: true });
    expect(parseEndpoint('unix:/tmp/x.sock:lockfile=0')).toMatchObject({ lockfile: false });
    expect(() => parseEndpoint('unix:/tmp/x.sock:lockfile=yes')).toThrow(expect.objectContaining({ code: 'LOOM_ERR_BAD_ENDPOINT', message: expect.stringContaining('lockfile must be 0 or 1') }));
  });

  it('parses ssl with a key, a certificate, a chain and an interface', () => {
    expect(parseEndpoint('ssl:8443:privateKey=/k/key.pem:certKey=/k/cert.pem:extraCertChain=/k/chain.pem:interface=127.0.0.1')).toEqual({
      kind: 'ssl', port: 8443, interface: '127.0.0.1', backlog: undefined, privateKey: '/k/key.pem', certKey: '/k/cert.pem', extraCertChain: '/k/chain.pem',
    });
    expect(parseEndpoint('ssl:port=0:privateKey=both.pem')).toMatchObject({ port: 0, privateKey: 'both.pem', certKey: 'both.pem' });
  });

  it("takes Twisted's server.pem for an ssl endpoint that names no key, for both key and certificate", () => {
    expect(parseEndpoint('ssl:443')).toMatchObject({ privateKey: 'server.pem', certKey: 'server.pem' });
  });

  it('refuses bad input with a message that shows a valid example', () => {
    for (const [bad, why] of [['tcp:abc', 'e.g. "tcp:8080'], ['tcp:70000', 'from 0 to 65535'], ['unix:', 'socket path'], ['ftp:21', 'not an endpoint kind'],
      ['ssl:', 'an ssl endpoint needs a port'], ['tcp:80:backlog=x', 'backlog must be a number']] as const) {
      expect(() => parseEndpoint(bad), bad).toThrow(expect.objectContaining({ code: 'LOOM_ERR_BAD_ENDPOINT', message: expect.stringContaining(why) }));
    }
  });

  it('writes an endpoint back as a string', () => {
    for (const s of ['tcp:8080', 'tcp:80:interface=\\:\\:1', 'unix:/tmp/a.sock', 'unix:/tmp/a.sock:lockfile=1', 'ssl:443:privateKey=k.pem',
      'ssl:443:privateKey=k.pem:certKey=c.pem:interface=\\:\\:1']) {
      expect(formatEndpoint(parseEndpoint(s))).toBe(s);
    }
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

  it(`asks for an accept queue of ${DEFAULT_BACKLOG} when the endpoint names no backlog, not Node's 511`, async () => {
    // 1000 clients connecting at once overflowed Node's 511 (the kernel counted 1309 drops).
    expect(DEFAULT_BACKLOG).toBeGreaterThanOrEqual(1024);
    for (const text of ['tcp:0:interface=127.0.0.1', 'unix:/tmp/loom-never.sock']) {
      const { server, asked } = recordingServer();
      await listenOn(server, parseEndpoint(text));
      expect(asked.map((o) => o.backlog), text).toEqual([DEFAULT_BACKLOG]);
    }
  });

  it('passes backlog=N from the endpoint string to listen(), as Twisted does', async () => {
    for (const text of ['tcp:0:interface=127.0.0.1:backlog=64', 'unix:/tmp/loom-never.sock:backlog=64']) {
      const { server, asked } = recordingServer();
      await listenOn(server, parseEndpoint(text));
      expect(asked.map((o) => o.backlog), text).toEqual([64]);
    }
  });

  ss.it('gets the accept queue it asked for from the kernel (up to net.core.somaxconn)', async () => {
    const server = createServer();
    const { port } = await listenOn(server, parseEndpoint('tcp:0:interface=127.0.0.1:backlog=77'));
    try {
      // For a listening socket, ss shows the accept queue's limit as Send-Q.
      const line = execFileSync(ss.path!, ['-ltnH', `sport = :${port}`], { encoding: 'utf8' }).trim();
      expect(line.split(/\s+/)[2]).toBe('77');
    } finally {
      server.close();
    }
  });

  it('reports an address this machine does not have as LOOM_ERR_LISTEN_FAILED', async () => {
    await expect(listenOn(createServer(), parseEndpoint('tcp:0:interface=192.0.2.1'))).rejects.toMatchObject({ code: 'LOOM_ERR_LISTEN_FAILED' });
  });
});
