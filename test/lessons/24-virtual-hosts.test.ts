import { describe, expect, it } from 'vitest';
import { NameVirtualHost } from '../../lib/index.ts';
import { memoryLogger, request } from '../../lib/testing.ts';
import * as lesson from '../../lessons/24-virtual-hosts/example.ts';

const { createSite } = lesson;

describe('lesson 24: virtual-hosts', () => {
  it('puts a NameVirtualHost at the root, with a tree for each of the two names and a default', () => {
    const root = createSite({ logger: memoryLogger() }).resource;
    expect(root).toBeInstanceOf(NameVirtualHost);
    const vhosts = root as NameVirtualHost;
    expect([...vhosts.hosts.keys()].sort()).toEqual(['api.example.org', 'www.example.org']);
    expect(vhosts.default).not.toBeNull();
  });

  it('sends an HTTP/1.0 request without a Host header to the default site', async () => {
    const site = createSite({ logger: memoryLogger() });
    const response = await request(site, { uri: '/', httpVersion: '1.0' });
    expect(response.code).toBe(200);
    expect(response.text).toContain('You asked for (no Host header)');
  });

  it('answers 404 below www.example.org for a page it does not have, not the default page', async () => {
    const site = createSite({ logger: memoryLogger() });
    const response = await request(site, { uri: '/users/7', headers: { host: 'www.example.org' } });
    expect(response.code).toBe(404);
    expect(response.text).not.toContain('default site');
  });

  it('answers an IPv6 Host header with the default site, escaped', async () => {
    const site = createSite({ logger: memoryLogger() });
    const response = await request(site, { uri: '/', headers: { host: '[::1]:8024' } });
    expect(response.text).toContain('You asked for [::1]:8024');
  });
});
