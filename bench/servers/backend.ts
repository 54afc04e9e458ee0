/** The proxy scenario's upstream: bare `node:http` answering 13 bytes on BENCH_BACKEND_PORT's behalf. */
import { createServer } from 'node:http';
import { HELLO, listenAndAnnounce } from './common.ts';

const body = Buffer.from(HELLO);
const headers = { 'content-type': 'text/plain', 'content-length': String(body.length) };
listenAndAnnounce(createServer((_req, res) => {
  res.writeHead(200, headers);
  res.end(body);
}));
