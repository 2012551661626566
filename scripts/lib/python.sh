# shellcheck shell=bash
# The python3 for the checks that read YAML (sourced).

# yaml_python — prints a python3 that imports PyYAML: the one on PATH, or Debian's; when neither does,
# installs Debian's python3-yaml (through sudo when not root) and prints /usr/bin/python3.
yaml_python() {
    local candidate sudo=()
    for candidate in python3 /usr/bin/python3; do
        if command -v "$candidate" >/dev/null && "$candidate" -c 'import yaml' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    echo "$(basename "$0"): installing python3-yaml" >&2
    [[ $EUID -eq 0 ]] || sudo=(sudo)
    # The package lists are refreshed only when the install fails without (a fresh machine has none).
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-yaml >/dev/null 2>&1 ||
        { "${sudo[@]}" apt-get update -qq &&
            "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-yaml >/dev/null; }
    echo /usr/bin/python3
}
