/**
 * Runs autocannon in its own process (so the load does not share the harness's event
 * loop) and prints one `BENCH-RESULT {json}` line, read by bench/load.ts.
 * argv[2] is a JSON object: { url, connections, duration?, amount?, headers? }.
 */
import autocannon from 'autocannon';

const config = JSON.parse(process.argv[2]);
const result = await autocannon({
  url: config.url,
  connections: config.connections,
  ...(config.amount !== undefined ? { amount: config.amount } : { duration: config.duration }),
  headers: config.headers ?? {},
  timeout: 10,
});
const statusCounts = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, stats.count]));
console.log(`BENCH-RESULT ${JSON.stringify({
  requests: result.requests.total,
  seconds: result.duration,
  p99Ms: result.latency.p99,
  errors: result.errors + result.timeouts,
  statusCounts,
})}`);
