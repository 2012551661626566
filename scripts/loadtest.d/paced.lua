-- wrk script for scripts/loadtest: every connection sends one GET per period
-- (1000 ms), like a k6 virtual user doing `http.get(...); sleep(1)`. The first
-- request of each connection is delayed by its own slot within the first period,
-- so that requests are spread over the second as k6's ramped users' are, instead
-- of every connection firing at once.
--
--   wrk -t THREADS -c CONNECTIONS -d DURATION -s paced.lua URL -- CONNECTIONS THREADS [PERIOD_MS]
--
-- done() prints one line for the caller to parse:
--   result requests=N errors=N duration_s=S avg_ms=.. p50_ms=.. p95_ms=.. p99_ms=.. max_ms=..

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  connections = tonumber(args[1])
  nthreads = tonumber(args[2])
  period = tonumber(args[3] or "1000")
  per_thread = math.ceil(connections / nthreads)
  started = 0
end

function delay()
  -- wrk asks before each request; the first per_thread calls in a thread are its
  -- connections' first requests. Threads interleave their slots.
  if started < per_thread then
    local slot = started * nthreads + id
    started = started + 1
    return math.floor(slot * period / connections)
  end
  return period
end

function done(summary, latency, requests)
  local e = summary.errors
  local ms = function(us) return string.format("%.3f", us / 1000) end
  io.write("result",
    " requests=", summary.requests,
    " errors=", e.connect + e.read + e.write + e.status + e.timeout,
    " duration_s=", string.format("%.1f", summary.duration / 1e6),
    " avg_ms=", ms(latency.mean),
    " p50_ms=", ms(latency:percentile(50)),
    " p95_ms=", ms(latency:percentile(95)),
    " p99_ms=", ms(latency:percentile(99)),
    " max_ms=", ms(latency.max),
    "\n")
end
