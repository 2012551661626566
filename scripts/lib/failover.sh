# shellcheck shell=bash
# Shared by the failover check scripts (sourced): time in milliseconds, and whether every worker process of
# tcplb has logged an event.

now_ms() { date +%s%3N; }

# logged_by_every_worker LOG TEXT — true when every worker process has logged a line holding TEXT: as many
# such lines as the workers=N of the "listening" line, or one line without worker= (one process, or one
# checker for the group).
logged_by_every_worker() {
    local workers lines
    workers=$(sed -n 's/.*msg=listening .*workers=\([0-9]*\).*/\1/p' "$1" | head -n 1)
    lines=$(grep -F -- "$2" "$1" || true)
    [[ -n $lines ]] || return 1
    grep -q -v ' worker=' <<<"$lines" && return 0
    (($(wc -l <<<"$lines") >= ${workers:-1}))
}
