/**
 * Loom's threaded gateway: an application from gateway-apps.mjs (BENCH_APP: `hello` or
 * `blocking`) run on a pool of BENCH_THREADS worker threads (lesson 15).
 *
 * Written before the gateway's resource landed, against Twisted's shape
 * (`WSGIResource(reactor, threadpool, application)` → a resource given a pool and an app
 * reference). When lib/gateway exports it, check the constructor below.
 */
import { Site, type IResource } from '../../lib/index.ts';
import { announce, benchEnv, benchPort } from './common.ts';
import { loomExport } from './loom.ts';

interface AppRef { readonly module: string; readonly exportName: string }
type GatewayResourceClass = new (options: { app: AppRef; threads: number }) => IResource;

const GatewayResource = loomExport<GatewayResourceClass>('GatewayResource', 'GatewayResource (lib/gateway/)');
const app: AppRef = { module: benchEnv('BENCH_GATEWAY_APPS'), exportName: benchEnv('BENCH_APP') };
const port = benchPort();
await new Site(new GatewayResource({ app, threads: Number(benchEnv('BENCH_THREADS')) })).listen(`tcp:${port}:interface=127.0.0.1`);
announce(port);
