/** The 20 KiB HTML page of the gzip scenario, read once from BENCH_PAGE_FILE. */
import { readFileSync } from 'node:fs';
import { benchEnv } from './common.ts';

export const PAGE: Buffer = readFileSync(benchEnv('BENCH_PAGE_FILE'));
export const PAGE_TYPE = 'text/html; charset=utf-8';
