# shellcheck shell=bash
# Tool installation shared by the scripts that need Debian packages (sourced).

# install_missing TOOL:PACKAGE... — installs with apt-get (through sudo when not root) the PACKAGE of each
# TOOL that is missing; a TOOL starting with / is a file rather than a command. A policy-rc.d refuses
# service starts meanwhile, so that a package's own daemon (nginx on port 80) does not start: the scripts
# run their own instances. Ends the script when a package cannot be installed.
install_missing() {
    local need=() item tool sudo=() policy=/usr/sbin/policy-rc.d created_policy="" status=0 p
    for item in "$@"; do
        tool=${item%%:*}
        if [[ $tool == /* ]]; then
            [[ -e $tool ]] || need+=("${item#*:}")
        else
            command -v "$tool" >/dev/null || need+=("${item#*:}")
        fi
    done
    ((${#need[@]})) || return 0
    echo "$(basename "$0"): installing ${need[*]}" >&2
    [[ $EUID -eq 0 ]] || sudo=(sudo)
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
        "${sudo[@]}" chmod +x "$policy"
        created_policy=1
    fi
    export DEBIAN_FRONTEND=noninteractive
    # The package lists are refreshed only when the install fails without.
    { "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 ||
        { "${sudo[@]}" apt-get update -qq && "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; }; } ||
        status=$?
    [[ -z $created_policy ]] || "${sudo[@]}" rm -f "$policy"
    ((status == 0)) || { echo "$(basename "$0"): apt-get failed ($status)" >&2; exit 1; }
    for p in "${need[@]}"; do
        dpkg -s "$p" >/dev/null 2>&1 || { echo "$(basename "$0"): could not install $p" >&2; exit 1; }
    done
}
