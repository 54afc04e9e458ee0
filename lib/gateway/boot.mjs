// The entry point of every gateway worker thread. It is plain JavaScript because on
// Node 20 tsx does not hook worker threads by itself: the worker registers tsx's loader
// first, and only then imports its real code (worker.ts) and, later, the applications,
// which may be TypeScript too.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
