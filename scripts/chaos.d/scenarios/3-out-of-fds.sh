# shellcheck shell=bash
# Scenario 3, out of descriptors: tcplb under `ulimit -n 256` and 257 (an even and an odd number of
# spare descriptors take different paths) with many clients stays up, does not spin (< 20 % of a core
# while saturated), logs the condition once per 10 s at most, serves every queued client once the
# others leave, and serves new ones normally after.

# shellcheck disable=SC2034,SC2154 # names[] is read by scripts/chaos, which sources this and sets the rest
names[3]="out of descriptors"

scenario_3() {
    local port=19300 admin=19390 hosts limit clients cpu fds log lines accepted reset waited sat_s t0
    start_echo $((port + 1)) || return
    hosts=$(hosts_file s3 $((port + 1)))
    local figs=()
    # 256 and 257: with an even number of descriptors left over, tcplb runs out on accept; with an odd
    # one, accept succeeds and the server socket cannot be opened. Both paths must hold.
    for limit in 256 257; do
        log=$work/s3-$limit-tcplb.log
        # shellcheck disable=SC2016 # expanded by the inner bash
        spawn "$log" bash -c 'ulimit -n "$1" && shift && exec "$@"' _ "$limit" "$TCPLB" $port --hosts "$hosts" --admin 127.0.0.1:$admin
        tcplb_pid=$spawned_pid
        wait_listening $port "$tcplb_pid" || { fail "tcplb (ulimit $limit) did not start"; return; }
        t0=$(now)
        spawn "$work/s3-$limit-clients.out" python3 "$lib/conns.py" $port "$FD_CLIENTS" --deadline 90
        clients=$spawned_pid
        sleep 2 # saturated from here on
        cpu=$(cpu_percent "$tcplb_pid" "$FD_CPU_S")
        fds=$(fd_count "$tcplb_pid")
        accepted=$(json "$work/s3-$limit-clients.out" 'j["admitted"]')
        reset=$(json "$work/s3-$limit-clients.out" 'j["cut"] + j["failed"] + j["refused"]')
        waited=$(json "$work/s3-$limit-clients.out" 'j["waiting"] + j["connecting"]')
        check_alive "$tcplb_pid"
        awk -v c="$cpu" 'BEGIN { exit !(c < 20) }' || fail "ulimit $limit: tcplb used $cpu % CPU while saturated (bound 20 %)"
        # The clients leave: held ones close, and queued ones are served in turn as descriptors free up.
        kill -USR1 "$clients"
        wait "$clients" || fail "ulimit $limit: the clients failed"
        forget_pid "$clients"
        sat_s=$(elapsed "$t0")
        local corrupt late
        corrupt=$(json "$work/s3-$limit-clients.out" 'j["corrupt"]')
        late=$(json "$work/s3-$limit-clients.out" 'j["waiting"] + j["connecting"]')
        ((corrupt == 0)) || fail "ulimit $limit: $corrupt connections echoed wrong bytes"
        ((late == 0)) || fail "ulimit $limit: $late queued clients never served after the others left"
        # Served normally again.
        python3 "$lib/conns.py" $port 50 --deadline 10 --release >"$work/s3-$limit-after.out"
        [[ $(json "$work/s3-$limit-after.out" 'j["admitted"]') == 50 ]] || fail "ulimit $limit: not serving normally after the clients left"
        settled $admin 5 "ulimit $limit"
        check_alive "$tcplb_pid"
        # The condition is logged, and once per 10 s at most, not once per client.
        lines=$(grep -cE 'out of file descriptors|cannot open a server socket' "$log" || true)
        local bound
        bound=$(calc "int($sat_s / 10) + 2")
        ((lines >= 1)) || fail "ulimit $limit: descriptor exhaustion never logged"
        ((lines <= bound)) || fail "ulimit $limit: descriptor exhaustion logged $lines times in $sat_s s (bound $bound: once per 10 s)"
        figs+=("ulimit $limit: $accepted held, $reset reset, $waited queued, CPU $cpu %, $lines log lines")
        stop_tcplb
    done
    FIG="$FD_CLIENTS clients; ${figs[0]}; ${figs[1]}"
}
