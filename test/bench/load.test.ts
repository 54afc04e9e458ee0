import { describe, expect, it } from 'vitest';
import { loadCommand, parseAutocannon, parseH2load, parseWrk, resultLine } from '../../bench/load.ts';

// What wrk 4.1 printed with bench/load/wrk-report.lua, trimmed.
const WRK_OUTPUT = `Running 1s test @ http://127.0.0.1:9123/
  1 threads and 5 connections
  2245 requests in 1.03s, 355.17KB read
Requests/sec:   2182.90
BENCH-RESULT {"requests":2245,"durationUs":1028450,"p99Us":62787,"connect":0,"read":1,"write":0,"status":10,"timeout":2}
`;

describe('loadCommand', () => {
  const request = { url: 'http://127.0.0.1:1/x', connections: 50, duration: 3, headers: { 'accept-encoding': 'gzip' }, expectStatus: 200 };

  it('runs wrk on one thread for whole seconds, with the report script and the headers', () => {
    const command = loadCommand('wrk', request, '/usr/bin/wrk');
    expect(command.slice(0, 4)).toEqual(['/usr/bin/wrk', '-t1', '-c50', '-d3s']);
    expect(command).toContain('-s');
    expect(command.slice(-3)).toEqual(['-H', 'accept-encoding: gzip', 'http://127.0.0.1:1/x']);
  });

  it('runs autocannon in its own node process with the request as JSON', () => {
    const command = loadCommand('autocannon', { ...request, amount: 100 });
    expect(command[0]).toBe(process.execPath);
    expect(command[1]).toMatch(/bench\/load\/autocannon\.mjs$/);
    expect(JSON.parse(command[2]!)).toEqual({ url: request.url, connections: 50, amount: 100, headers: request.headers });
  });

  it('refuses a fixed number of requests for wrk, which cannot count them', () => {
    expect(() => loadCommand('wrk', { ...request, amount: 100 })).toThrow(/use autocannon/);
  });
});

describe('parseWrk', () => {
  it('reads requests, seconds and p99, and counts errors and statuses ≥ 400 as unexpected', () => {
    expect(parseWrk(WRK_OUTPUT, 200)).toEqual({ requests: 2245, seconds: 1.02845, p99Ms: 62.787, unexpected: 13 });
  });

  it('counts the answers below 400 as unexpected when a 404 is expected', () => {
    expect(parseWrk(WRK_OUTPUT, 404).unexpected).toBe(2245 - 10 + 3);
  });
});

describe('parseAutocannon', () => {
  it('counts every status but the expected one, plus errors, as unexpected', () => {
    const out = 'BENCH-RESULT {"requests":100,"seconds":1.08,"p99Ms":14,"errors":1,"statusCounts":{"200":97,"500":3}}\n';
    expect(parseAutocannon(out, 200)).toEqual({ requests: 100, seconds: 1.08, p99Ms: 14, unexpected: 4 });
  });
});

describe('resultLine', () => {
  it('says what the load generator printed when there is no result line', () => {
    expect(() => resultLine('unable to connect to 127.0.0.1:9 Connection refused')).toThrow(/no result line.*Connection refused/);
  });

  it('rejects a result without a number it needs', () => {
    expect(() => parseWrk('BENCH-RESULT {"requests":1}', 200)).toThrow(/no number "status"/);
  });
});

// What h2load 1.52 printed for a 2 s run after 1 s of warm-up, trimmed to the summary.
const H2LOAD_OUTPUT = `finished in 3.00s, 15630.00 req/s, 717.83KB/s
requests: 31265 total, 31275 started, 31260 done, 31250 succeeded, 10 failed, 3 errored, 2 timeout
status codes: 31250 2xx, 0 3xx, 10 4xx, 0 5xx
traffic: 1.40MB (1470118) total, 214.20KB (219338) headers (space savings 88.11%), 396.92KB (406445) data
                     min         max         mean         sd        +/- sd
time for request:       92us    112.40ms       552us      1.70ms    98.23%
`;

describe('h2load', () => {
  it('runs one thread, one stream per connection, with no warm-up of its own (the harness warms with a run before)', () => {
    const command = loadCommand('h2load', { url: 'https://127.0.0.1:1/', connections: 50, duration: 3, headers: {}, expectStatus: 200 });
    expect(command).toEqual(['h2load', '-t', '1', '-c', '50', '-m', '1', '-D', '3', 'https://127.0.0.1:1/']);
  });

  it('reads requests, the measured seconds (not the warm-up), the slowest request as p99, and counts other status classes, errors and timeouts as unexpected', () => {
    expect(parseH2load(H2LOAD_OUTPUT, 200)).toEqual({ requests: 31260, seconds: 2, p99Ms: 112.4, unexpected: 10 + 3 + 2 });
  });

  it('does not count the requests that straddle the warm-up, which h2load leaves out of its status codes', () => {
    const straddled = H2LOAD_OUTPUT
      .replace('31260 done, 31250 succeeded, 10 failed, 3 errored, 2 timeout', '31260 done, 31260 succeeded, 0 failed, 0 errored, 0 timeout')
      .replace('31250 2xx, 0 3xx, 10 4xx', '31257 2xx, 0 3xx, 0 4xx');
    expect(parseH2load(straddled, 200).unexpected).toBe(0);
  });

  it('says what h2load printed when there is no summary', () => {
    expect(() => parseH2load('no server at 127.0.0.1:1', 200)).toThrow(/no summary.*no server/);
  });
});
