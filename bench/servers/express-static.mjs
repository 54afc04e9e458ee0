/** express.static (serve-static) with its defaults. Plain JS: express ships no types. */
import express from 'express';
import { announce, benchEnv, benchPort } from './common.ts';

const app = express();
app.use(express.static(benchEnv('BENCH_STATIC_DIR')));
const port = benchPort();
app.listen(port, '127.0.0.1', () => announce(port));
