/**
 * Bare `node:http2` on its compatibility API (`createSecureServer(handler)`, a request
 * and a response object per stream, what a server written for `node:http` gets on h2),
 * answering 13 bytes on the bench's certificate. Shown beside the ceiling,
 * node-http2-stream-hello.ts, which Loom's h2 path is measured against.
 */
import { readFileSync } from 'node:fs';
import { createSecureServer } from 'node:http2';
import { HELLO, announce, benchEnv, benchPort } from './common.ts';

const body = Buffer.from(HELLO);
const headers = { 'content-type': 'text/plain', 'content-length': String(body.length) };
const port = benchPort();
const server = createSecureServer({ key: readFileSync(benchEnv('BENCH_TLS_KEY')), cert: readFileSync(benchEnv('BENCH_TLS_CERT')) }, (_req, res) => {
  res.writeHead(200, headers);
  res.end(body);
});
server.listen(port, '127.0.0.1', () => announce(port));
