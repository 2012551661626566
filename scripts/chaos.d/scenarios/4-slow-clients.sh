# shellcheck shell=bash
# Scenario 4, slow and idle clients: with --idle-timeout 2s silent clients are closed between 1.9 and
# 3.0 s while clients trickling a byte a second are kept; without it, slow clients hold exactly their slab
# slices and about a slice of RSS each, and a normal client is neither failed nor delayed past 1 s.

# shellcheck disable=SC2034,SC2154 # names[] is read by scripts/chaos, which sources this and sets the rest
names[4]="slow and idle clients"

scenario_4() {
    local port=19400 admin=19490 hosts slow out rss0 rss1 slices active slice_kib per_conn n
    start_echo $((port + 1)) || return
    hosts=$(hosts_file s4 $((port + 1)))
    n=$((SLOW_SILENT + SLOW_TRICKLE))
    # With --idle-timeout 2s: silent clients closed at 2 s (the scan runs every 100 ms), trickling ones kept.
    start_tcplb s4-idle $port --hosts "$hosts" --admin 127.0.0.1:$admin --idle-timeout 2s || return
    out=$work/s4-idle.out
    python3 "$lib/slow.py" $port "$SLOW_SILENT" "$SLOW_TRICKLE" 5 >"$out"
    check_alive "$tcplb_pid"
    local sc smin smax tc nf p50 nmax
    sc=$(json "$out" 'j["silent_closed"]')
    smin=$(json "$out" 'j["silent_close_s_min"]')
    smax=$(json "$out" 'j["silent_close_s_max"]')
    tc=$(json "$out" 'j["trickle_closed"]')
    ((sc == SLOW_SILENT)) || fail "idle 2s: $((SLOW_SILENT - sc)) of $SLOW_SILENT silent clients not closed within 5 s"
    awk -v a="$smin" -v b="$smax" 'BEGIN { exit !(a >= 1.9 && b <= 3.0) }' || fail "idle 2s: silent clients closed after $smin-$smax s (bounds 1.9-3.0 s)"
    ((tc == 0)) || fail "idle 2s: $tc clients sending a byte a second were closed"
    nf=$(json "$out" 'j["normal_failed"]')
    ((nf == 0)) || fail "idle 2s: $nf normal requests failed"
    settled $admin 5 "idle 2s"
    stop_tcplb
    local fig_idle="idle-timeout 2s: $sc silent closed at $smin-$smax s, $SLOW_TRICKLE trickling kept"

    # Without an idle timeout: they stay, cost their slab slices, and do not slow a normal client.
    start_tcplb s4-none $port --hosts "$hosts" --admin 127.0.0.1:$admin || return
    out=$work/s4-none.out
    rss0=$(rss_kib "$tcplb_pid")
    spawn "$out" python3 "$lib/slow.py" $port "$SLOW_SILENT" "$SLOW_TRICKLE" "$SLOW_HOLD_S"
    slow=$spawned_pid
    wait_line "$out" ready 300 || { fail "slow clients did not start"; return; }
    sleep 2
    # One read for both: the normal client opens a connection every 100 ms meanwhile.
    read -r active slices < <(status_get $admin "s['connections']['active'], s['buffers']['slices_in_use'] - s['workers']" | tr -d '(),')
    slice_kib=$(($(status_get $admin "s['buffers']['slice_bytes']") / 1024))
    rss1=$(rss_kib "$tcplb_pid")
    wait "$slow" || fail "slow clients failed"
    forget_pid "$slow"
    check_alive "$tcplb_pid"
    sc=$(json "$out" 'j["silent_closed"]')
    tc=$(json "$out" 'j["trickle_closed"]')
    nf=$(json "$out" 'j["normal_failed"]')
    p50=$(json "$out" 'j["normal_ms_p50"]')
    nmax=$(json "$out" 'j["normal_ms_max"]')
    ((sc + tc == 0)) || fail "no idle timeout: $((sc + tc)) slow clients were closed"
    # The normal client may hold one more connection at the moment of the read, and one being released
    # may still hold its slice.
    ((active >= n && active <= n + 1 && slices >= active && slices <= active + 1)) || fail "no idle timeout: active $active, slices in use $slices beyond the listeners' with $n slow clients (expected $n or one more, as many slices)"
    per_conn=$(calc "int(($rss1 - $rss0) / $n * 10) / 10")
    awk -v p="$per_conn" -v s="$slice_kib" 'BEGIN { exit !(p <= s + 8) }' || fail "no idle timeout: $per_conn KiB of RSS per slow client (bound: a slice, $slice_kib KiB, + 8 KiB)"
    ((nf == 0)) || fail "no idle timeout: $nf normal requests failed"
    awk -v m="$nmax" 'BEGIN { exit !(m < 1000) }' || fail "no idle timeout: a normal request took $nmax ms (bound 1 s)"
    settled $admin 5 "no idle timeout"
    FIG="$fig_idle. none: $n held for ${SLOW_HOLD_S} s, $slices slices, RSS +$per_conn KiB each; normal client p50 $p50 ms, max $nmax ms, 0 failed"
}
