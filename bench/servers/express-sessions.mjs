/**
 * express-session on Redis (connect-redis, with the node-redis client it asks for): each
 * request reads a counter from its session and writes it back incremented, as
 * loom-sessions.ts does with BENCH_STORE=redis. Defaults otherwise: express-session
 * saves a changed session and touches an unchanged one, as Loom does. Plain JS: express
 * ships no types.
 */
import express from 'express';
import session from 'express-session';
import { RedisStore } from 'connect-redis';
import { createClient } from 'redis';
import { announce, benchEnv, benchPort } from './common.ts';

const client = createClient({ url: `redis://127.0.0.1:${benchEnv('BENCH_REDIS_PORT')}/0` });
await client.connect();

const app = express();
app.use(session({
  store: new RedisStore({ client, prefix: 'express:sess:' }),
  secret: 'loom-bench', // a fixed secret: the bench only needs the cookie signed
  resave: false,
  saveUninitialized: false,
}));
app.get('/', (req, res) => {
  req.session.count = (req.session.count ?? 0) + 1;
  res.send(String(req.session.count));
});
const port = benchPort();
app.listen(port, '127.0.0.1', () => announce(port));
