/**
 * Lesson 27 · The application behind nginx: an SCGI server on port 4000 and a FastCGI
 * server on port 9000, both running it on one thread pool. Start this, then nginx with
 * `nginx.conf` (see the lesson), and ask nginx on ports 8081 and 8082.
 *
 *     npx tsx lessons/27-gateway-servers/backends.ts
 */
// #region backends
import { FastCGIServer, SCGIServer, ThreadPool, appRef } from '../../lib/index.ts';

const pool = new ThreadPool({ minThreads: 2, maxThreads: 8 });
pool.start();
const app = appRef(new URL('./app.ts', import.meta.url), 'served');
const scgi = new SCGIServer(pool, app);
const fastcgi = new FastCGIServer(pool, app);
await scgi.listen('tcp:4000:interface=127.0.0.1');
await fastcgi.listen('tcp:9000:interface=127.0.0.1');
console.log('SCGI on 127.0.0.1:4000, FastCGI on 127.0.0.1:9000 (Ctrl-C to stop)');
process.once('SIGINT', () => void Promise.all([scgi.close(), fastcgi.close()]).then(() => pool.stop()));
// #endregion backends
