/**
 * The floor under the threaded gateway: the hello Resource, except that each request
 * first makes one round trip to a pool of 4 bare worker threads, over the gateway's own
 * hop (lib/gateway/call-queue.ts): the request's method, path and headers written into a
 * queue slot as bytes, the size of an environ, taken by a worker and answered with a
 * status line in the same slot.
 *
 * No gateway code runs here beyond the queue: no environ, no application, no
 * backpressure. What this server loses against the plain Resource is the price of
 * crossing to a thread and back on one core, which any worker-thread gateway pays; the
 * gateway's row is read against it (docs/guide/performance.md). The workers run this
 * same bundle (`isMainThread` picks the side), so they carry no loader.
 */
import { isMainThread, Worker, workerData } from 'node:worker_threads';
import { ANSWERED, CallQueue, CallTaker, QUEUE_SLOTS } from '../../lib/gateway/call-queue.ts';
import { NOT_DONE_YET, Resource, Site, type Request } from '../../lib/index.ts';
import { HELLO, announce, benchPort } from './common.ts';

const THREADS = 4;

/** A worker: take each call, read its bytes as text, answer `200 OK`. */
function echo(taker: CallTaker): never {
  for (;;) {
    const slot = taker.take();
    taker.call(slot).toString('utf8');
    taker.answered(slot, taker.slot(slot).write('200 OK', 'latin1'));
  }
}

/** The main thread: a hello Resource whose every answer waits for a worker's. */
async function serve(): Promise<void> {
  const queue = new CallQueue();
  for (let n = 1; n <= THREADS; n++) new Worker(new URL(import.meta.url), { workerData: { queue: queue.shared, worker: n } }).unref();
  const waiting: Request[] = [];
  // The request waiting in each queue slot, by slot number.
  const inFlight: (Request | null)[] = new Array<Request | null>(QUEUE_SLOTS).fill(null);
  const hop = (request: Request): void => {
    let text = `REQUEST_METHOD\0${request.method}\0PATH_INFO\0${request.path}\0`;
    for (const [name, values] of request.requestHeaders.getAllRawHeaders()) text += `HTTP_${name.toUpperCase()}\0${values.join(',')}\0`;
    inFlight[queue.push((slot) => slot.write(text))] = request;
  };
  queue.onAnswers(() => {
    for (let slot = 0; slot < QUEUE_SLOTS; slot++) {
      const request = inFlight[slot];
      if (request === null || request === undefined || queue.state(slot) !== ANSWERED) continue;
      queue.answer(slot).toString('latin1');
      inFlight[slot] = null;
      queue.release(slot);
      request.write(HELLO);
      request.finish();
    }
    while (waiting.length > 0 && queue.hasRoom) hop(waiting.shift()!);
  });
  class HopHello extends Resource {
    override isLeaf = true;
    render_GET(request: Request): typeof NOT_DONE_YET {
      if (queue.hasRoom) hop(request);
      else waiting.push(request);
      return NOT_DONE_YET;
    }
  }
  const port = benchPort();
  await new Site(new HopHello()).listen(`tcp:${port}:interface=127.0.0.1`);
  announce(port);
}

if (isMainThread) await serve();
else echo(new CallTaker((workerData as { queue: SharedArrayBuffer }).queue, (workerData as { worker: number }).worker));
