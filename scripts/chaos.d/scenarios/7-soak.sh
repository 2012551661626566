# shellcheck shell=bash
# Scenario 7, soak: 1000 paced keep-alive HTTP clients (wrk) plus an iperf3 bulk stream through one tcplb
# for minutes: RSS and descriptors flat after warm-up, zero HTTP errors, each load at its own server.

# shellcheck disable=SC2034,SC2154 # names[] is read by scripts/chaos, which sources this and sets the rest
names[7]="soak"

scenario_7() {
    local port=19700 admin=19790 web=19701 bulk=19702 hosts src="" x k wrk_pid iperf_pid iperf_srv t0 i r f
    start_echo $web --http --name web || return
    # One tcplb carries both loads: with --balance source-hash, wrk's connections from 127.0.0.1 all go to
    # the HTTP server, and the bulk stream from another loopback address to the iperf3 server. Which
    # address goes where is found by asking tcplb, with an echo server standing in for iperf3 (whose
    # server takes one test at a time and would take a probe for a broken test).
    for ((k = 0; k < 6; k++)); do
        [[ -z $src ]] || break
        start_echo $bulk || return
        local probe=$spawned_pid
        hosts=$(hosts_file s7 $web $bulk)
        start_tcplb s7 $port --hosts "$hosts" --admin 127.0.0.1:$admin --balance source-hash || return
        if [[ $(python3 "$lib/route.py" $port 127.0.0.1) == "127.0.0.1 http" ]]; then
            local sources=()
            for x in $(seq 2 40); do sources+=("127.0.0.$x"); done
            src=$(python3 "$lib/route.py" $port "${sources[@]}" | awk '$2 == "raw" { print $1; exit }')
        fi
        stop_pid "$probe"
        if [[ -z $src ]]; then
            stop_tcplb
            bulk=$((bulk + 1))
        fi
    done
    [[ -n $src ]] || { fail "found no client address routed to the bulk server"; return; }
    spawn "$work/s7-iperf3-server.log" iperf3 -s -p $bulk
    iperf_srv=$spawned_pid
    wait_listening $bulk "$iperf_srv" || { fail "iperf3 server did not start"; return; }
    # Warm-up counts toward the run but not toward flatness: thread pools grow and the 1000 connections'
    # slab slices are first touched then.
    spawn "$work/s7-wrk.out" timeout --foreground $((SOAK_S + 60)) wrk -t 2 -c 1000 -d "${SOAK_S}s" --timeout 5s \
        -s "$root/scripts/loadtest.d/paced.lua" "http://127.0.0.1:$port/test_endpoint" -- 1000 2 1000
    wrk_pid=$spawned_pid
    # The bulk stream: paced at 1 Gbit/s, so that the HTTP clients' latency still counts and other
    # work on the same two cores is not starved.
    spawn "$work/s7-iperf3.json" timeout --foreground $((SOAK_S + 60)) iperf3 -c 127.0.0.1 -p $port -B "$src" \
        -t $((SOAK_S - 2)) -b 1G -J
    iperf_pid=$spawned_pid
    t0=$(now)
    # Sampled from /proc only: a /metrics scrape allocates (its descriptor count lists /proc/self/fd, ~160 KB
    # at 2000 descriptors), and garbage raises RSS until the GC's first gen0 collection (~20 MiB here), which
    # would hide whether tcplb itself allocates per request.
    echo "t_s rss_kib fds" >"$work/s7-samples.txt"
    for ((i = 0; i <= SOAK_S / SOAK_SAMPLE_S + 2; i++)); do
        sleep_until "$t0" $((i * SOAK_SAMPLE_S + 1))
        alive "$wrk_pid" || break
        echo "$((i * SOAK_SAMPLE_S + 1)) $(rss_kib "$tcplb_pid") $(fd_count "$tcplb_pid")" >>"$work/s7-samples.txt"
    done
    wait "$wrk_pid" || fail "wrk exited non-zero"
    forget_pid "$wrk_pid"
    wait "$iperf_pid" || fail "iperf3 exited non-zero (see s7-iperf3.json)"
    forget_pid "$iperf_pid"
    check_alive "$tcplb_pid"

    r=$(grep '^result ' "$work/s7-wrk.out") || { fail "wrk printed no result"; return; }
    local requests errors p99 gbits
    requests=$(sed -n 's/.* requests=\([0-9]*\).*/\1/p' <<<"$r")
    errors=$(sed -n 's/.* errors=\([0-9]*\).*/\1/p' <<<"$r")
    p99=$(sed -n 's/.* p99_ms=\([0-9.]*\).*/\1/p' <<<"$r")
    gbits=$(python3 -c 'import json, sys; print(round(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e9, 2))' "$work/s7-iperf3.json" 2>/dev/null) || gbits="?"
    ((errors == 0)) || fail "$errors HTTP errors in the soak"
    ((requests >= SOAK_S * 1000 * 9 / 10)) || fail "$requests requests in ${SOAK_S} s, expected about $((SOAK_S * 1000))"
    [[ $gbits != "?" ]] || fail "no iperf3 result"
    # After warm-up: start, peak, end.
    local stats
    stats=$(awk -v w="$SOAK_WARMUP_S" 'NR > 1 && $1 >= w {
            if (!n++) { r0 = $2; f0 = $3 }
            if ($2 > rp) rp = $2; if ($3 > fp) fp = $3; r1 = $2; f1 = $3 }
        END { print r0 + 0, rp + 0, r1 + 0, f0 + 0, fp + 0, f1 + 0, n + 0 }' "$work/s7-samples.txt")
    local r0 rp r1 f0 fp f1 ns
    read -r r0 rp r1 f0 fp f1 ns <<<"$stats"
    ((ns >= 3)) || { fail "only $ns samples after warm-up"; return; }
    # Flat: the end within 5 % (at least 2 MiB) of the start after warm-up; descriptors within 10.
    local slack=$((r0 / 20 > 2048 ? r0 / 20 : 2048))
    ((r1 - r0 <= slack)) || fail "RSS grew from $(mib "$r0") to $(mib "$r1") MiB after warm-up (bound +$(mib $slack) MiB)"
    ((f1 - f0 <= 10 && fp - f0 <= 20)) || fail "descriptors went from $f0 to $f1 (peak $fp) after warm-up"
    # Both loads really went through tcplb, each to its own server.
    local web_total bulk_total
    web_total=$(status_get $admin "[x['total'] for x in s['servers'] if x['address'].endswith(':$web')][0]")
    bulk_total=$(status_get $admin "[x['total'] for x in s['servers'] if x['address'].endswith(':$bulk')][0]")
    ((web_total >= 1000 && bulk_total >= 2)) || fail "connections per server: web $web_total, bulk $bulk_total"
    settled $admin 10 "after the soak"
    FIG="${SOAK_S} s, $requests requests, $errors errors, p99 $p99 ms; bulk $gbits Gbit/s; RSS MiB start/peak/end $(mib "$r0")/$(mib "$rp")/$(mib "$r1"); fds $f0/$fp/$f1"
}
