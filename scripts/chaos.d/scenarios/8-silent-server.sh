# shellcheck shell=bash
# Scenario 8, a server that accepts but never answers: with send/expect checks it is taken out by the
# checks alone, before any client comes, while a server that answers stays in; then every client is
# served by the one that answers.

# shellcheck disable=SC2034,SC2154 # names[] is read by scripts/chaos, which sources this and sets the rest
names[8]="silent server, send/expect checks"

scenario_8() {
    local port=19800 admin=19890 hosts t0 down_s
    spawn "$work/s8-silent.log" python3 "$lib/limits.py" silent $((port + 1))
    wait_line "$work/s8-silent.log" ready 50 || { fail "silent server did not start"; return; }
    start_echo $((port + 2)) || return
    hosts=$(hosts_file s8 $((port + 1)) $((port + 2)))
    t0=$(now)
    # The echo server answers PING with PING: a send/expect check it passes; the silent one never does.
    start_tcplb s8 $port --hosts "$hosts" --admin 127.0.0.1:$admin --workers 1 \
        --check-interval 500ms --check-timeout 300ms --check-send 'PING\r\n' --check-expect 'PING' --check-fall 3 || return
    local i
    for ((i = 0; i < 100; i++)); do
        grep -q "msg=\"server down\" server=127.0.0.1:$((port + 1)) reason=check detail=timeout" "$work/s8-tcplb.log" && break
        sleep 0.1
    done
    down_s=$(elapsed "$t0")
    ((i < 100)) || { fail "the silent server was not taken out within 10 s"; return; }
    local total up_silent up_echo
    total=$(metric $admin tcplb_connections_total)
    up_silent=$(metric $admin "tcplb_backend_up{backend=\"127.0.0.1:$((port + 1))\"}")
    up_echo=$(metric $admin "tcplb_backend_up{backend=\"127.0.0.1:$((port + 2))\"}")
    ((total == 0)) || fail "$total client connections before the verdict: the checks alone should decide"
    ((up_silent == 0 && up_echo == 1)) || fail "tcplb_backend_up: silent $up_silent, echo $up_echo (want 0 and 1)"
    grep -q "server=127.0.0.1:$((port + 2))" "$work/s8-tcplb.log" && fail "the answering server changed state"
    python3 "$lib/conns.py" $port 50 --deadline 10 --release >"$work/s8-clients.out"
    local served
    served=$(json "$work/s8-clients.out" 'j["admitted"]')
    ((served == 50)) || fail "$served of 50 clients served after the silent server was taken out"
    settled $admin 5 "after the clients"
    FIG="silent server down after ${down_s} s by checks alone (interval 500ms, timeout 300ms, fall 3; 0 client connections); $served of 50 clients then served by the other"
}
