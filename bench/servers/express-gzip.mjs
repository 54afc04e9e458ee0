/** Express with the `compression` middleware (its defaults: zlib level 6, 1 KiB threshold). */
import compression from 'compression';
import express from 'express';
import { announce, benchPort } from './common.ts';
import { PAGE, PAGE_TYPE } from './page.ts';

const app = express();
app.use(compression());
app.get('/', (_req, res) => {
  res.type(PAGE_TYPE).send(PAGE);
});
const port = benchPort();
app.listen(port, '127.0.0.1', () => announce(port));
