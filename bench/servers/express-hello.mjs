/** Express's hello world, with its defaults (ETag included). Plain JS: express ships no types. */
import express from 'express';
import { HELLO, announce, benchPort } from './common.ts';

const app = express();
app.get('/', (_req, res) => {
  res.send(HELLO);
});
const port = benchPort();
app.listen(port, '127.0.0.1', () => announce(port));
