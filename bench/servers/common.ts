/**
 * What every benchmark server script shares: where to listen, the ready line the harness
 * waits for, and a clean exit.
 *
 * The harness (bench/harness.ts) starts each server as `node <bundled script>` with the
 * port in `PORT` and the fixtures in `BENCH_*` variables, then reads its stdout:
 * - `Listening on http://127.0.0.1:PORT/` when it accepts connections (the same line the
 *   lessons print);
 * - `NOT BUILT: <what>` when the Loom feature it measures does not exist yet;
 * - `GC DONE` after a `SIGUSR2` (a full collection, for memory measurements).
 * SIGTERM ends the process with `process.exit`, so `--cpu-prof` can write its profile.
 */
import type { Server } from 'node:http';

/** The port the harness chose, from `PORT`. */
export function benchPort(): number {
  const port = Number(process.env['PORT']);
  if (!Number.isInteger(port) || port <= 0) throw new Error('Set PORT to the port to listen on (the bench harness does).');
  return port;
}

/** A `BENCH_*` setting the harness passes, such as `BENCH_STATIC_DIR`. */
export function benchEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`Set ${name} (the bench harness does).`);
  return value;
}

/** Print the ready line and arrange a clean exit on SIGTERM/SIGINT. */
export function announce(port: number): void {
  process.on('SIGTERM', () => process.exit(0));
  process.on('SIGINT', () => process.exit(0));
  process.on('SIGUSR2', () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc !== undefined) gc();
    console.log('GC DONE');
  });
  console.log(`Listening on http://127.0.0.1:${port}/`);
}

/** Listen a `node:http` server on 127.0.0.1:PORT, then announce it. */
export function listenAndAnnounce(server: Server, port = benchPort()): void {
  server.listen(port, '127.0.0.1', () => announce(port));
}

/** Say that the Loom feature this server measures is not in lib/ yet, and stop. */
export function notBuilt(what: string): never {
  console.log(`NOT BUILT: ${what}`);
  process.exit(0);
}

/** The body every hello-world server sends: 13 bytes. */
export const HELLO = 'Hello, world!';
