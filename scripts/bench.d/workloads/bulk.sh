# shellcheck shell=bash
# Workload bulk, bulk transfer: iperf3 through each TCP proxy to one iperf3 server, 1 and then 4
# parallel streams. Measures Gbit/s and the proxy's CPU seconds per GB moved.
# shellcheck disable=SC2154 # the durations, $logs and $target_port come from scripts/bench

workload_bulk() { rounds bulk iperf measure_bulk; }

measure_bulk() {
    local t=$1 rep=$2 p c0 c1 server json bps others
    # A fresh server per target: one aborted test cannot wedge the next.
    spawn "$logs/iperf3-server.log" iperf3 -s -p "$IPERF_PORT" -B 127.0.0.1
    server=$spawned_pid
    if ! wait_listening "$IPERF_PORT" "$server" 100; then
        stop_pid "$server"
        log "bulk: iperf3 server did not start"
        return
    fi
    for p in "${BULK_STREAMS[@]}"; do
        json="$logs/bulk-$t-P$p-$rep.json"
        c0=$(cpu_ticks "${target_pid:-$server}") || c0=""
        window_begin
        if timeout --foreground $((BULK_S + 30)) iperf3 -c 127.0.0.1 -p "$target_port" -t "$BULK_S" -O 1 \
            -P "$p" -J >"$json" 2>&1; then
            c1=$(cpu_ticks "${target_pid:-$server}") || c1=""
            others=$(window_end)
            bps=$(iperf_bps "$json")
            local k=(bulk "P$p" "$t" "$rep")
            record "${k[@]}" gbit_s "$(awk -v b="$bps" 'BEGIN { printf "%.2f", b / 1e9 }')"
            record "${k[@]}" others_cores "$others"
            # CPU per GB moved (the omitted first second included).
            [[ -z $c0 || -z $c1 ]] || record "${k[@]}" cpu_s_per_gb "$(awk -v t=$((c1 - c0)) -v hz="$CLK_TCK" \
                -v b="$bps" -v s="$BULK_S" 'BEGIN { printf "%.3f", (t / hz) / (b / 8 * (s + 1) / 1e9) }')"
        else
            log "bulk: iperf3 failed for $t P$p (see $json)"
        fi
    done
    stop_pid "$server"
}

# iperf3's figure: bits/s received, from its JSON report.
iperf_bps() {
    python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"])' "$1"
}
