/** Hono's hello world on its Node adapter. */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { HELLO, announce, benchPort } from './common.ts';

const app = new Hono();
app.get('/', (c) => c.text(HELLO));
const port = benchPort();
serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => announce(port));
