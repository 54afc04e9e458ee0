/** The ceiling: bare `node:http` answering 13 bytes, with no framework at all. */
import { createServer } from 'node:http';
import { HELLO, listenAndAnnounce } from './common.ts';

const body = Buffer.from(HELLO);
const headers = { 'content-type': 'text/plain', 'content-length': String(body.length) };
listenAndAnnounce(createServer((_req, res) => {
  res.writeHead(200, headers);
  res.end(body);
}));
