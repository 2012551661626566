# shellcheck shell=bash
# Scenario 6, connection flood: far more connections at once than --max-conns: accepting pauses at
# exactly --max-conns with tcplb idle, resumes when clients leave (the listen queue drains), every
# admitted connection echoes intact, and nothing leaks.

# shellcheck disable=SC2034,SC2154 # names[] is read by scripts/chaos, which sources this and sets the rest
names[6]="connection flood"

scenario_6() {
    local port=19600 admin=19690 hosts per p i peak=0 a cpu fds t0
    local -a clients=()
    local -a echo_pid=()
    start_servers s6 $port 3 || return
    start_tcplb s6 $port --hosts "$hosts" --admin 127.0.0.1:$admin --max-conns "$FLOOD_MAX" || return
    per=$((FLOOD_CONNS / FLOOD_PROCS)) # several client processes: each holds fewer than its 20,000 fds
    t0=$(now)
    for ((p = 0; p < FLOOD_PROCS; p++)); do
        spawn "$work/s6-clients-$p.out" python3 "$lib/conns.py" $port "$per" --deadline $((FLOOD_HOLD_S + FLOOD_CHURN_S + 30))
        clients+=("$spawned_pid")
    done
    # Held: tcplb must stop at --max-conns (the rest wait in the kernel's backlog or retry their SYN).
    for ((i = 0; i < FLOOD_HOLD_S * 2; i++)); do
        sleep 0.5
        a=$(metric $admin tcplb_connections_active)
        [[ $a =~ ^[0-9]+$ ]] && ((a > peak)) && peak=$a
    done
    cpu=$(cpu_percent "$tcplb_pid" 2)
    fds=$(fd_count "$tcplb_pid")
    local held=0
    for ((p = 0; p < FLOOD_PROCS; p++)); do
        held=$((held + $(json "$work/s6-clients-$p.out" 'j["admitted"]')))
    done
    check_alive "$tcplb_pid"
    ((peak == FLOOD_MAX)) || fail "peak active $peak, expected exactly --max-conns $FLOOD_MAX"
    ((held == FLOOD_MAX)) || fail "$held connections echoed while $FLOOD_MAX were held, expected $FLOOD_MAX"
    awk -v c="$cpu" 'BEGIN { exit !(c < 20) }' || fail "tcplb used $cpu % CPU while paused at the limit (bound 20 %)"
    # Release: clients close each connection once it has echoed; tcplb must resume and serve the rest.
    # A timeline (active connections, tcplb's listen queue) and the kernel's listen-overflow counters tell
    # a connect that gave up in the kernel (its SYNs dropped while the queue was full) from a stuck tcplb.
    nstat -n >/dev/null 2>&1 || true
    for p in "${clients[@]}"; do kill -USR1 "$p"; done
    echo "t_s active listen_queue" >"$work/s6-timeline.txt"
    local t1 running
    t1=$(now)
    for ((i = 0; i < FLOOD_CHURN_S + 40; i++)); do
        echo "$(elapsed "$t1") $(metric $admin tcplb_connections_active) $(ss -Hltn "sport = :$port" | awk '{ print $2 }')" >>"$work/s6-timeline.txt"
        running=0
        for p in "${clients[@]}"; do alive "$p" && running=1; done
        ((running)) || break
        sleep 1
    done
    nstat 2>/dev/null | grep -E 'ListenOverflows|ListenDrops|ReqQFull' >"$work/s6-nstat.txt" || true
    for p in "${clients[@]}"; do
        wait "$p" || fail "a client process failed"
        forget_pid "$p"
    done
    check_alive "$tcplb_pid"
    local adm=0 cut=0 corrupt=0 failed=0 left=0
    for ((p = 0; p < FLOOD_PROCS; p++)); do
        f=$work/s6-clients-$p.out
        adm=$((adm + $(json "$f" 'j["admitted"]')))
        cut=$((cut + $(json "$f" 'j["cut"]')))
        corrupt=$((corrupt + $(json "$f" 'j["corrupt"]')))
        failed=$((failed + $(json "$f" 'j["failed"] + j["refused"]')))
        left=$((left + $(json "$f" 'j["waiting"] + j["connecting"]')))
    done
    ((cut + corrupt == 0)) || fail "$cut admitted connections cut, $corrupt echoed wrong bytes"
    ((left == 0)) || fail "$left connections still waiting after ${FLOOD_CHURN_S} s of turnover"
    # A connect whose SYNs all fell on a full listen queue gives up in the kernel (~127 s of retries);
    # that is the backlog's limit, not tcplb's, as long as tcplb drained the queue once it could.
    local drained_at
    drained_at=$(awk 'NR > 1 && $3 == 0 { print $1; exit }' "$work/s6-timeline.txt")
    if [[ -z $drained_at ]] || ! awk -v t="$drained_at" 'BEGIN { exit !(t <= 15) }'; then
        fail "tcplb's listen queue not drained within 15 s of the release (timeline in s6-timeline.txt)"
    fi
    ((adm > FLOOD_MAX)) || fail "accepting did not resume after the limit"
    settled $admin 10 "after the flood"
    FIG="$FLOOD_CONNS opened: peak active $peak of max $FLOOD_MAX ($fds fds, CPU $cpu % while paused); after release listen queue empty in ${drained_at:-?} s; $adm echoed, $cut cut, $corrupt corrupt, $failed gave up in the kernel (SYN retries exhausted); done in $(elapsed "$t0") s"
}
