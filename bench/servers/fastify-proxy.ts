/** @fastify/http-proxy (undici underneath, keep-alive pool) in front of the backend. */
import fastifyProxy from '@fastify/http-proxy';
import Fastify from 'fastify';
import { announce, benchEnv, benchPort } from './common.ts';

const app = Fastify({ logger: false });
await app.register(fastifyProxy, { upstream: `http://127.0.0.1:${benchEnv('BENCH_BACKEND_PORT')}` });
const port = benchPort();
await app.listen({ port, host: '127.0.0.1' });
announce(port);
