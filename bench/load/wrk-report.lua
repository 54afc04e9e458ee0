-- Makes wrk print one machine-readable line after its usual summary, read by
-- bench/load.ts. Only done() is defined: a response() hook would slow wrk down.
-- errors.status counts answers with a status of 400 or more.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH-RESULT {"requests":%d,"durationUs":%d,"p99Us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
