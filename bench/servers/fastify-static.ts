/** @fastify/static with its defaults. */
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import { announce, benchEnv, benchPort } from './common.ts';

const app = Fastify({ logger: false });
await app.register(fastifyStatic, { root: benchEnv('BENCH_STATIC_DIR') });
const port = benchPort();
await app.listen({ port, host: '127.0.0.1' });
announce(port);
