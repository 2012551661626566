# shellcheck shell=bash
# What the workloads of scripts/bench share (sourced after scripts/lib/procs.sh and targets.sh): the
# record files, the backends, starting and stopping a target, wrk with the proxy's CPU read around it,
# and the machine's description.
# shellcheck disable=SC2154 # $out, $raw, $work, $logs, $targets and the durations come from scripts/bench

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# record WORKLOAD CASE TARGET REPEAT METRIC VALUE
record() {
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$raw"
}

meta() {
    printf '%s\t%s\n' "$1" "$2" >>"$out/meta.tsv"
}

# --- Backends ------------------------------------------------------------------

BACKEND_PIDS=()
start_backends() {
    local port pid
    for port in "$BACKEND1_PORT" "$BACKEND2_PORT"; do
        write_backend_conf "$work/backend-$port" "$port" "$logs/backend-$port-error.log"
        spawn "$logs/backend-$port.log" nginx -p "$work/backend-$port" \
            -c "$work/backend-$port/nginx.conf" -e "$work/backend-$port/error.log"
        pid=$spawned_pid
        wait_listening "$port" "$pid" 100 || { echo "backend on $port did not start" >&2; exit 1; }
        BACKEND_PIDS+=("$pid")
    done
}

# The ports this run listens on must be free: a listener left by another
# program would take part of the load, or make ours fail to start.
check_ports_free() {
    local port busy=() t i
    local ports=("$BACKEND1_PORT" "$BACKEND2_PORT" "$IPERF_PORT")
    for t in "${targets[@]}"; do
        [[ $t == direct ]] || ports+=("$(target_port "$t")")
    done
    for port in "${ports[@]}"; do
        # A listener of an earlier run may still be closing: give it 10 s.
        for ((i = 0; i < 100; i++)); do
            listening "$port" || break
            sleep 0.1
        done
        listening "$port" && busy+=("$port")
    done
    if ((${#busy[@]})); then
        echo "ports in use, the benchmark needs them free: ${busy[*]}" >&2
        for port in "${busy[@]}"; do
            ss -Hltnp "sport = :$port" >&2
        done
        exit 1
    fi
}

# http_probe PORT — one GET through PORT answers 200.
http_probe() {
    # shellcheck disable=SC2016 # expanded by the inner shell
    timeout 3 bash -c '
        exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
        printf "GET %s HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n" "$2" >&3
        head -c 12 <&3' _ "$1" "$URL_PATH" 2>/dev/null | grep -q '^HTTP/1.1 200'
}

# --- Targets -----------------------------------------------------------------

# start_target NAME SET [CORES] — start NAME in front of backend set SET, pinned by taskset to the first
# CORES cores when given; sets target_pid (empty for direct) and target_port. A target that fails to
# start makes the measurement fail, not the run.
start_target() {
    local name=$1 set=$2 cores=${3:-}
    target_pid=""
    if [[ $name == direct ]]; then
        target_port=$(direct_port "$set")
        return 0
    fi
    target_port=$(target_port "$name")
    local dir="$work/$name-$set"
    rm -rf "$dir"
    target_cmd "$name" "$set" "$dir"
    [[ -z $cores ]] || CMD=(taskset -c "0-$((cores - 1))" "${CMD[@]}")
    spawn "$logs/$name.log" "${CMD[@]}"
    target_pid=$spawned_pid
    if ! wait_listening "$target_port" "$target_pid" 100; then
        log "$name did not start (see logs/$name.log)"
        stop_pid "$target_pid"
        target_pid=""
        return 1
    fi
}

# stop_target [WHAT] — stop the target; if it had already exited, say so in
# the summary (its figures for WHAT are then suspect).
stop_target() {
    if [[ -n $target_pid ]]; then
        if ! alive "$target_pid"; then
            log "the target exited on its own during ${1:-a measurement} (see logs/)"
            printf '%s\n' "the target exited on its own during ${1:-a measurement}" >>"$out/events.txt"
        fi
        stop_pid "$target_pid"
    fi
    target_pid=""
}

# Targets that cannot start (tcplb not built yet, say) are left out of the
# whole run and listed in the summary, rather than failing every measurement.
check_targets() {
    local kept=() t why
    for t in "${targets[@]}"; do
        why=""
        if [[ $t == tcplb* && ! -x $(tcplb_binary "$t") ]]; then
            why="$(tcplb_binary "$t") not found (run scripts/build; for tcplb-baseline, set TCPLB_BASELINE_BIN)"
        elif ! start_target "$t" http; then
            why="did not listen on its port within 10 s (see logs/$t.log)"
        elif ! http_probe "$target_port"; then
            why="did not relay a request to the backends (see logs/$t.log)"
        fi
        stop_target
        if [[ -n $why ]]; then
            log "skipping $t: $why"
            printf '%s\t%s\n' "$t" "$why" >>"$out/skipped.tsv"
        else
            kept+=("$t")
        fi
    done
    targets=("${kept[@]+"${kept[@]}"}")
}

# rounds WORKLOAD SET MEASURE [CORES...] — every repeat, every target that takes part in WORKLOAD in turn
# (so that drift in the machine spreads evenly over them), once for each CORES when given: start it
# afresh in front of backend set SET (pinned to CORES cores), run MEASURE TARGET REPEAT [CORES], stop it.
rounds() {
    local workload=$1 set=$2 measure=$3 rep t cores
    shift 3
    local pins=("${@:-}")
    for ((rep = 1; rep <= repeats; rep++)); do
        for t in "${targets[@]}"; do
            runs_in "$workload" "$t" || continue
            for cores in "${pins[@]}"; do
                log "$workload: $t${cores:+ on $cores core(s)} (repeat $rep/$repeats)"
                start_target "$t" "$set" "$cores" || continue
                "$measure" "$t" "$rep" "$cores"
                stop_target "$workload, $t${cores:+ on $cores core(s)}, repeat $rep"
            done
        done
    done
}

# The process whose CPU a measurement reads: the proxy, or for direct the
# (first) backend, shown in the report as the floor the proxies add to.
measured_pid() {
    echo "${target_pid:-${BACKEND_PIDS[0]}}"
}

# --- Load generator ------------------------------------------------------------

# run_wrk LOG PID SETTLE WRK-ARGS... — run wrk (bounded by timeout) and load
# the BENCH lines of wrk.lua's done() into the array W, plus W[cpu_ticks]: the
# CPU clock ticks PID spent from SETTLE seconds after wrk's start to its end
# (so that a lead-in, while wrk connects and sends nothing, is left out).
declare -A W
run_wrk() {
    local logf=$1 pid=$2 settle=$3 line kv wrk_pid c0 c1 rc=0
    shift 3
    W=()
    spawn "$logf" timeout --foreground 120 wrk -s "$lib/wrk.lua" "$@"
    wrk_pid=$spawned_pid
    sleep "$settle"
    c0=$(cpu_ticks "$pid") || c0=""
    window_begin
    wait "$wrk_pid" || rc=$?
    # A process that exited meanwhile took its ticks with it: no figure.
    W[cpu_ticks]=""
    [[ -n $c0 ]] && c1=$(cpu_ticks "$pid") && W[cpu_ticks]=$((c1 - c0))
    W[others_cores]=$(window_end)
    forget_pid "$wrk_pid"
    ((rc == 0)) || return 1
    while read -r line; do
        for kv in ${line#BENCH }; do
            W[${kv%%=*}]=${kv#*=}
        done
    done < <(grep '^BENCH ' "$logf")
    [[ -n ${W[requests]:-} ]]
}

# window_begin, then window_end — prints the cores' worth of CPU that other
# programs used in between.
window_begin() {
    others_snapshot >"$work/others.0"
    window_t0=$(date +%s.%N)
}
window_end() {
    others_snapshot >"$work/others.1"
    others_cores "$work/others.0" "$work/others.1" "$(awk -v a="$window_t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')"
}

# wrk_figure NAME [LEAD_IN_S] — one figure of the last run_wrk, as record wants it: requests, rps or
# conn_per_s (per second, the lead-in left out), lat_{mean,p50,p90,p99}_ms, errors, others_cores,
# cpu_ms_per_1000 (of the measured process) and req_per_cpu_s (empty when no tick was counted).
wrk_figure() {
    case $1 in
        requests | others_cores) echo "${W[$1]}" ;;
        rps | conn_per_s) awk -v n="${W[requests]}" -v d="${W[duration_us]}" -v l="${2:-0}" \
            'BEGIN { printf "%.1f", n / (d / 1e6 - l) }' ;;
        lat_*_ms) awk -v v="${W[${1%_ms}_us]}" 'BEGIN { printf "%.4f", v / 1000 }' ;;
        errors) echo $((W[errors_connect] + W[errors_read] + W[errors_write] + W[errors_status] + W[errors_timeout])) ;;
        cpu_ms_per_1000) awk -v t="${W[cpu_ticks]}" -v hz="$CLK_TCK" -v n="${W[requests]}" \
            'BEGIN { if (t != "") printf "%.3f", t / hz * 1e6 / n }' ;;
        req_per_cpu_s) awk -v n="${W[requests]}" -v t="${W[cpu_ticks]}" -v hz="$CLK_TCK" \
            'BEGIN { if (t > 0) printf "%.0f", n / (t / hz) }' ;;
    esac
}

