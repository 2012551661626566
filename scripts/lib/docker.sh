# shellcheck shell=bash
# The Docker engine for scripts/image and the container checks (sourced). Where no engine answers and we
# are root, dockerd is started in the background; the script that started it stops it again by its PID.

engine_answers() { docker info >/dev/null 2>&1; }

# lock_engine — takes /tmp/tcplb-docker.lock for the rest of the script, waiting up to 15 minutes for whoever
# holds it: the scripts (and people, with `flock /tmp/tcplb-docker.lock COMMAND`) use the engine one at a time,
# so that none stops a dockerd that another still uses, nor starts a second one. A script started by one that
# holds the lock (container-smoke runs scripts/image) holds it already.
lock_engine() {
    [[ -z ${TCPLB_DOCKER_LOCKED:-} ]] || return 0
    exec {engine_lock}>>/tmp/tcplb-docker.lock
    if ! flock -w 900 "$engine_lock"; then
        echo "$(basename "$0"): the Docker engine is still in use by another script after 15 minutes (/tmp/tcplb-docker.lock)" >&2
        return 1
    fi
    export TCPLB_DOCKER_LOCKED=1
}

# start_engine — starts dockerd when no engine answers (call lock_engine first); prints its PID, or nothing when an engine was
# already running. Fails when none can be started.
start_engine() {
    if engine_answers; then
        return 0
    fi
    local me logfile pid
    me=$(basename "$0")
    if [[ $EUID -ne 0 ]] || ! command -v dockerd >/dev/null; then
        echo "$me: no Docker engine answers, and dockerd cannot be started here (needs root and dockerd)" >&2
        return 1
    fi
    logfile="${TMPDIR:-/tmp}/tcplb-dockerd.log"
    # setsid: the daemon outlives this function's subshell and does not hold its stdout open, nor the lock.
    (
        [[ -z ${engine_lock:-} ]] || exec {engine_lock}>&-
        exec setsid dockerd >"$logfile" 2>&1 </dev/null
    ) &
    pid=$!
    for _ in $(seq 60); do
        if engine_answers; then
            echo "$me: started dockerd (pid $pid, log $logfile)" >&2
            echo "$pid"
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    echo "$me: dockerd did not come up; last lines of $logfile:" >&2
    tail -n 15 "$logfile" >&2
    stop_engine "$pid"
    return 1
}

# stop_engine PID — SIGTERM to the dockerd that start_engine started, up to 30 s, then SIGKILL. An empty
# PID (the engine was running before) does nothing.
stop_engine() {
    local pid=$1 me
    [[ -n $pid ]] || return 0
    me=$(basename "$0")
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq 60); do
        kill -0 "$pid" 2>/dev/null || { echo "$me: stopped dockerd (pid $pid)" >&2; return 0; }
        sleep 0.5
    done
    echo "$me: dockerd (pid $pid) still running after 30 s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
}

# port_free PORT — true when nothing listens on TCP PORT.
port_free() { ! ss -Hltn "sport = :$1" | grep -q .; }
