#!/usr/bin/env node
// The `loom` program. Loom is TypeScript, so first register tsx's loader (it also turns on
// source maps, so stack traces name .ts lines), then run lib/app/cli.ts. Both of tsx's
// hooks: a user's app.ts in a folder without "type": "module" is CommonJS to Node, and
// only the CommonJS hook compiles it (without it, Node 20 refuses it as require(esm)).
import { register as registerCommonJS } from 'tsx/cjs/api';
import { register } from 'tsx/esm/api';

registerCommonJS();
register();
const { main } = await import('../lib/app/cli.ts');
const code = await main(process.argv.slice(2));
// Exit now: a keep-alive socket or a worker thread must not keep a stopped server alive.
process.exit(code);
