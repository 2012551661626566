# shellcheck shell=bash
# Shared by the check scripts: sourced, not run.

# wait_for_port ADDR:PORT — until the port accepts a connection (at most 10 s); fails otherwise.
wait_for_port() {
    local _
    for _ in $(seq 1 100); do
        artifacts/tcplb --probe "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "$(basename "$0"): nothing accepts connections on $1" >&2
    return 1
}

# free_port — a loopback TCP port that was free a moment ago (for servers that others on the machine may also run).
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
