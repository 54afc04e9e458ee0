/// <reference path="../../lib/rsx-env.d.ts" />
// A configuration file: a resource script that builds the whole tree. Serve it with
//   npx loom web --resource-script lessons/23-advanced-configuration/site.rsx.ts
// `--resource-script` runs it for every request; cache() makes that cheap: the tree is
// built on the first request and kept (until this file changes).
import { buildRoot } from './example.ts';

cache();

export const resource = buildRoot(registry);
