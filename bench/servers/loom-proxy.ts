/** Loom's reverse proxy: `ReverseProxyResource(host, port, path)`, Twisted's spelling (lesson 22). */
import { ReverseProxyResource, Site } from '../../lib/index.ts';
import { announce, benchEnv, benchPort } from './common.ts';

const port = benchPort();
const root = new ReverseProxyResource('127.0.0.1', Number(benchEnv('BENCH_BACKEND_PORT')), '');
await new Site(root).listen(`tcp:${port}:interface=127.0.0.1`);
announce(port);
