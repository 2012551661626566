# shellcheck shell=bash
# Shared by the failover check scripts (sourced): time in milliseconds, and whether every worker process of
# tcplb has logged an event.

now_ms() { date +%s%3N; }

# logged LOG TEXT — true when tcplb has logged a line holding TEXT. Health is the group's (one checker, one
# shared table), so the one line means every worker process sees the change.
logged() {
    grep -qF -- "$2" "$1"
}
