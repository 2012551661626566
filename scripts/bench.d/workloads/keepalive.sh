# shellcheck shell=bash
# Workload keepalive, saturation over keep-alive connections: wrk as fast as it can over 64 and then 256
# connections. Measures requests/s, p99 and requests per second of the proxy's own CPU time.
# shellcheck disable=SC2154 # the durations, $logs and $target_port come from scripts/bench

workload_keepalive() { rounds keepalive http measure_keepalive; }

measure_keepalive() {
    local t=$1 rep=$2 c url="http://127.0.0.1:$target_port$URL_PATH"
    run_wrk "$logs/keepalive-$t-$rep-warmup.log" "$(measured_pid)" 0 -t2 -c"${KEEPALIVE_CONNS[0]}" \
        -d"${WARMUP_S}s" "$url" || true
    for c in "${KEEPALIVE_CONNS[@]}"; do
        keepalive_wrk "$logs/keepalive-$t-c$c-$rep.log" "$c" keepalive "c$c" "$t" "$rep"
    done
}

# keepalive_wrk LOG CONNS WORKLOAD CASE TARGET REPEAT — one saturation run over CONNS keep-alive
# connections to the target, recorded under WORKLOAD CASE TARGET REPEAT.
keepalive_wrk() {
    local logf=$1 c=$2
    shift 2
    if run_wrk "$logf" "$(measured_pid)" 0 -t2 -c"$c" -d"${KEEPALIVE_S}s" "http://127.0.0.1:$target_port$URL_PATH"; then
        record_wrk "$@" 0 rps lat_p99_ms errors others_cores req_per_cpu_s
    else
        log "$1: wrk failed for $3 c$c (see logs/${logf##*/})"
    fi
}
