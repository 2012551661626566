-- wrk script for scripts/bench.
--
-- Always: done() prints the run's figures as "BENCH key=value" lines for the
-- report (latencies in microseconds).
--
-- With BENCH_PACED=1 it also reproduces the user's profile: every connection
-- sends one request per second, and the connections' phases are spread evenly
-- over the second (as k6's ramped virtual users are), instead of all firing at
-- once, which would measure queueing rather than the proxy.
-- Script arguments (after "--"): connections per thread, threads, period in
-- ms, lead-in in ms. wrk opens all its connections at once, and a proxy
-- connects upstream for each; the first requests wait for the lead-in so that
-- this burst of connects is not measured as request latency.

local paced = os.getenv("BENCH_PACED") == "1"
local thread_count = 0

-- Runs in the main Lua state once per thread: number the threads so that
-- each one can offset its schedule.
function setup(thread)
    thread:set("thread_index", thread_count)
    thread_count = thread_count + 1
end

if paced then
    local ffi = require("ffi")
    ffi.cdef [[
        typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
        int clock_gettime(int clock_id, bench_timespec *ts);
    ]]
    local CLOCK_MONOTONIC = 1
    local ts = ffi.new("bench_timespec")

    local function now_ms()
        ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
        return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
    end

    local step, offset, lead_in, start
    local sent = 0

    function init(args)
        local per_thread = tonumber(args[1]) or 1
        local threads = tonumber(args[2]) or 1
        local period = tonumber(args[3]) or 1000
        lead_in = tonumber(args[4]) or 0
        -- The thread's connections share one slot every `step` ms; the
        -- threads interleave by a fraction of a slot so no two requests
        -- start in the same instant.
        step = period / per_thread
        offset = (thread_index or 0) * step / threads
    end

    -- wrk calls delay() before every request of every connection, in the
    -- order the connections become ready. Handing out evenly spaced slots in
    -- that order gives each connection one request per period: its first
    -- request at its own phase, each next one a period later, less the time
    -- the previous one took (the schedule is absolute, so nothing drifts).
    function delay()
        local now = now_ms()
        if start == nil then
            start = now + lead_in + offset
        end
        local due = start + sent * step
        sent = sent + 1
        local wait = due - now
        if wait <= 0 then
            return 0
        end
        -- wrk's timers have a resolution of one millisecond.
        return math.floor(wait + 0.5)
    end
end

function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format(
        "BENCH requests=%d duration_us=%d errors_connect=%d errors_read=%d errors_write=%d errors_status=%d errors_timeout=%d\n",
        summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout))
    io.write(string.format(
        "BENCH lat_mean_us=%.2f lat_p50_us=%d lat_p90_us=%d lat_p99_us=%d lat_max_us=%d\n",
        latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
