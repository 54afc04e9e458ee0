/** Fastify with @fastify/compress (its defaults), gzip asked for by the client. */
import fastifyCompress from '@fastify/compress';
import Fastify from 'fastify';
import { announce, benchPort } from './common.ts';
import { PAGE, PAGE_TYPE } from './page.ts';

const app = Fastify({ logger: false });
await app.register(fastifyCompress);
app.get('/', async (_request, reply) => reply.type(PAGE_TYPE).send(PAGE));
const port = benchPort();
await app.listen({ port, host: '127.0.0.1' });
announce(port);
