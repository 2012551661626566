# shellcheck shell=bash
# Process bookkeeping, /proc readings and admin-endpoint helpers for scripts/chaos (sourced).
#
# Every process the suite starts goes through spawn, so that stop_pid and stop_all (run by the EXIT
# trap) can end it by its PID. Nothing is ever stopped by name: other programs of the same name (another
# tcplb, wrk, iperf3) may run on the same machine.

# shellcheck source=scripts/lib/procs.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/procs.sh"

# stop_pid PID [SIGNAL] — SIGNAL (default TERM), up to 5 s to exit, then SIGKILL; reaps it.
stop_pid() {
    local pid=$1 sig=${2:-TERM} i
    kill "-$sig" "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        alive "$pid" || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    forget_pid "$pid"
}

# kill_now PID — SIGKILL and reap (a crash, as the chaos scenarios want it).
kill_now() {
    kill -KILL "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
    forget_pid "$1"
}

# cpu_ticks PID — user+system clock ticks of PID (all its threads).
cpu_ticks() {
    local f
    read -ra f <<<"$(stat_fields "$1")" || return 1
    # After the name: [0]=state ... [11]=utime [12]=stime.
    echo $((f[11] + f[12]))
}

# cpu_percent PID SECONDS — CPU of PID over the next SECONDS, in percent of one core.
cpu_percent() {
    local t0 t1
    t0=$(cpu_ticks "$1") || { echo -1; return; }
    sleep "$2"
    t1=$(cpu_ticks "$1") || { echo -1; return; }
    awk -v d=$((t1 - t0)) -v hz="$CLK_TCK" -v s="$2" 'BEGIN { printf "%.1f", 100 * d / hz / s }'
}

# rss_kib PID — resident set in KiB.
rss_kib() {
    awk '/^VmRSS:/ { print $2; found = 1 } END { if (!found) print 0 }' "/proc/$1/status" 2>/dev/null || echo 0
}

# fd_count PID — open descriptors.
fd_count() {
    find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l
}

mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# listening_by PORT PID — true once PID listens on PORT (another program on the port does not count).
listening_by() {
    local users
    users=$(ss -Hltnp "sport = :$1" 2>/dev/null) || return 1
    [[ $users == *"pid=$2,"* ]]
}

# wait_listening PORT PID [TRIES] — up to TRIES x 0.1 s (default 50) for PID to listen on PORT.
wait_listening() {
    local i
    for ((i = 0; i < ${3:-50}; i++)); do
        listening_by "$1" "$2" && return 0
        alive "$2" || return 1
        sleep 0.1
    done
    return 1
}

# status ADMIN_PORT — the /status JSON document.
status() {
    curl -fsS --max-time 2 "http://127.0.0.1:$1/status"
}

# status_get ADMIN_PORT EXPR — one field of /status, EXPR in Python syntax over `s`, e.g. "s['connections']['active']".
status_get() {
    local doc
    doc=$(status "$1") || { echo "?"; return 1; }
    python3 -c 'import json, sys; s = json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$doc" "$2"
}

# metric ADMIN_PORT NAME — one unlabelled value from /metrics.
metric() {
    curl -fsS --max-time 2 "http://127.0.0.1:$1/metrics" | awk -v n="$2" '$1 == n { print $2; found = 1 } END { if (!found) print "?" }'
}

# wait_settled ADMIN_PORT SECONDS — until connections.active == 0 and buffers.slices_in_use == 1 (the
# listener's spare), up to SECONDS; prints "ACTIVE SLICES WAITED_S" and succeeds when settled.
wait_settled() {
    local port=$1 limit=$2 start now line
    start=$(date +%s.%N)
    while true; do
        line=$(status_get "$port" "s['connections']['active'], s['buffers']['slices_in_use']" 2>/dev/null | tr -d '(),') || line="? ?"
        now=$(date +%s.%N)
        if [[ $line == "0 1" ]]; then
            echo "$line $(awk -v a="$start" -v b="$now" 'BEGIN { printf "%.1f", b - a }')"
            return 0
        fi
        if awk -v a="$start" -v b="$now" -v l="$limit" 'BEGIN { exit !(b - a >= l) }'; then
            echo "$line $(awk -v a="$start" -v b="$now" 'BEGIN { printf "%.1f", b - a }')"
            return 1
        fi
        sleep 0.1
    done
}

# Other programs on the machine compete for its two cores: their CPU is read around a scenario and
# reported, so that a noisy figure can be told from a slow balancer.
OUR_PGRP=$(ps -o pgid= $$ | tr -d ' ')

# others_snapshot — "PID TICKS" of every process outside this process group.
others_snapshot() {
    # A process may exit between the glob and its read: cat then fails, which must not end the run.
    { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v pg="$OUR_PGRP" '{
        pid = $1; line = $0; sub(/^.*\) /, "", line); split(line, f, " ")
        if (f[3] != pg) print pid, f[12] + f[13]
    }'
}