# record_wrk WORKLOAD CASE TARGET REPEAT LEAD_IN_S FIGURE... — record these figures of the last run_wrk.
record_wrk() {
    local key=("$1" "$2" "$3" "$4") lead_in=$5 f
    shift 5
    for f in "$@"; do
        record "${key[@]}" "$f" "$(wrk_figure "$f" "$lead_in")"
    done
}

# --- Machine description ---------------------------------------------------------

describe_machine() {
    local tcplb_version=""
    [[ -x $TCPLB_BIN ]] && tcplb_version=$(timeout 5 "$TCPLB_BIN" --version 2>&1 | head -1 || true)
    {
        echo "# Machine and software"
        echo
        echo "| | |"
        echo "| --- | --- |"
        echo "| date | $(date -R) |"
        echo "| command | \`$command_line\` |"
        echo "| nproc | $(nproc) |"
        echo "| CPU | $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo) |"
        echo "| memory | $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) |"
        echo "| kernel | $(uname -sr) |"
        echo "| OS | $(. /etc/os-release && echo "$PRETTY_NAME") |"
        echo "| open-file limit | $(ulimit -n) |"
        echo "| net.core.somaxconn | $(sysctl -n net.core.somaxconn 2>/dev/null) |"
        echo "| net.ipv4.tcp_tw_reuse | $(sysctl -n net.ipv4.tcp_tw_reuse 2>/dev/null) |"
        echo "| tcplb | ${tcplb_version:-unknown}; ${TCPLB_SOURCE:-$TCPLB_BIN}, sha256 $(sha256sum "$TCPLB_BIN" 2>/dev/null | cut -c1-16); repository commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo none) |"
        echo "| HAProxy | $(haproxy -v 2>&1 | head -1) |"
        echo "| nginx | $(nginx -v 2>&1 | head -1) |"
        echo "| wrk | $(wrk -v 2>&1 | head -1) |"
        echo "| iperf3 | $(iperf3 -v 2>&1 | head -1) |"
        echo "| gnuplot | $(gnuplot -V 2>&1 | head -1) |"
        echo "| python3 | $(python3 -V 2>&1) |"
    } >"$out/machine.md"
}
