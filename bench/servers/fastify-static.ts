/** @fastify/static with its defaults; with `BENCH_COMPRESS=1`, behind @fastify/compress (its defaults) too. */
import fastifyCompress from '@fastify/compress';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import { announce, benchEnv, benchPort } from './common.ts';

const app = Fastify({ logger: false });
if (process.env.BENCH_COMPRESS === '1') await app.register(fastifyCompress);
await app.register(fastifyStatic, { root: benchEnv('BENCH_STATIC_DIR') });
const port = benchPort();
await app.listen({ port, host: '127.0.0.1' });
announce(port);
