# shellcheck shell=bash
# Scenario 1, backend chaos: with one of three servers always alive, no client sees a failed new
# connection. 3 HTTP echo servers; hey through tcplb (200 keep-alive workers and 50 opening a connection
# per request, all at 5 requests/s each), while one server is SIGKILLed every 5 s and restarted 2 s later.
# Verdict: 0 failed new connections (hey's dial errors plus tcplb's rejected count), no bad status or
# timeout, under 0.1 % of requests cut mid-flight (the requests on a killed server's live connections).

# shellcheck disable=SC2034,SC2154 # names[] is read by scripts/chaos, which sources this and sets the rest
names[1]="backend chaos"

scenario_1() {
    local port=19100 admin=19190 b kills k start url hosts rej0 rej1 ka cl live severed=0
    local -a echo_pid=()
    start_servers s1 $port 3 --http || return
    start_tcplb s1 $port --hosts "$hosts" --admin 127.0.0.1:$admin --access-log || return
    rej0=$(metric $admin tcplb_connections_rejected_total)
    url=http://127.0.0.1:$port/test_endpoint
    # 200 keep-alive workers at 5 requests/s each, plus 50 workers opening a new connection per request,
    # so that failed new connections show cleanly (keep-alive reuse hides them).
    spawn "$work/s1-hey-keepalive.out" timeout --foreground $((CHAOS_S + 30)) hey -z "${CHAOS_S}s" -c 200 -q 5 -t 5 "$url"
    ka=$spawned_pid
    spawn "$work/s1-hey-close.out" timeout --foreground $((CHAOS_S + 30)) hey -z "${CHAOS_S}s" -c 50 -q 5 -t 5 -disable-keepalive "$url"
    cl=$spawned_pid
    start=$(now)
    kills=$(((CHAOS_S - 3) / 5))
    for ((k = 0; k < kills; k++)); do
        b=$((k % 3 + 1))
        sleep_until "$start" $((5 * k + 2))
        # The connections that server holds now are the ones its death cuts.
        live=$(status_get $admin "[x['active'] for x in s['servers'] if x['address'].endswith(':$((port + b))')][0]") || live=0
        severed=$((severed + live))
        kill_now "${echo_pid[b]}"
        echo "$(date +%T.%N) killed b$b" >>"$work/s1-chaos.log"
        sleep 2
        start_echo $((port + b)) --http --name "b$b" || return
        echo_pid[b]=$spawned_pid
        echo "$(date +%T.%N) restarted b$b" >>"$work/s1-chaos.log"
    done
    wait "$ka" || fail "hey (keep-alive) exited non-zero"
    forget_pid "$ka"
    wait "$cl" || fail "hey (new connections) exited non-zero"
    forget_pid "$cl"
    check_alive "$tcplb_pid"
    rej1=$(metric $admin tcplb_connections_rejected_total)

    local -A s
    local line f total=0 cut=0 newfail=0 bad=0
    for f in keepalive close; do
        line=$("$lib/hey_summary.py" "$work/s1-hey-$f.out" 2>>"$work/s1-hey-other.log")
        echo "$f: $line" >>"$work/s1-summary.log"
        for kv in $line; do s[$f.${kv%%=*}]=${kv#*=}; done
        total=$((total + s[$f.ok] + s[$f.non200] + s[$f.refused] + s[$f.midflight] + s[$f.timeout] + s[$f.other]))
        cut=$((cut + s[$f.midflight]))
        newfail=$((newfail + s[$f.refused]))
        bad=$((bad + s[$f.non200] + s[$f.timeout] + s[$f.other]))
    done
    newfail=$((newfail + rej1 - rej0))
    # Clients whose connect failed on a dead server and went on to another (the access log's tries).
    local retried
    retried=$(grep -cE 'tries=[2-9]' "$work/s1-tcplb.log" || true)
    ((total > 0)) || fail "no requests were made"
    ((newfail == 0)) || fail "$newfail new connections failed (refused by or rejected at tcplb)"
    ((bad == 0)) || fail "$bad requests failed otherwise (status, timeout; see s1-summary.log)"
    local pct
    pct=$(calc "$total ? 100 * $cut / $total : 0")
    awk -v p="$pct" 'BEGIN { exit !(p < 0.1) }' || fail "$pct % of requests cut mid-flight (bound 0.1 %)"
    settled $admin 5 "after the chaos"
    FIG="$total requests; $kills kills cut $severed live connections; $retried connects retried on another server; $newfail new-conn failures; $cut requests cut mid-flight ($(printf '%.3f' "$pct") %; keep-alive ${s[keepalive.midflight]}, new-conn ${s[close.midflight]})"
}
