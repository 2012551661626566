# shellcheck shell=bash
# Workload footprint: the size of what must be installed, the start-up time (exec to the first accepted
# connection and to the first response relayed), and RSS and PSS idle and while holding many idle client
# connections (and as many to the backends, for a TCP proxy).
# shellcheck disable=SC2154 # the durations, $logs and $idle_conns come from scripts/bench

workload_footprint() {
    local rep t r kv
    for t in "${targets[@]}"; do
        runs_in footprint "$t" || continue
        record footprint size "$t" 1 binary_bytes "$(binary_bytes "$t")"
    done
    for ((rep = 1; rep <= STARTUP_REPEATS; rep++)); do
        for t in "${targets[@]}"; do
            runs_in footprint "$t" || continue
            log "footprint: start-up of $t (repeat $rep/$STARTUP_REPEATS)"
            target_cmd "$t" http "$work/$t-startup"
            r=$(timeout 30 python3 "$lib/startup.py" "$(target_port "$t")" "$logs/$t-startup.log" -- "${CMD[@]}") || true
            if [[ $r == listen_ms=* ]]; then
                for kv in $r; do
                    record footprint startup "$t" "$rep" "${kv%%=*}" "${kv#*=}"
                done
            else
                log "footprint: start-up of $t failed: $r"
            fi
        done
    done
    for ((rep = 1; rep <= MEMORY_REPEATS; rep++)); do
        for t in "${targets[@]}"; do
            runs_in footprint "$t" || continue
            log "footprint: memory of $t with $idle_conns idle connections (repeat $rep)"
            footprint_memory "$t" "$rep"
        done
    done
}

# footprint_memory NAME REPEAT — RSS idle, then holding $idle_conns idle
# client connections (and as many to the backends, for a TCP proxy).
footprint_memory() {
    local t=$1 rep=$2 mem client i n prev=-1 stable=0 fds
    local k=(footprint idle "$t" "$rep")
    start_target "$t" http || return 0
    sleep 1
    read -ra mem <<<"$(memory_kib "$target_pid")"
    record "${k[@]}" rss_idle_kib "${mem[0]}"
    record "${k[@]}" pss_idle_kib "${mem[1]}"
    local clog="$logs/idle-conns-$t-$rep.log"
    : >"$clog"
    spawn "$clog" python3 "$lib/idle_conns.py" "$target_port" "$idle_conns" 120
    client=$spawned_pid
    for ((i = 0; i < 400; i++)); do
        grep -q '^connected ' "$clog" && break
        alive "$client" || break
        sleep 0.1
    done
    n=$(sed -n 's/^connected //p' "$clog")
    # The proxy may still be accepting and connecting upstream: wait until
    # its descriptor count holds still for a second (15 s at most).
    for ((i = 0; i < 60 && stable < 4; i++)); do
        fds=$(fd_count "$target_pid")
        if [[ $fds == "$prev" ]]; then stable=$((stable + 1)); else stable=0; fi
        prev=$fds
        sleep 0.25
    done
    read -ra mem <<<"$(memory_kib "$target_pid")"
    k=(footprint conns "$t" "$rep")
    record "${k[@]}" connected "${n:-0}"
    record "${k[@]}" proxy_fds "$prev"
    record "${k[@]}" rss_conns_kib "${mem[0]}"
    record "${k[@]}" pss_conns_kib "${mem[1]}"
    stop_pid "$client"
    stop_target "footprint, $t, repeat $rep"
}
