# shellcheck shell=bash
# Scenario 5, abrupt peers: clients and servers that reset, close during connect, or half-close and go
# silent leak nothing: after each case every session and slice comes back (/status active 0,
# no slice beyond the listeners') within a bound, and the descriptors are back where they started. One tcplb runs every
# case, its server swapped by SIGHUP, so that leaks would add up.

# shellcheck disable=SC2034,SC2154 # names[] is read by scripts/chaos, which sources this and sets the rest
names[5]="abrupt peers"

# s5_case CASE SERVER_PORT SETTLE_LIMIT [HOLD_S] — points tcplb at the server, runs the clients, checks
# that every session and slice came back within SETTLE_LIMIT seconds (for silent cases: while the
# clients still hold their end, so it was tcplb's idle timeout that ended them).
s5_case() {
    local case=$1 server=$2 limit=$3 hold=${4:-0} clients ok i
    echo "127.0.0.1:$server" >"$s5_hosts"
    kill -HUP "$tcplb_pid"
    for ((i = 0; i < 30; i++)); do
        [[ $(status_get "$s5_admin" "s['servers'][0]['address']" 2>/dev/null) == "127.0.0.1:$server" ]] && break
        sleep 0.1
    done
    if ((hold > 0)); then
        spawn "$work/s5-$case.out" python3 "$lib/abrupt.py" "$case" "$s5_port" "$ABRUPT_N" "$hold"
        clients=$spawned_pid
        sleep 0.5
        settled "$s5_admin" "$limit" "$case" || true
        alive "$clients" || fail "$case: the clients ended before tcplb closed them"
        wait "$clients" || fail "$case: clients failed"
        forget_pid "$clients"
    else
        python3 "$lib/abrupt.py" "$case" "$s5_port" "$ABRUPT_N" >"$work/s5-$case.out" 2>>"$work/s5-clients.log" || fail "$case: clients failed"
        settled "$s5_admin" "$limit" "$case" || true
    fi
    ok=$(json "$work/s5-$case.out" 'j["ok"]')
    ((ok == ABRUPT_N)) || fail "$case: $((ABRUPT_N - ok)) of $ABRUPT_N connections misbehaved"
    if ((hold > 0)); then
        s5_idle_worst=$(calc "($settle_s + 0.5 > $s5_idle_worst) ? $settle_s + 0.5 : $s5_idle_worst")
    else
        s5_worst=$(calc "($settle_s > $s5_worst) ? $settle_s : $s5_worst")
    fi
}

scenario_5() {
    local port=19500 admin=19590 fds0 fds1
    s5_port=$port s5_admin=$admin s5_hosts=$work/s5.hosts s5_worst=0 s5_idle_worst=0
    start_echo $((port + 1)) || return
    spawn "$work/s5-peers.log" python3 "$lib/peers.py" $((port + 10))
    wait_line "$work/s5-peers.log" ready 50 || { fail "misbehaving servers did not start"; return; }
    echo "127.0.0.1:$((port + 1))" >"$s5_hosts"
    # One tcplb through every case (the server swapped by SIGHUP), so that leaks would add up.
    start_tcplb s5 $port --hosts "$s5_hosts" --admin 127.0.0.1:$admin --idle-timeout 2s --connect-timeout 1s || return
    fds0=$(fd_count "$tcplb_pid")
    s5_case client-reset $((port + 1)) 2
    s5_case client-close $((port + 1)) 2
    s5_case client-gone-early $((port + 13)) 3
    s5_case client-reset-early $((port + 13)) 3
    s5_case server-reset $((port + 10)) 2
    s5_case server-close $((port + 11)) 2
    s5_case client-half-silent $((port + 1)) 5 6
    s5_case server-half-silent $((port + 12)) 5 6
    check_alive "$tcplb_pid"
    fds1=$(fd_count "$tcplb_pid")
    ((fds1 <= fds0 + 2)) || fail "descriptors $fds0 before, $fds1 after"
    FIG="$ABRUPT_N conns per case; 6 abrupt cases settled (active 0, no slice beyond the listeners') within $s5_worst s of the clients' end; 2 half-closed-and-silent cases ended by the 2 s idle timeout within $s5_idle_worst s of their start; fds $fds0 before, $fds1 after"
}
