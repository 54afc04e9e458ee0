/**
 * Loom's threaded gateway (lesson 15): an application from gateway-apps.mjs (BENCH_APP:
 * `hello` or `blocking`) on a pool of BENCH_THREADS worker threads, Twisted's
 * `WSGIResource(reactor, threadpool, application)` triple.
 *
 * This one server runs through tsx instead of a bundle: the pool starts its workers
 * from files beside lib/gateway/pool.ts, which a bundle would move away from.
 */
import { realClock, Site } from '../../lib/index.ts';
import { appRef, GatewayResource, ThreadPool } from '../../lib/gateway/index.ts';
import { announce, benchEnv, benchPort } from './common.ts';

const threads = Number(benchEnv('BENCH_THREADS'));
const pool = new ThreadPool({ minThreads: threads, maxThreads: threads });
pool.start();
// Measure a pool that is up, as `loom web --gateway` serves one: a worker takes about a
// second to boot, and on one core four of them booting would land in the measurement.
await pool.ready();
const app = appRef(benchEnv('BENCH_GATEWAY_APPS'), benchEnv('BENCH_APP'));
const port = benchPort();
await new Site(new GatewayResource(realClock, pool, app)).listen(`tcp:${port}:interface=127.0.0.1`);
announce(port);
