# shellcheck shell=bash
# Scenario 11, the per-client limit: one address opening twice its limit has the extra connections reset
# at once, while another address (127.0.0.2) is served in full; the refusals are counted once for the group
# and logged once by each worker process that refused some.

# shellcheck disable=SC2034,SC2154 # names[] is read by scripts/chaos, which sources this and sets the rest
names[11]="client over its limit"

scenario_11() {
    local port=19950 admin=19996 hosts limit=5 greedy other
    start_echo $((port + 1)) || return
    hosts=$(hosts_file s11 $((port + 1)))
    start_tcplb s11 $port --hosts "$hosts" --admin 127.0.0.1:$admin --max-conns-per-client $limit || return
    spawn "$work/s11-greedy.out" python3 "$lib/limits.py" hold 127.0.0.1 $port $((2 * limit)) 2
    greedy=$spawned_pid
    sleep 0.5
    python3 "$lib/limits.py" hold 127.0.0.2 $port $limit 0.5 >"$work/s11-other.out"
    wait "$greedy" || fail "the greedy client failed"
    forget_pid "$greedy"
    local g_served g_reset o_served rejected lines workers
    g_served=$(json "$work/s11-greedy.out" 'len(j["served"])')
    g_reset=$(json "$work/s11-greedy.out" 'j["reset"]')
    o_served=$(json "$work/s11-other.out" 'len(j["served"])')
    rejected=$(metric $admin tcplb_client_limit_rejected_total)
    lines=$(grep -c 'client over its connection limit' "$work/s11-tcplb.log" || true)
    workers=$(sed -n 's/.*msg=listening .*workers=\([0-9]*\).*/\1/p' "$work/s11-tcplb.log" | head -n 1)
    ((g_served == limit && g_reset == limit)) || fail "127.0.0.1: $g_served served, $g_reset reset (want $limit and $limit)"
    ((o_served == limit)) || fail "127.0.0.2: $o_served of $limit served"
    ((rejected == limit)) || fail "tcplb_client_limit_rejected_total $rejected (want $limit)"
    ((lines >= 1 && lines <= ${workers:-1})) || fail "$lines log lines for the refusals (want 1 per worker per 10 s, ${workers:-1} workers)"
    settled $admin 5 "after the clients"
    FIG="limit $limit: 127.0.0.1 opened $((2 * limit)), $g_served served, $g_reset reset; 127.0.0.2 $o_served of $limit served; $rejected counted, $lines log line(s) from ${workers:-1} workers"
}
