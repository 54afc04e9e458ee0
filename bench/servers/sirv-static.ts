/** sirv (production mode: file list cached at start) on bare `node:http`. */
import { createServer } from 'node:http';
import sirv from 'sirv';
import { benchEnv, listenAndAnnounce } from './common.ts';

const serve = sirv(benchEnv('BENCH_STATIC_DIR'));
listenAndAnnounce(createServer((req, res) => serve(req, res)));
