/**
 * The floor under the threaded gateway: the hello Resource, except that each request
 * first makes one round trip to a pool of 4 bare worker threads (a short JSON text each
 * way, the size of an environ) and answers when the reply comes back.
 *
 * No gateway code runs here: no environ, no application, no backpressure. What this
 * server loses against the plain Resource is the price of crossing to a thread and back
 * on one core (two thread switches per request), which any worker-thread gateway pays;
 * the gateway's row is read against it (docs/guide/performance.md).
 */
import { Worker } from 'node:worker_threads';
import { NOT_DONE_YET, Resource, Site, type Request } from '../../lib/index.ts';
import { HELLO, announce, benchPort } from './common.ts';

const ECHO = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (text) => parentPort.postMessage(JSON.stringify({ id: JSON.parse(text).id, status: '200 OK' })));
`;

const idle: Worker[] = [];
const waiting: Request[] = [];
const serving = new Map<Worker, Request>();

function hop(worker: Worker, request: Request): void {
  serving.set(worker, request);
  const environ: Record<string, string> = { REQUEST_METHOD: request.method, PATH_INFO: request.path };
  for (const [name, values] of request.requestHeaders.getAllRawHeaders()) environ[`HTTP_${name.toUpperCase()}`] = values.join(',');
  worker.postMessage(JSON.stringify({ id: 1, environ }));
}

for (let i = 0; i < 4; i++) {
  const worker = new Worker(ECHO, { eval: true });
  worker.on('message', (text: string) => {
    JSON.parse(text);
    const request = serving.get(worker)!;
    request.write(HELLO);
    request.finish();
    const next = waiting.shift();
    if (next === undefined) idle.push(worker);
    else hop(worker, next);
  });
  idle.push(worker);
}

class HopHello extends Resource {
  override isLeaf = true;
  render_GET(request: Request): typeof NOT_DONE_YET {
    const worker = idle.pop();
    if (worker === undefined) waiting.push(request);
    else hop(worker, request);
    return NOT_DONE_YET;
  }
}

const port = benchPort();
await new Site(new HopHello()).listen(`tcp:${port}:interface=127.0.0.1`);
announce(port);
