#!/usr/bin/env node
// The `loom` program. First register tsx's loader, so that the modules a command line
// names (--class ./root.ts, --config site.config.ts, .rsx.ts scripts) may be TypeScript,
// and source maps are on, so stack traces name .ts lines. Both of tsx's hooks: a user's
// app.ts in a folder without "type": "module" is CommonJS to Node, and only the CommonJS
// hook compiles it (without it, Node 20 refuses it as require(esm)).
// Then run the CLI: from lib/ in the workbook, where the sources are; from dist/ in the
// installed package, which ships the compiled JavaScript only (tools/package/build.ts).
import { existsSync } from 'node:fs';
import { register as registerCommonJS } from 'tsx/cjs/api';
import { register } from 'tsx/esm/api';

registerCommonJS();
register();
const source = new URL('../lib/app/cli.ts', import.meta.url);
const { main } = await import(existsSync(source) ? source.href : new URL('../dist/app/cli.js', import.meta.url).href);
const code = await main(process.argv.slice(2));
// Exit now: a keep-alive socket or a worker thread must not keep a stopped server alive.
process.exit(code);
