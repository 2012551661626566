# shellcheck shell=bash
# Scenario 10, maxconn and its queue: one server with maxconn=2 and 20 clients arriving 50 ms apart, each
# holding its connection 0.3 s: the server never holds more than 2 at once, all 20 are served, first in
# first out, none times out, and every session and slab slice comes back. One worker process: the limit is
# the group's whatever the workers (tests/…/Cli/OneBalancerTests), but each worker keeps its own queue, first
# in first out within it, so the order of the whole is one worker's.

# shellcheck disable=SC2034,SC2154 # names[] is read by scripts/chaos, which sources this and sets the rest
names[10]="maxconn=2, 20 clients queued"

scenario_10() {
    local port=19900 admin=19990 server hosts n=20
    spawn "$work/s10-server.out" python3 "$lib/limits.py" server $((port + 1))
    server=$spawned_pid
    wait_line "$work/s10-server.out" ready 50 || { fail "server did not start"; return; }
    hosts=$work/s10.hosts
    echo "127.0.0.1:$((port + 1)) maxconn=2" >"$hosts"
    start_tcplb s10 $port --hosts "$hosts" --admin 127.0.0.1:$admin --queue-timeout 10s --access-log --workers 1 || return
    python3 "$lib/limits.py" queue $port $n 0.3 >"$work/s10-clients.out"
    local peak_queue timeouts
    timeouts=$(metric $admin tcplb_queue_timeouts_total)
    settled $admin 5 "after the clients"
    peak_queue=$(metric $admin tcplb_queue_length)
    stop_pid "$server"
    local served order most expected
    served=$(json "$work/s10-clients.out" 'len(j["served"])')
    order=$(json "$work/s10-server.out" '",".join(map(str, j["order"]))')
    most=$(json "$work/s10-server.out" 'j["most"]')
    expected=$(seq -s, 0 $((n - 1)))
    ((served == n)) || fail "$served of $n clients served (see s10-clients.out)"
    [[ $order == "$expected" ]] || fail "served out of order: $order"
    ((most <= 2)) || fail "the server held $most connections at once (maxconn 2)"
    ((timeouts == 0)) || fail "$timeouts clients timed out in the queue"
    ((peak_queue == 0)) || fail "queue length $peak_queue after the clients left"
    local secs
    secs=$(json "$work/s10-clients.out" 'j["seconds"]')
    FIG="$served of $n served in ${secs} s, first in first out; at most $most at once at the server; $timeouts queue timeouts; active 0 and 1 slice in use after"
}
