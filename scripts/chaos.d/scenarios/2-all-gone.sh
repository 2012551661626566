# shellcheck shell=bash
# Scenario 2, all gone, then back: with every server down, held clients are closed at once, new clients
# are each closed at once (none hangs, none is answered) while tcplb's memory stays flat, and the first
# client after one server returns is served by it.

# shellcheck disable=SC2034,SC2154 # names[] is read by scripts/chaos, which sources this and sets the rest
names[2]="all gone, then back"

scenario_2() {
    local port=19200 admin=19290 b hosts held t_kill rss0 rss1 rss2 first code body t
    local -a echo_pid=()
    start_servers s2 $port 3 --http || return
    start_tcplb s2 $port --hosts "$hosts" --admin 127.0.0.1:$admin || return
    rss0=$(rss_kib "$tcplb_pid")
    # 30 keep-alive clients hold a connection each through the outage.
    spawn "$work/s2-held.out" python3 "$lib/outage.py" held $port 30
    held=$spawned_pid
    wait_line "$work/s2-held.out" ready 100 || { fail "held clients did not start"; return; }
    t_kill=$(now)
    for b in 1 2 3; do kill_now "${echo_pid[b]}"; done
    wait "$held" || fail "held clients failed"
    forget_pid "$held"
    local closed cut_ms
    closed=$(json "$work/s2-held.out" 'j["closed"]')
    cut_ms=$(json "$work/s2-held.out" "round((j['last_close_wall'] - $t_kill) * 1000) if j['last_close_wall'] else -1")
    ((closed == 30)) || fail "$((30 - closed)) of 30 held clients not closed within 20 s of the outage"
    ((cut_ms < 1000)) || fail "held clients closed ${cut_ms} ms after the outage (bound 1 s)"
    # New clients during the outage: each must be closed at once, never hang, and memory must stay flat.
    # Flat means after warm-up: every connection allocates ~2.6 KB of runtime socket objects, and RSS rises
    # until the GC's first collections (its gen0 budget is sized from the L3 cache; ~20 MiB on a 32 MiB
    # L3). So first windows of 5000 clients until RSS has stayed within 256 KiB for 3 windows in a row.
    local w stable=0 r prev warm=0 hung=0 served=0 p50 max
    prev=$(rss_kib "$tcplb_pid")
    for ((w = 0; w < 16 && stable < 3; w++)); do
        python3 "$lib/outage.py" fresh $port 5000 >"$work/s2-fresh-warm-$w.out"
        hung=$((hung + $(json "$work/s2-fresh-warm-$w.out" 'j["hung"]')))
        served=$((served + $(json "$work/s2-fresh-warm-$w.out" 'j["served"]')))
        warm=$((warm + 5000))
        r=$(rss_kib "$tcplb_pid")
        if ((r - prev <= 256)); then stable=$((stable + 1)); else stable=0; fi
        prev=$r
    done
    rss1=$r
    python3 "$lib/outage.py" fresh $port "$OUTAGE_TRIES" >"$work/s2-fresh.out"
    rss2=$(rss_kib "$tcplb_pid")
    check_alive "$tcplb_pid"
    hung=$((hung + $(json "$work/s2-fresh.out" 'j["hung"]')))
    served=$((served + $(json "$work/s2-fresh.out" 'j["served"]')))
    p50=$(json "$work/s2-fresh.out" 'j["close_ms_p50"]')
    max=$(json "$work/s2-fresh.out" 'j["close_ms_max"]')
    ((hung == 0)) || fail "$hung clients hung during the outage"
    ((served == 0)) || fail "$served clients were answered with every server down"
    awk -v m="$max" 'BEGIN { exit !(m < 1000) }' || fail "a client took $max ms to be closed (bound 1 s)"
    ((stable >= 3)) || fail "RSS still growing after $warm refused clients: $(mib "$rss0") -> $(mib "$rss1") MiB"
    ((rss2 - rss1 <= 1024)) || fail "RSS grew $(mib $((rss2 - rss1))) MiB over $OUTAGE_TRIES refused clients after warm-up (bound 1 MiB)"
    # One server returns: the very next client must be served by it.
    start_echo $((port + 2)) --http --name b2 || return
    t=$(now)
    body=$(curl -sS --max-time 5 "http://127.0.0.1:$port/test_endpoint" 2>>"$work/s2-first.log") || body=""
    first=$(calc "int(1000 * ($(now) - $t))")
    [[ $body == b2 ]] || fail "first client after a server returned got '$body', not b2's answer"
    settled $admin 5 "after the outage"
    FIG="held conns cut in ${cut_ms} ms; $((warm + OUTAGE_TRIES)) clients refused (close p50 $p50 ms, max $max ms), $hung hung; RSS start $(mib "$rss0"), after $warm $(mib "$rss1"), after $((warm + OUTAGE_TRIES)) $(mib "$rss2") MiB; first client after a server returned served in ${first} ms"
}
