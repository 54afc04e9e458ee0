// The entry point of a gateway worker thread when its code could not be bundled into
// plain JavaScript (lib/gateway/worker-code.ts: esbuild could not run), and of the test
// workers that run TypeScript directly. It is plain JavaScript because on Node 20 tsx
// does not hook worker threads by itself: the worker registers tsx's loader first, and
// only then imports its real code (worker.ts) and, later, the applications, which may be
// TypeScript too. That loader costs each thread about 20 MB more than the bundle does.
// Both of tsx's hooks, as bin/loom.mjs registers them: an application in a folder without
// "type": "module" is CommonJS, which only the CommonJS hook compiles.
import { workerData } from 'node:worker_threads';
import { register as registerCommonJS } from 'tsx/cjs/api';
import { register } from 'tsx/esm/api';

registerCommonJS();
register();
await import(workerData.entry);
