-- wrk script for scripts/bench: GET /my-tasks with one agent's session
-- cookie (BENCH_COOKIE); prints the figures as "BENCH key=value" lines.

wrk.method = "GET"
wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
wrk.headers["Accept"] = "text/html"

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH requests=%d duration_us=%d bytes=%d\n", summary.requests, summary.duration, summary.bytes))
  io.write(string.format("BENCH errors_connect=%d errors_read=%d errors_write=%d errors_status=%d errors_timeout=%d\n",
    e.connect, e.read, e.write, e.status, e.timeout))
  io.write(string.format("BENCH mean_us=%.0f p50_us=%d p90_us=%d p99_us=%d max_us=%d\n",
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
