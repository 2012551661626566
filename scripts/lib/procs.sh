# shellcheck shell=bash
# Process bookkeeping shared by scripts/bench and scripts/chaos (sourced). Every process a script starts
# goes through spawn, so that stop_all (run by its EXIT trap) ends it by PID with the script's own
# stop_pid. Nothing is ever stopped by name: other programs of the same name may run on the machine.

PIDS=()
CLK_TCK=$(getconf CLK_TCK)

# spawn LOG CMD... — start CMD in the background; its PID in $spawned_pid.
spawn() {
    local log=$1
    shift
    "$@" >>"$log" 2>&1 &
    spawned_pid=$!
    PIDS+=("$spawned_pid")
}

# The fields of /proc/PID/stat after the command name (field 3 onwards), so
# that a name containing spaces cannot shift them.
stat_fields() {
    local stat
    { stat=$(<"/proc/$1/stat"); } 2>/dev/null || return 1
    echo "${stat##*) }"
}

# alive PID — true while PID runs; a zombie (exited, not yet reaped) is dead.
alive() {
    local fields
    fields=$(stat_fields "$1") || return 1
    [[ ${fields%% *} != Z ]]
}

# forget_pid PID — PID has been reaped; nothing left to stop.
forget_pid() {
    local rest=() p
    for p in "${PIDS[@]}"; do
        [[ $p == "$1" ]] || rest+=("$p")
    done
    PIDS=("${rest[@]+"${rest[@]}"}")
}

stop_all() {
    local i
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
        stop_pid "${PIDS[i]}"
    done
}

# others_cores BEFORE AFTER SECONDS — cores' worth of CPU the other processes
# used between two snapshots (processes that came and went in between are
# missed).
others_cores() {
    awk -v s="$3" -v hz="$CLK_TCK" 'FNR == NR { t0[$1] = $2; next }
        { total += $2 - ($1 in t0 ? t0[$1] : 0) }
        END { printf "%.2f", total / hz / s }' "$1" "$2"
}
