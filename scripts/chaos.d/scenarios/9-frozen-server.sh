# shellcheck shell=bash
# Scenario 9, a server frozen with SIGSTOP: its kernel still accepts connects, so only a send/expect
# check sees it. It must be marked down after about fall x interval, and up again within about
# rise x interval of SIGCONT (each bound with the ±10% jitter, the check timeout, the 100 ms tick and
# 0.3 s for a machine that others load too).

# shellcheck disable=SC2034,SC2154 # names[] is read by scripts/chaos, which sources this and sets the rest
names[9]="frozen server (SIGSTOP)"

# s9_wait_for FILE TEXT — seconds until FILE has a line containing TEXT (polled every 20 ms, 20 s at most); -1 if never.
s9_wait_for() {
    local t0 i
    t0=$(now)
    for ((i = 0; i < 1000; i++)); do
        if grep -qF "$2" "$1"; then
            elapsed "$t0"
            return
        fi
        sleep 0.02
    done
    echo -1
}

scenario_9() {
    local port=19850 admin=19895 hosts frozen interval=0.5 timeout=0.3 fall=3 rise=2 down_s up_s
    start_echo $((port + 1)) || return
    frozen=$spawned_pid
    start_echo $((port + 2)) || return
    hosts=$(hosts_file s9 $((port + 1)) $((port + 2)))
    start_tcplb s9 $port --hosts "$hosts" --admin 127.0.0.1:$admin --workers 1 --check-interval 500ms --check-timeout 300ms \
        --check-send 'PING\r\n' --check-expect 'PING' --check-fall $fall --check-rise $rise || return
    sleep 1.5 # a few passing checks first
    kill -STOP "$frozen"
    down_s=$(s9_wait_for "$work/s9-tcplb.log" "msg=\"server down\" server=127.0.0.1:$((port + 1)) reason=check detail=timeout")
    kill -CONT "$frozen"
    up_s=$(s9_wait_for "$work/s9-tcplb.log" "msg=\"server up\" server=127.0.0.1:$((port + 1)) reason=check")
    local down_max up_max
    # Down: the first failing check may start just before the freeze, so at most fall intervals (+10%), plus
    # the last check's timeout and a tick. Up: at most rise intervals (+10%) plus a tick. Each + 0.3 s of slack.
    down_max=$(calc "$fall * $interval * 1.1 + $timeout + 0.1 + 0.3")
    up_max=$(calc "$rise * $interval * 1.1 + 0.1 + 0.3")
    awk -v d="$down_s" -v m="$down_max" 'BEGIN { exit !(d >= 0 && d <= m) }' || fail "marked down after $down_s s (bound $down_max s)"
    awk -v u="$up_s" -v m="$up_max" 'BEGIN { exit !(u >= 0 && u <= m) }' || fail "marked up $up_s s after SIGCONT (bound $up_max s)"
    check_alive "$tcplb_pid"
    settled $admin 5 "after the freeze"
    FIG="interval ${interval}s, timeout ${timeout}s, fall $fall, rise $rise: down ${down_s} s after SIGSTOP (bound $down_max), up ${up_s} s after SIGCONT (bound $up_max)"
}
