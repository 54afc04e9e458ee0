import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ResourcePublisher, personalSocketPath, removeStaleSocket } from '../../lib/distrib/publisher.ts';
import { frontViewHeaders } from '../../lib/distrib/wire.ts';
import { memoryLogger, request } from '../../lib/testing.ts';
import { personalRoot, tempHome, type Seen } from './support.ts';

const FRONT = frontViewHeaders({
  prepath: ['~alice.loom'], postpath: ['report', 'x'], secure: true,
  client: { type: 'IPv6', host: '2001:db8::7', port: 40000 }, host: { type: 'IPv4', host: '192.0.2.1', port: 8443 },
});

function pairs(flat: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

describe('ResourcePublisher', () => {
  const site = new ResourcePublisher(personalRoot(), { logger: memoryLogger() });

  it('walks the postpath the front left, from its prepath, with the front\'s client, address and scheme', async () => {
    const response = await request(site, { uri: '/~alice.loom/report/x', headers: [...pairs(FRONT), ['host', 'www.example.org:8443']] });
    const seen = JSON.parse(response.text) as Seen;
    expect(seen.prepath).toEqual(['~alice.loom', 'report']);
    expect(seen.postpath).toEqual(['x']);
    expect(seen.sitepath).toEqual(['~alice.loom']);
    expect(seen.client).toEqual({ type: 'IPv6', host: '2001:db8::7', port: 40000 });
    expect(seen.secure).toBe(true);
    expect(seen.prePathURL).toBe('https://www.example.org:8443/~alice.loom/report');
    // Behind TLS, the cookie is the secure one, named after the mount point, as in Twisted.
    expect(response.request.cookies[0]).toMatch(/^TWISTED_SECURE_SESSION_~alice\.loom=[0-9a-f]{64}; Path=\/; Secure; HttpOnly; SameSite=lax$/);
  });

  it('serves a request without the front\'s headers as it came (curl --unix-socket)', async () => {
    const response = await request(site, { uri: '/report/y' });
    const seen = JSON.parse(response.text) as Seen;
    expect(seen.prepath).toEqual(['report']);
    expect(seen.postpath).toEqual(['y']);
    expect(seen.sitepath).toEqual([]);
  });

  it('ignores malformed front headers rather than guessing', async () => {
    const response = await request(site, { uri: '/report/y', headers: { 'x-loom-prepath': 'report', 'x-loom-postpath': '/y' } });
    expect((JSON.parse(response.text) as Seen).prepath).toEqual(['report']);
  });
});

describe('personalSocketPath', () => {
  it('is ~/.loom-web.sock', () => {
    expect(personalSocketPath('/home/alice')).toBe('/home/alice/.loom-web.sock');
  });
});

describe('removeStaleSocket', () => {
  const home = tempHome();
  afterAll(() => home.remove());

  it('removes a socket left by a server that died, so listening there works again', async () => {
    const path = join(home.path, 'stale.sock');
    // A process that listens, then dies without closing: its socket file stays behind.
    const died = spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`]);
    expect(died.signal).toBe('SIGKILL');
    expect(existsSync(path)).toBe(true);
    expect(await removeStaleSocket(path)).toBe(true);
    expect(existsSync(path)).toBe(false);
  });

  it('leaves alone a socket a server answers on, a plain file and a missing path', async () => {
    const live = join(home.path, 'live.sock');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(live, resolve));
    try {
      expect(await removeStaleSocket(live)).toBe(false);
      expect(existsSync(live)).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    const file = join(home.path, 'file');
    writeFileSync(file, 'not a socket');
    expect(await removeStaleSocket(file)).toBe(false);
    expect(existsSync(file)).toBe(true);
    expect(await removeStaleSocket(join(home.path, 'missing'))).toBe(false);
  });
});
