/**
 * http-proxy in front of the backend. BENCH_KEEPALIVE=1 gives it a keep-alive agent;
 * without one it opens a new upstream connection for every request (its default).
 * Plain JS: http-proxy ships no types.
 */
import { Agent, createServer } from 'node:http';
import httpProxy from 'http-proxy';
import { benchEnv, listenAndAnnounce } from './common.ts';

const keepAlive = process.env.BENCH_KEEPALIVE === '1';
const proxy = httpProxy.createProxyServer({
  target: `http://127.0.0.1:${benchEnv('BENCH_BACKEND_PORT')}`,
  agent: keepAlive ? new Agent({ keepAlive: true, maxSockets: 128 }) : undefined,
});
proxy.on('error', (_error, _req, res) => {
  res.writeHead?.(502);
  res.end();
});
listenAndAnnounce(createServer((req, res) => proxy.web(req, res)));
