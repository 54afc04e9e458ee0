/** The ceiling for HTTP/1.1 over TLS: bare `node:https` answering 13 bytes, on the bench's certificate. */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { HELLO, announce, benchEnv, benchPort } from './common.ts';

const body = Buffer.from(HELLO);
const headers = { 'content-type': 'text/plain', 'content-length': String(body.length) };
const port = benchPort();
const server = createServer({ key: readFileSync(benchEnv('BENCH_TLS_KEY')), cert: readFileSync(benchEnv('BENCH_TLS_CERT')) }, (_req, res) => {
  res.writeHead(200, headers);
  res.end(body);
});
server.listen(port, '127.0.0.1', () => announce(port));
