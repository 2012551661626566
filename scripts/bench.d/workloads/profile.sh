# shellcheck shell=bash
# Workload profile, the user's profile: 1,000 keep-alive connections, each sending one GET per second,
# their phases spread evenly over the second (as k6's ramped virtual users are, so that the run measures
# the proxy rather than queueing). Measures latency (mean, p50, p90, p99) and the proxy's CPU per 1,000
# requests.
# shellcheck disable=SC2154 # the durations, $logs and $target_port come from scripts/bench

workload_profile() { rounds profile http measure_profile; }

measure_profile() {
    local t=$1 rep=$2 per=$((PROFILE_CONNS / 2)) lead_in=1
    # wrk connects everything at once, then waits the lead-in before
    # the first paced request; CPU is read from just before that.
    if BENCH_PACED=1 run_wrk "$logs/profile-$t-$rep.log" "$(measured_pid)" 0.9 -t2 -c"$PROFILE_CONNS" \
        -d"$((PROFILE_S + lead_in))s" --timeout 5s "http://127.0.0.1:$target_port$URL_PATH" \
        -- "$per" 2 1000 $((lead_in * 1000)); then
        record_wrk profile "c$PROFILE_CONNS" "$t" "$rep" "$lead_in" requests rps lat_mean_ms lat_p50_ms lat_p90_ms \
            lat_p99_ms errors others_cores cpu_ms_per_1000
    else
        log "profile: wrk failed for $t (see logs/profile-$t-$rep.log)"
    fi
}
