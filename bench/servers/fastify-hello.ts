/** Fastify's hello world, with its defaults (no logger). */
import Fastify from 'fastify';
import { HELLO, announce, benchPort } from './common.ts';

const app = Fastify({ logger: false });
app.get('/', async () => HELLO);
const port = benchPort();
await app.listen({ port, host: '127.0.0.1' });
announce(port);
