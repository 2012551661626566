# shellcheck shell=bash
# Workload churn, a new connection per request: 64 wrk clients each sending one request with
# `Connection: close` and reconnecting. Measures connections/s, p99 and the proxy's CPU per 1,000
# connections.
# shellcheck disable=SC2154 # the durations, $logs and $target_port come from scripts/bench

workload_churn() { rounds churn http measure_churn; }

measure_churn() {
    local t=$1 rep=$2
    run_wrk "$logs/churn-$t-$rep-warmup.log" "$(measured_pid)" 0 -t2 -c"$CHURN_CONNS" -d"${WARMUP_S}s" \
        -H "Connection: close" "http://127.0.0.1:$target_port$URL_PATH" || true
    churn_wrk "$logs/churn-$t-$rep.log" churn "c$CHURN_CONNS" "$t" "$rep"
}

# churn_wrk LOG WORKLOAD CASE TARGET REPEAT — one run of new connections per request to the target,
# recorded under WORKLOAD CASE TARGET REPEAT.
churn_wrk() {
    local logf=$1
    shift
    if run_wrk "$logf" "$(measured_pid)" 0 -t2 -c"$CHURN_CONNS" -d"${CHURN_S}s" \
        -H "Connection: close" "http://127.0.0.1:$target_port$URL_PATH"; then
        record_wrk "$@" 0 conn_per_s lat_p99_ms errors others_cores cpu_ms_per_1000
    else
        log "$1: wrk failed for $3 (see logs/${logf##*/})"
    fi
}
