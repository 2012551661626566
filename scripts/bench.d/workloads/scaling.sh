# shellcheck shell=bash
# Workload scaling, how far a proxy turns a second core into throughput: keep-alive saturation (over 256
# connections) and churn with the proxy pinned by taskset to 1 core, then to 2 cores, while wrk and the
# backends run unpinned as in the other workloads. Measures requests/s and connections/s on each; the
# report gives each proxy's 2-core ÷ 1-core ratio, which a 2-core machine can show where 16 cores cannot
# be had. A proxy with one thread (haproxy1, nginx-stream1) is the floor: it cannot use the second core.
# shellcheck disable=SC2154 # the durations, $logs and $target_port come from scripts/bench

workload_scaling() { rounds scaling http measure_scaling "${SCALING_CORES[@]}"; }

measure_scaling() {
    local t=$1 rep=$2 cores=$3 name="scaling-$1-${3}core-$2"
    run_wrk "$logs/$name-warmup.log" "$(measured_pid)" 0 -t2 -c"$SCALING_CONNS" -d"${WARMUP_S}s" \
        "http://127.0.0.1:$target_port$URL_PATH" || true
    keepalive_wrk "$logs/$name-keepalive.log" "$SCALING_CONNS" scaling "keepalive-${cores}core" "$t" "$rep"
    churn_wrk "$logs/$name-churn.log" scaling "churn-${cores}core" "$t" "$rep"
}
