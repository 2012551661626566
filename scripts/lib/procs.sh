# shellcheck shell=bash
# Processes and /proc readings shared by scripts/bench and scripts/chaos (sourced).
#
# Every process a script starts goes through spawn, so that stop_pid and stop_all (run by its EXIT trap)
# end it by its PID, and its descendants (nginx's workers, the command under a timeout) with it. Nothing
# is ever stopped by name: other programs of the same name (another tcplb, nginx, wrk, iperf3) may run on
# the same machine.

PIDS=()
CLK_TCK=$(getconf CLK_TCK)

# spawn LOG CMD... — start CMD in the background; its PID in $spawned_pid.
spawn() {
    local log=$1
    shift
    "$@" >>"$log" 2>&1 &
    spawned_pid=$!
    PIDS+=("$spawned_pid")
}

# The fields of /proc/PID/stat after the command name (field 3 onwards), so
# that a name containing spaces cannot shift them.
stat_fields() {
    local stat
    { stat=$(<"/proc/$1/stat"); } 2>/dev/null || return 1
    echo "${stat##*) }"
}

# alive PID — true while PID runs; a zombie (exited, not yet reaped) is dead.
alive() {
    local fields
    fields=$(stat_fields "$1") || return 1
    [[ ${fields%% *} != Z ]]
}

# forget_pid PID — PID has been reaped; nothing left to stop.
forget_pid() {
    local rest=() p
    for p in "${PIDS[@]}"; do
        [[ $p == "$1" ]] || rest+=("$p")
    done
    PIDS=("${rest[@]+"${rest[@]}"}")
}

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

# stop_pid PID — SIGTERM, up to 5 s to exit, then SIGKILL, and reaps it; then the same for any
# descendant left behind (a worker whose master was killed).
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

# kill_now PID — SIGKILL and reap (a crash, as the chaos scenarios want it).
kill_now() {
    kill -KILL "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
    forget_pid "$1"
}

stop_all() {
    local i
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
        stop_pid "${PIDS[i]}"
    done
}

# cpu_ticks PID — user+system clock ticks of PID and its descendants (a process's threads are in its own
# figures); fails when PID has exited.
cpu_ticks() {
    local total=0 p f
    alive "$1" || return 1
    for p in $(tree "$1"); do
        read -ra f <<<"$(stat_fields "$p")"
        # After the name: [0]=state ... [11]=utime [12]=stime (none for a descendant gone meanwhile).
        total=$((total + ${f[11]:-0} + ${f[12]:-0}))
    done
    echo "$total"
}

# cpu_percent PID SECONDS — CPU of PID over the next SECONDS, in percent of one core (-1 if it exited).
cpu_percent() {
    local t0 t1
    t0=$(cpu_ticks "$1") || { echo -1; return; }
    sleep "$2"
    t1=$(cpu_ticks "$1") || { echo -1; return; }
    awk -v d=$((t1 - t0)) -v hz="$CLK_TCK" -v s="$2" 'BEGIN { printf "%.1f", 100 * d / hz / s }'
}

# memory_kib PID — "RSS PSS" in KiB over PID and its descendants. RSS counts each page once: PID's own
# resident set plus what each descendant holds privately (nginx's and tcplb's workers share the
# executable's and libc's pages with the first process). PSS splits shared pages among all their users.
memory_kib() {
    local rss=0 pss=0 p v
    for p in $(tree "$1"); do
        if [[ $p == "$1" ]]; then
            v=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null) || v=0
        else
            v=$(awk '/^Private_(Clean|Dirty):/ { n += $2 } END { print n + 0 }' "/proc/$p/smaps_rollup" 2>/dev/null) || v=0
        fi
        rss=$((rss + ${v:-0}))
        v=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null) || v=0
        pss=$((pss + ${v:-0}))
    done
    echo "$rss $pss"
}

# rss_kib PID — resident KiB of PID and its descendants, each page once (memory_kib's RSS); 0 once exited.
rss_kib() {
    local mem
    read -ra mem <<<"$(memory_kib "$1")"
    echo "${mem[0]}"
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

# listening_by PORT PID — true once PID (or a descendant: nginx's workers) listens on PORT. Another
# program on the same port does not count: its listener would otherwise pass for ours while ours failed
# to bind.
listening_by() {
    local users p
    users=$(ss -Hltnp "sport = :$1" 2>/dev/null) || return 1
    for p in $(tree "$2"); do
        [[ $users == *"pid=$p,"* ]] && return 0
    done
    return 1
}

# wait_listening PORT PID [TRIES] — up to TRIES x 0.1 s (default 50) for PID to listen on PORT; fails at
# once if PID exits.
wait_listening() {
    local i
    for ((i = 0; i < ${3:-50}; i++)); do
        listening_by "$1" "$2" && return 0
        alive "$2" || return 1
        sleep 0.1
    done
    return 1
}

# Other programs on the machine compete for its cores and skew a measurement; their CPU is read around
# each one and reported, so that a noisy figure can be told from a slow proxy.
OUR_PGRP=$(ps -o pgid= $$ | tr -d ' ')

# others_snapshot — "PID TICKS" of every process outside this process group (which is why load
# generators run under `timeout --foreground`: plain timeout moves its command to a group of its own).
others_snapshot() {
    # A process may exit between the glob and its read: cat then fails, which must not end the run.
    { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v pg="$OUR_PGRP" '{
        pid = $1; line = $0; sub(/^.*\) /, "", line); split(line, f, " ")
        # After the name: [1]=state [2]=ppid [3]=pgrp ... [12]=utime [13]=stime.
        if (f[3] != pg) print pid, f[12] + f[13]
    }'
}

# others_cores BEFORE AFTER SECONDS — cores' worth of CPU the other processes used between two snapshots
# (processes that came and went in between are missed).
others_cores() {
    awk -v s="$3" -v hz="$CLK_TCK" 'FNR == NR { t0[$1] = $2; next }
        { total += $2 - ($1 in t0 ? t0[$1] : 0) }
        END { printf "%.2f", total / hz / s }' "$1" "$2"
}
