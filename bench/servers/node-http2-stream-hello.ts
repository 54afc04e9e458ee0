/**
 * The ceiling for HTTP/2: bare `node:http2` on its core API (a `'stream'` listener and
 * `stream.respond`, the API Loom's h2 path uses), answering 13 bytes on the bench's
 * certificate. Its compatibility API, with a request and a response object per stream,
 * is node-http2-hello.ts.
 */
import { readFileSync } from 'node:fs';
import { createSecureServer } from 'node:http2';
import { HELLO, announce, benchEnv, benchPort } from './common.ts';

const body = Buffer.from(HELLO);
const headers = { ':status': 200, 'content-type': 'text/plain', 'content-length': String(body.length) };
const port = benchPort();
const server = createSecureServer({ key: readFileSync(benchEnv('BENCH_TLS_KEY')), cert: readFileSync(benchEnv('BENCH_TLS_CERT')) });
server.on('stream', (stream) => {
  stream.respond(headers);
  stream.end(body);
});
server.listen(port, '127.0.0.1', () => announce(port));
