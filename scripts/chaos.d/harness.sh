# shellcheck shell=bash
# What the scenarios of scripts/chaos share (sourced): failures, time, the servers and the tcplb under
# test, and readings of tcplb's admin endpoint.
# shellcheck disable=SC2154 # $work, $ECHO and $TCPLB come from scripts/chaos, which sources this

FAILS=()
fail() { FAILS+=("$*"); }

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
# sleep_until START OFFSET — sleep until OFFSET seconds after START (a `now` value).
sleep_until() {
    local left
    left=$(awk -v a="$1" -v o="$2" -v b="$(now)" 'BEGIN { d = a + o - b; printf "%.3f", (d > 0 ? d : 0) }')
    sleep "$left"
}
# calc EXPR — awk arithmetic.
calc() { awk "BEGIN { print ($1) }"; }
# json FILE EXPR — evaluate EXPR over `j`, the last JSON line of FILE.
json() {
    python3 -c 'import json, sys
lines = [l for l in open(sys.argv[1]) if l.startswith("{")]
try:
    j = json.loads(lines[-1])
    print(eval(sys.argv[2]))
except Exception:
    print(-1)  # no report: every check on it fails' "$1" "$2"
}
# wait_line FILE TEXT TRIES — until FILE has a line TEXT, up to TRIES x 0.1 s.
wait_line() {
    local i
    for ((i = 0; i < $3; i++)); do
        grep -qx "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# start_echo PORT [ARGS...] — an echo server; its PID in $spawned_pid. Retries the bind briefly (a
# restarted server's port may still be held by its last connections).
start_echo() {
    local port=$1 try
    shift
    for ((try = 0; try < 5; try++)); do
        spawn "$work/echo-$port.log" "$ECHO" "$port" "$@"
        wait_listening "$port" "$spawned_pid" 30 && return 0
        stop_pid "$spawned_pid"
        sleep 0.2
    done
    fail "echo server on $port did not start"
    return 1
}

# start_servers NAME PORT N [--http] — N echo servers on PORT+1 to PORT+N (HTTP ones answering with their
# name, bI), their PIDs in echo_pid[I], and a hosts file listing them, its path in $hosts.
# shellcheck disable=SC2034 # echo_pid and hosts are the caller's
start_servers() {
    local name=$1 port=$2 n=$3 http=${4:-} b args=() ports=()
    for ((b = 1; b <= n; b++)); do
        [[ -z $http ]] || args=(--http --name "b$b")
        start_echo $((port + b)) "${args[@]}" || return
        echo_pid[b]=$spawned_pid
        ports+=($((port + b)))
    done
    hosts=$(hosts_file "$name" "${ports[@]}")
}

# start_tcplb NAME PORT ARGS... — tcplb on PORT; its PID in $tcplb_pid, its log in $work/NAME-tcplb.log.
start_tcplb() {
    local name=$1 port=$2
    shift 2
    spawn "$work/$name-tcplb.log" "$TCPLB" "$port" "$@"
    tcplb_pid=$spawned_pid
    wait_listening "$port" "$tcplb_pid" || { fail "tcplb did not start (see $name-tcplb.log)"; return 1; }
}

# stop_tcplb — SIGTERM to $tcplb_pid: with nothing left to drain it must exit 0 at once (10 s allowed).
stop_tcplb() {
    local pid=${tcplb_pid:-} code=0 i
    [[ -n $pid ]] && alive "$pid" || return 0
    kill -TERM "$pid"
    for ((i = 0; i < 100; i++)); do
        alive "$pid" || break
        sleep 0.1
    done
    if alive "$pid"; then
        fail "tcplb still running 10 s after SIGTERM"
        kill_now "$pid"
        return
    fi
    wait "$pid" || code=$?
    forget_pid "$pid"
    ((code == 0)) || fail "tcplb exited with code $code after SIGTERM"
}

# hosts_file NAME PORT... — a hosts file listing 127.0.0.1:PORT for each PORT; prints its path.
hosts_file() {
    local file=$work/$1.hosts port
    shift
    : >"$file"
    for port in "$@"; do echo "127.0.0.1:$port" >>"$file"; done
    echo "$file"
}

# check_alive PID — fails the scenario when tcplb exited.
check_alive() {
    alive "$1" || fail "tcplb exited"
}

# settled ADMIN_PORT LIMIT_S WHAT — active 0 and one slice in use within LIMIT_S, else a failure; the
# seconds it took in $settle_s.
# shellcheck disable=SC2034 # settle_s is read by the scenarios
settled() {
    local r
    if r=$(wait_settled "$1" "$2"); then
        settle_s=${r##* }
        return 0
    fi
    fail "$3: not settled after $2 s (active, slices beyond the listeners', s: $r)"
    settle_s=$2
    return 1
}

mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# --- The admin endpoint -------------------------------------------------------------------------

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

# wait_settled ADMIN_PORT SECONDS — until connections.active == 0 and buffers.slices_in_use is one per
# worker process (each listener's spare), up to SECONDS; prints "ACTIVE SPARE_SLICES WAITED_S" (spare:
# slices in use beyond the listeners') and succeeds when settled.
wait_settled() {
    local port=$1 limit=$2 start t line
    start=$(now)
    while true; do
        line=$(status_get "$port" "s['connections']['active'], s['buffers']['slices_in_use'] - s['workers']" 2>/dev/null | tr -d '(),') || line="? ?"
        t=$(now)
        if [[ $line == "0 0" ]]; then
            echo "$line $(awk -v a="$start" -v b="$t" 'BEGIN { printf "%.1f", b - a }')"
            return 0
        fi
        if awk -v a="$start" -v b="$t" -v l="$limit" 'BEGIN { exit !(b - a >= l) }'; then
            echo "$line $(awk -v a="$start" -v b="$t" 'BEGIN { printf "%.1f", b - a }')"
            return 1
        fi
        sleep 0.1
    done
}
