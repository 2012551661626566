# shellcheck shell=bash
# shellcheck disable=SC2034 # the tables and CMD are read by scripts/bench
# Backends and targets of scripts/bench (sourced).
#
# A target is what the load generator talks to. `direct` is the backend
# itself; the others are proxies started fresh for each measurement with a
# config written here. Each target's command line is built by target_cmd, so
# the same command serves a measurement and the start-up timing.
#
# Backend sets: "http" = the two nginx backends (the proxies balance across
# them; `direct` talks to the first), "iperf" = the iperf3 server alone
# (iperf3's control and data connections must all reach the same server).

BACKEND1_PORT=18080
BACKEND2_PORT=18081
IPERF_PORT=15201
NGINX_STREAM_MODULE=/usr/lib/nginx/modules/ngx_stream_module.so

# Every target, in report order (proxies listen on 17000 + their index), and those run by default.
ALL_TARGETS=(direct)
DEFAULT_TARGETS=(direct)
declare -A TCPLB_ENV TCPLB_ARGS TARGET_NOTE=(
    [direct]="the backend itself (first nginx backend; iperf3 server for bulk)"
)

# tcplb_variant NAME default|extra ENV ARGS [WHY] — a target running artifacts/tcplb with the environment
# ENV (NAME=VALUE words) and the extra arguments ARGS; `extra` ones run only when named by --only or --add.
tcplb_variant() {
    local name=$1 runs=$2 env=$3 args=$4 why=${5:-}
    ALL_TARGETS+=("$name")
    [[ $runs == extra ]] || DEFAULT_TARGETS+=("$name")
    TCPLB_ENV[$name]=$env
    TCPLB_ARGS[$name]=$args
    local shown=$env
    ((${#env} <= 80)) || shown="${env%%=*}=… (${#env} characters)"
    TARGET_NOTE[$name]="artifacts/tcplb${args:+ $args}${env:+ with $shown}${why:+ ($why)}"
    [[ -n $args$env ]] || TARGET_NOTE[$name]+=", defaults"
}

# The tcplb variants: a new one is one more line here.
#             name             runs    environment                                    arguments             why
tcplb_variant tcplb            default ""                                             ""
tcplb_variant tcplb-threadpool extra   DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0 ""                    "socket completions dispatched to the thread pool"
tcplb_variant tcplb-1proc      extra   ""                                             "--workers 1"         "one process, an engine thread per core"
tcplb_variant tcplb-1engine    extra   DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT=1       "--workers 1"         "one process, one socket engine thread"
tcplb_variant tcplb-16k        extra   ""                                             "--buffer-size 16384"
tcplb_variant tcplb-accesslog  extra   ""                                             "--access-log"        "one line per connection to the log file"
tcplb_variant tcplb-baseline   extra   ""                                             ""                    "the build in TCPLB_BASELINE_BIN: before and after a change, side by side"
# 10,000 /32s that are not the load generator's, given by the variable (an argument that long is near the kernel's limit).
deny10k=$(python3 -c 'print(",".join(f"11.{i >> 8}.{i & 255}.1" for i in range(10000)))')
tcplb_variant tcplb-deny10k    extra   "TCPLB_DENY=$deny10k"                          ""                    "--deny with 10,000 prefixes, none of them the client's"
tcplb_variant tcplb-acceptproxy extra  ""                                             "--accept-proxy 10.0.0.0/8" "front balancers listed, the client not among them"
tcplb_variant tcplb-rate       extra   ""                                             "--max-conn-rate-per-client 1000000" "every accept judged by the shared rate table, none refused"

ALL_TARGETS+=(haproxy1 haproxy2 haproxy2-splice nginx-stream1 nginx-stream-auto nginx-http)
DEFAULT_TARGETS+=(haproxy1 haproxy2 haproxy2-splice nginx-stream1 nginx-stream-auto nginx-http)
TARGET_NOTE+=(
    [haproxy1]="HAProxy mode tcp, nbthread 1"
    [haproxy2]="HAProxy mode tcp, nbthread 2"
    [haproxy2-splice]="HAProxy mode tcp, nbthread 2, option splice-auto (splice(2) moves the bytes when worthwhile)"
    [nginx-stream1]="nginx stream proxy_pass, worker_processes 1"
    [nginx-stream-auto]="nginx stream proxy_pass, worker_processes auto"
    [nginx-http]="nginx http: upstream block + location / { proxy_pass http://backend; }, worker_processes auto"
)

# Targets that run by default in these workloads only (elsewhere when named by --only or --add): splicing
# changes nothing for small requests, so HAProxy with splice-auto is a bulk target.
declare -A DEFAULT_WORKLOADS=([haproxy2-splice]=bulk)

# tcplb_binary NAME — the executable a tcplb target runs.
tcplb_binary() {
    if [[ $1 == tcplb-baseline ]]; then echo "$TCPLB_BASELINE_BIN"; else echo "$TCPLB_BIN"; fi
}

# targets_usage — the targets, for --help.
targets_usage() {
    local t extra=()
    for t in "${ALL_TARGETS[@]}"; do
        [[ " ${DEFAULT_TARGETS[*]} " == *" $t "* ]] || extra+=("$t")
    done
    echo "Targets: ${ALL_TARGETS[*]}" | fold -s -w 110 | sed 's/ $//; 2,$s/^/         /'
    echo "Not run by default: ${extra[*]}."
    for t in "${!DEFAULT_WORKLOADS[@]}"; do
        echo "By default $t runs in ${DEFAULT_WORKLOADS[$t]} only."
    done
}

target_port() {
    local name=$1 i
    [[ $name == direct ]] && { echo "$BACKEND1_PORT"; return; }
    for i in "${!ALL_TARGETS[@]}"; do
        [[ ${ALL_TARGETS[i]} == "$name" ]] && { echo $((17000 + i)); return; }
    done
    return 1
}

# direct_port SET — where `direct` sends the load for a backend set.
direct_port() {
    [[ $1 == iperf ]] && echo "$IPERF_PORT" || echo "$BACKEND1_PORT"
}

# runs_in WORKLOAD NAME — whether target NAME takes part in WORKLOAD: an HTTP proxy cannot carry bulk
# traffic, direct has no footprint of its own nor a proxy to pin, and a target of DEFAULT_WORKLOADS runs
# elsewhere only when named (NAMED_TARGETS, from --only and --add).
runs_in() {
    case $1/$2 in
        bulk/nginx-http | footprint/direct | scaling/direct) return 1 ;;
    esac
    local only=${DEFAULT_WORKLOADS[$2]:-}
    [[ -z $only || " $only " == *" $1 "* || " ${NAMED_TARGETS[*]} " == *" $2 "* ]]
}

# upstream_addrs SET — the backend addresses of a set, one per line.
upstream_addrs() {
    if [[ $1 == iperf ]]; then
        echo "127.0.0.1:$IPERF_PORT"
    else
        printf '127.0.0.1:%s\n' "$BACKEND1_PORT" "$BACKEND2_PORT"
    fi
}

# Lines shared by every nginx config: files under its own prefix, no access
# log, enough descriptors for 1,000 clients plus their upstreams (the stock
# worker_connections 512 cannot), and the process kept in the foreground so
# that its PID is the one spawn saw.
nginx_common() {
    local prefix=$1 workers=$2 errors=${3:-$1/error.log}
    cat <<EOF
daemon off;
master_process on;
worker_processes $workers;
worker_rlimit_nofile 20000;
pid $prefix/nginx.pid;
error_log $errors warn;
events { worker_connections 19000; }
EOF
}

nginx_http_temp_paths() {
    local prefix=$1
    cat <<EOF
    client_body_temp_path $prefix/client_body;
    proxy_temp_path $prefix/proxy;
    fastcgi_temp_path $prefix/fastcgi;
    uwsgi_temp_path $prefix/uwsgi;
    scgi_temp_path $prefix/scgi;
EOF
}

# write_backend_conf PREFIX PORT ERROR_LOG — the backend: one worker answering 200 "ok"
# with keep-alive; keepalive_requests raised so that it does not close every
# connection after 1,000 requests.
write_backend_conf() {
    local prefix=$1 port=$2 errors=$3
    mkdir -p "$prefix"
    {
        nginx_common "$prefix" 1 "$errors"
        cat <<EOF
http {
    access_log off;
$(nginx_http_temp_paths "$prefix")
    keepalive_requests 1000000;
    keepalive_timeout 300s;
    server {
        listen 127.0.0.1:$port backlog=4096;
        location / { return 200 "ok\n"; }
    }
}
EOF
    } >"$prefix/nginx.conf"
}

write_nginx_stream_conf() {
    local prefix=$1 port=$2 workers=$3 set=$4
    mkdir -p "$prefix"
    {
        echo "load_module $NGINX_STREAM_MODULE;"
        nginx_common "$prefix" "$workers"
        echo "stream {"
        echo "    upstream backend {"
        upstream_addrs "$set" | sed 's/^/        server /; s/$/;/'
        echo "    }"
        echo "    server { listen 127.0.0.1:$port backlog=4096; proxy_pass backend; }"
        echo "}"
    } >"$prefix/nginx.conf"
}

# The HTTP proxy as a user would write it: a plain upstream block and
# `location / { proxy_pass http://backend; }`, so no upstream keep-alive
# (each request opens a new connection to a backend). Only what the machine
# needs is added: descriptors, temp paths, no access log.
write_nginx_http_conf() {
    local prefix=$1 port=$2 set=$3
    mkdir -p "$prefix"
    {
        nginx_common "$prefix" auto
        echo "http {"
        echo "    access_log off;"
        nginx_http_temp_paths "$prefix"
        echo "    upstream backend {"
        upstream_addrs "$set" | sed 's/^/        server /; s/$/;/'
        echo "    }"
        echo "    server {"
        echo "        listen 127.0.0.1:$port backlog=4096;"
        echo "        location / { proxy_pass http://backend; }"
        echo "    }"
        echo "}"
    } >"$prefix/nginx.conf"
}

# write_haproxy_cfg FILE PORT THREADS SET [splice] — HAProxy in mode tcp. maxconn leaves room under the
# 20,000 descriptors a process may open here: two sockets per connection plus HAProxy's own. With splice,
# `option splice-auto`, and room for the pipes it needs too (two descriptors each; HAProxy refuses to
# start when maxconn and maxpipes together exceed the limit).
write_haproxy_cfg() {
    local file=$1 port=$2 threads=$3 set=$4 splice=${5:-} i=0 addr maxconn=9900
    [[ -z $splice ]] || maxconn=9500
    {
        cat <<EOF
global
    nbthread $threads
    maxconn $maxconn
${splice:+    maxpipes 200
}defaults
    mode tcp
    maxconn $maxconn
    timeout connect 5s
    timeout client 10m
    timeout server 10m
${splice:+    option splice-auto
}frontend bench
    bind 127.0.0.1:$port
    default_backend servers
backend servers
    balance roundrobin
EOF
        while read -r addr; do
            i=$((i + 1))
            echo "    server s$i $addr"
        done < <(upstream_addrs "$set")
    } >"$file"
}

# target_cmd NAME SET DIR — the command that runs proxy NAME for backend set
# SET, its files under DIR, into the array CMD (empty for direct).
target_cmd() {
    local name=$1 set=$2 dir=$3 port
    port=$(target_port "$name")
    CMD=()
    mkdir -p "$dir"
    case $name in
        direct) ;;
        tcplb*)
            upstream_addrs "$set" >"$dir/hosts"
            # shellcheck disable=SC2206 # ENV and ARGS are space-separated words
            CMD=(env ${TCPLB_ENV[$name]} "$(tcplb_binary "$name")" "$port" --hosts "$dir/hosts" ${TCPLB_ARGS[$name]})
            ;;
        haproxy*)
            local threads=${name#haproxy} splice=""
            [[ $name != *-splice ]] || splice=splice
            write_haproxy_cfg "$dir/haproxy.cfg" "$port" "${threads%%-*}" "$set" "$splice"
            CMD=(haproxy -db -f "$dir/haproxy.cfg")
            ;;
        nginx-stream1 | nginx-stream-auto)
            local workers=1
            [[ $name == nginx-stream-auto ]] && workers=auto
            write_nginx_stream_conf "$dir" "$port" "$workers" "$set"
            CMD=(nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log")
            ;;
        nginx-http)
            write_nginx_http_conf "$dir" "$port" "$set"
            CMD=(nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log")
            ;;
        *)
            echo "unknown target: $name" >&2
            return 2
            ;;
    esac
}

# binary_bytes NAME — the size of what must be installed to run the target:
# the executable (plus the stream module for nginx stream). Shared libraries
# of the distribution are not counted.
binary_bytes() {
    case $1 in
        tcplb*) stat -c %s "$(tcplb_binary "$name")" ;;
        haproxy*) stat -c %s "$(command -v haproxy)" ;;
        nginx-stream*) echo $(($(stat -c %s "$(command -v nginx)") + $(stat -c %s "$NGINX_STREAM_MODULE"))) ;;
        nginx-http) stat -c %s "$(command -v nginx)" ;;
    esac
}
