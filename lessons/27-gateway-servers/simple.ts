/**
 * Lesson 27 · The application on the simple, single-threaded development server.
 *
 *     npx tsx lessons/27-gateway-servers/simple.ts      # then: curl http://127.0.0.1:8127/
 */
// #region simple-server
import { makeServer } from '../../lib/index.ts';
import { served } from './app.ts';

const server = await makeServer('127.0.0.1', Number(process.env.PORT ?? 8127), served);
console.log(`Serving on ${server.url} (Ctrl-C to stop)`);
process.once('SIGINT', () => void server.close());
// #endregion simple-server
