/**
 * Finding a Loom feature that may not be built yet.
 *
 * Benchmarks for static files, the gateway, sessions, encoders and proxies exist before
 * those parts of lib/ do. A server script asks for the export it measures by name; when
 * lib/index.ts does not have it, the script prints `NOT BUILT` and the table says
 * "not built yet" instead of failing the run. Once the feature lands, replace the lookup
 * with a typed import.
 */
import * as lib from '../../lib/index.ts';
import { notBuilt } from './common.ts';

/** The export `name` of lib/index.ts, or a `NOT BUILT` exit naming `what`. */
export function loomExport<T>(name: string, what: string): T {
  const value = (lib as Record<string, unknown>)[name];
  if (value === undefined) notBuilt(what);
  return value as T;
}
