# shellcheck shell=bash
# Process bookkeeping and /proc readings for scripts/bench (sourced).
#
# Every process the benchmark starts goes through spawn, so that stop_pid and
# stop_all (run by the EXIT trap) can end it by its PID, and its descendants
# (nginx workers) with it. Nothing is ever stopped by name: other programs of
# the same name may be running on the machine.

# shellcheck source=scripts/lib/procs.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib/procs.sh"

# descendants PID — the PIDs below PID, children first.
descendants() {
    local child
    for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
        echo "$child"
        descendants "$child"
    done
}

# tree PID — PID and its descendants.
tree() {
    echo "$1"
    descendants "$1"
}

# stop_pid PID — SIGTERM, up to 5 s to exit, then SIGKILL; then the same for
# any descendant left behind (a worker whose master was killed).
stop_pid() {
    local pid=$1 kids i p
    kids=$(descendants "$pid")
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        alive "$pid" || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    for p in $kids; do
        for ((i = 0; i < 20; i++)); do
            alive "$p" || break
            sleep 0.1
        done
        kill -KILL "$p" 2>/dev/null || true
    done
    forget_pid "$pid"
}

# cpu_ticks PID — user+system clock ticks of PID and its descendants (the
# threads of a process are included in its own figures).
cpu_ticks() {
    local total=0 p f
    for p in $(tree "$1"); do
        read -ra f <<<"$(stat_fields "$p")" || continue
        # After the name: [0]=state ... [11]=utime [12]=stime.
        total=$((total + f[11] + f[12]))
    done
    echo "$total"
}

# ticks_to_s TICKS — seconds with 2 decimals.
ticks_to_s() {
    awk -v t="$1" -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", t / hz }'
}

# memory_kib PID — "RSS PSS" in KiB summed over PID and its descendants. RSS
# counts pages shared between nginx's master and workers once per process;
# PSS splits them, so both are kept.
memory_kib() {
    local rss=0 pss=0 p v
    for p in $(tree "$1"); do
        v=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null) || v=0
        rss=$((rss + ${v:-0}))
        v=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null) || v=0
        pss=$((pss + ${v:-0}))
    done
    echo "$rss $pss"
}

# fd_count PID — open file descriptors of PID and its descendants.
fd_count() {
    local total=0 p n
    for p in $(tree "$1"); do
        n=$(find "/proc/$p/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l) || n=0
        total=$((total + n))
    done
    echo "$total"
}

# listening PORT — true while anything listens on PORT.
listening() {
    ss -Hltn "sport = :$1" 2>/dev/null | grep -q .
}

# listening_by PORT PID — true once PID (or a descendant: nginx's workers)
# listens on PORT. Another program on the same port does not count: its
# listener would otherwise pass for ours while ours failed to bind.
listening_by() {
    local users p
    users=$(ss -Hltnp "sport = :$1" 2>/dev/null) || return 1
    for p in $(tree "$2"); do
        [[ $users == *"pid=$p,"* ]] && return 0
    done
    return 1
}

# Other programs on the machine compete for its cores and skew a
# measurement; their CPU is read around each one and reported.
OUR_PGRP=$(ps -o pgid= $$ | tr -d ' ')

# others_snapshot — "PID TICKS" of every process outside this process group
# (which is why load generators run under `timeout --foreground`: plain
# timeout moves its command to a group of its own).
others_snapshot() {
    # A process may exit between the glob and its read: cat then fails, which must not end the run.
    { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v pg="$OUR_PGRP" '{
        pid = $1; line = $0; sub(/^.*\) /, "", line); split(line, f, " ")
        # After the name: [1]=state [2]=ppid [3]=pgrp ... [12]=utime [13]=stime.
        if (f[3] != pg) print pid, f[12] + f[13]
    }'
}

