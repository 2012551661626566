# shellcheck shell=bash
# shellcheck disable=SC2154 # stack, port, work, summary...: set by scripts/swarm-smoke
# scripts/swarm-smoke, scenario 4: a rolling restart of tcplb itself behind a front balancer (sourced).
#
# One node cannot run two tasks of a global service on one host port, so two nodes are stood in for by two
# stacks of deploy/swarm/stack.yml, each publishing its own ports (tcplb and its admin endpoint). HAProxy
# (Debian's package, on the host) plays the network or cloud load balancer in front: it checks each tcplb's
# /healthz every 200 ms (down after 1 failure, up after 2 successes) and, like most cloud TCP balancers,
# does not redispatch a refused connection to the other node. The load loop goes through HAProxy while
# tcplb is updated one "node" at a time (`docker service update --force`, stop-first):
#   - with the stack's --shutdown-delay: no request may fail;
#   - without it (the same roll after `--args` without the delay): the failures are shown as a figure.
# Uses from scripts/swarm-smoke: $stack, $stack_file, $port, $work, say, fail, now, since, field, start_load,
# stop_load, remove_stack, wait_servers.

# shellcheck source=scripts/lib/packages.sh
source scripts/lib/packages.sh

stack_b=$stack-b
port_b=$((port + 2))             # tcplb of the second stack; each stack's admin port is its port + 1
front_port=$((port + 4))         # HAProxy
front_stats_port=$((port + 5))   # HAProxy's statistics, read for the state of its servers
front_pid=
deployed_b=

# stop_front — ends the HAProxy this scenario started (by its PID) and removes the second stack.
stop_front() {
    if [[ -n $front_pid ]]; then
        kill -TERM "$front_pid" 2>/dev/null || true
        wait "$front_pid" 2>/dev/null || true
        front_pid=
    fi
    [[ -z $deployed_b ]] || remove_stack "$stack_b"
}

start_front() {
    cat >"$work/haproxy.cfg" <<EOF
global
    maxconn 1000
defaults
    mode tcp
    timeout connect 2s
    timeout client 10s
    timeout server 10s
backend tcplb
    option httpchk GET /healthz
    default-server inter 200ms fall 1 rise 2
    server a 127.0.0.1:$port check port $((port + 1))
    server b 127.0.0.1:$port_b check port $((port_b + 1))
frontend clients
    bind 127.0.0.1:$front_port
    default_backend tcplb
listen stats
    mode http
    bind 127.0.0.1:$front_stats_port
    stats enable
    stats uri /
EOF
    haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
    front_pid=$!
}

# front_status SERVER — HAProxy's state of server a or b (UP, DOWN, ...), empty when it cannot be read.
front_status() {
    curl -sS --max-time 2 "http://127.0.0.1:$front_stats_port/;csv" 2>/dev/null |
        awk -F, -v s="$1" '$1 == "tcplb" && $2 == s { print $18 }' || true
}

# wait_front_up SERVER SECONDS — until HAProxy sees the server up.
wait_front_up() {
    local i
    for ((i = 0; i < $2 * 4; i++)); do
        [[ $(front_status "$1") == UP* ]] && return 0
        sleep 0.25
    done
    return 1
}

# update_tcplb STACK SERVER [docker service update options...] — updates the stack's tcplb and waits until
# the front sees its new task up, before the next node goes (Swarm's own `delay` between nodes).
update_tcplb() {
    local name=$1 server=$2
    shift 2
    timeout 150 docker service update "$@" "${name}_tcplb" >"$work/update.out" 2>&1 ||
        { cat "$work/update.out" >&2; fail "docker service update $* ${name}_tcplb failed"; }
    wait_front_up "$server" 30 || fail "HAProxy does not see the new tcplb of $name up 30 s after its update"
}

# roll_under_load — both tcplb tasks restarted in turn while the load goes through HAProxy; the loop's
# summary in $summary, the roll's duration in $roll_s.
roll_under_load() {
    local start
    start_load "$front_port"
    start=$(now)
    update_tcplb "$stack" a --force
    update_tcplb "$stack_b" b --force
    roll_s=$(since "$start")
    sleep 1
    stop_load
}

# args_without_delay STACK — the stack's tcplb arguments without --shutdown-delay and its value.
args_without_delay() {
    docker service inspect -f '{{range .Spec.TaskTemplate.ContainerSpec.Args}}{{.}} {{end}}' "${1}_tcplb" |
        sed 's/--shutdown-delay [^ ]* //'
}

roll_tcplb_scenario() {
    local start delay failed total
    install_missing haproxy:haproxy
    for p in "$port_b" $((port_b + 1)) "$front_port" "$front_stats_port"; do
        port_free "$p" || fail "port $p is in use"
    done
    delay=$(sed -n 's/.*"--shutdown-delay", "\([^"]*\)".*/\1/p' "$stack_file")
    [[ -n $delay ]] || fail "$stack_file gives tcplb no --shutdown-delay"

    start=$(now)
    deployed_b=1
    TCPLB_PORT=$port_b TCPLB_ADMIN_PORT=$((port_b + 1)) TCPLB_HOSTS_CONFIG=$stack_b-hosts \
        docker stack deploy --resolve-image never -c "$stack_file" "$stack_b" >"$work/deploy.out" 2>&1 ||
        { cat "$work/deploy.out" >&2; fail "docker stack deploy of the second stack failed"; }
    wait_servers 3 90 "$stack_b" >/dev/null || fail "the second stack's tcplb does not list 3 servers up"
    start_front
    if ! wait_front_up a 90 || ! wait_front_up b 90; then
        cat "$work/haproxy.log" >&2
        fail "HAProxy does not see both tcplb tasks up"
    fi
    say "ok: second stack ($stack_b, port $port_b) deployed: its tcplb lists 3 servers and HAProxy (port $front_port) sees both tcplb up on /healthz $(since "$start") s later"

    roll_under_load
    failed=$(field failed "$summary")
    total=$(($(field ok "$summary") + failed))
    say "tcplb rolling restart (2 nodes, stop-first, --shutdown-delay $delay) through HAProxy in ${roll_s} s: $summary"
    ((total > 0)) || fail "no request went through HAProxy"
    [[ $failed == 0 ]] || fail "$failed of $total requests failed while tcplb restarted with --shutdown-delay $delay"
    say "ok: no failed request of $total while both tcplb tasks restarted in turn"

    # The delay is taken away without load: the tasks it replaces still stop with it.
    update_tcplb "$stack" a --args "$(args_without_delay "$stack")"
    update_tcplb "$stack_b" b --args "$(args_without_delay "$stack_b")"
    roll_under_load
    failed=$(field failed "$summary")
    total=$(($(field ok "$summary") + failed))
    say "figure: without --shutdown-delay, $failed of $total requests failed in a roll of ${roll_s} s ($summary)"
}
