/** Loom's static file server: `Site(new File(dir))`, as lesson 01 teaches. */
import { File, Site } from '../../lib/index.ts';
import { announce, benchEnv, benchPort } from './common.ts';

const port = benchPort();
await new Site(new File(benchEnv('BENCH_STATIC_DIR'))).listen(`tcp:${port}:interface=127.0.0.1`);
announce(port);
