import { describe, expect, it } from 'vitest';
import { nginxConfig } from '../../bench/nginx.ts';

const setup = { port: 8123, runDir: '/tmp/run', staticDir: '/tmp/static', backendPort: 9000 };

describe('nginxConfig', () => {
  it('serves the static directory on 127.0.0.1 in the foreground, one worker, no access log', () => {
    const conf = nginxConfig({ kind: 'static' }, setup);
    for (const line of ['daemon off;', 'worker_processes 1;', 'pid /tmp/run/nginx.pid;', 'access_log off;', 'listen 127.0.0.1:8123;', 'root /tmp/static;']) {
      expect(conf).toContain(line);
    }
    expect(conf).not.toContain('proxy_pass');
  });

  it('proxies without upstream keep-alive: no keepalive pool, HTTP/1.0 upstream (nginx default)', () => {
    const conf = nginxConfig({ kind: 'proxy', upstreamKeepAlive: false }, setup);
    expect(conf).toContain('server 127.0.0.1:9000;');
    expect(conf).toContain('proxy_pass http://backend;');
    expect(conf).not.toContain('keepalive 64;');
    expect(conf).not.toContain('proxy_http_version 1.1;');
  });

  it('proxies with upstream keep-alive: a pool, HTTP/1.1 and an empty Connection header', () => {
    const conf = nginxConfig({ kind: 'proxy', upstreamKeepAlive: true }, setup);
    expect(conf).toContain('keepalive 64;');
    expect(conf).toContain('proxy_http_version 1.1;');
    expect(conf).toContain('proxy_set_header Connection "";');
  });

  it('keeps braces balanced', () => {
    for (const mode of [{ kind: 'static' } as const, { kind: 'proxy', upstreamKeepAlive: true } as const]) {
      const conf = nginxConfig(mode, setup);
      expect(conf.split('{').length).toBe(conf.split('}').length);
    }
  });
});
