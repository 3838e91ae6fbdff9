#!/usr/bin/env bash
# Cold start: time from exec to the first proxied HTTP 200 (client -> proxy -> nginx backend), for
# EdgeGateway, nginx, Caddy and HAProxy, measured by bench/tools/firstok.c. The runs are interleaved
# (one run of each proxy per round, COLDSTART_RUNS rounds) so that noise from other load on the machine
# spreads over all of them alike. Also EdgeGateway to /healthz/ready (no proxying), for reference.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_init

RUNS=${COLDSTART_RUNS:-11}
start_backend

# Targets: name|port|path|command-source
targets=()
for p in $BENCH_PROXIES; do have_proxy "$p" && targets+=("$p") || log "skipping $p (not selected or not installed)"; done
have_proxy edgegateway && targets+=("edgegateway-ready")
((${#targets[@]})) || die "nothing to measure"

target_cmd() { if [[ $1 == edgegateway-ready ]]; then proxy_cmd edgegateway; else proxy_cmd "$1"; fi; }
target_port() { if [[ $1 == edgegateway-ready ]]; then proxy_port edgegateway; else proxy_port "$1"; fi; }
target_path() { if [[ $1 == edgegateway-ready ]]; then echo /healthz/ready; else proxy_path "$1"; fi; }

for t in "${targets[@]}"; do : >"$WORK/cold-$t.ms"; : >"$WORK/cold-$t.err"; done

log "cold start: $RUNS interleaved rounds of: ${targets[*]}"
for ((r = 1; r <= RUNS; r++)); do
    for t in "${targets[@]}"; do
        mapfile -t cmd < <(target_cmd "$t")
        # One run per call; firstok kills the process group after the first 200 (or after 10 s).
        if out=$("$FIRSTOK" "$(target_port "$t")" "$(target_path "$t")" 1 -- "${cmd[@]}" 2>>"$WORK/cold-$t.err"); then
            awk '/^run 1:/ { print $3 }' <<<"$out" >>"$WORK/cold-$t.ms"
        else
            log "round $r: $t gave no 200 ($(tail -1 "$WORK/cold-$t.err" 2>/dev/null))"
        fi
    done
    printf '.' >&2
done
printf '\n' >&2

nginx_med=NA
[[ -s $WORK/cold-nginx.ms ]] && nginx_med=$(median <"$WORK/cold-nginx.ms")

{
    echo "## Cold start: exec to first proxied 200"
    echo
    machine_line
    echo
    echo "Exec of the proxy process to the first HTTP 200 for \`GET /api/x\` through it (proxied to the nginx"
    echo "backend's 100-byte file), polled every 0.2 ms with a fresh connection by \`bench/tools/firstok.c\`."
    echo "$RUNS runs each, interleaved round by round; each process is killed after its first 200."
    echo
    echo "| proxy | median ms | min ms | max ms | runs | median / nginx |"
    echo "|---|---:|---:|---:|---:|---:|"
    for t in "${targets[@]}"; do
        read -r med min max n < <(stats <"$WORK/cold-$t.ms")
        if [[ $t == edgegateway-ready ]]; then label="EdgeGateway to \`/healthz/ready\` (no proxying)"; else label=$(proxy_label "$t"); fi
        echo "| $label | $(fmt "$med" 1) | $(fmt "$min" 1) | $(fmt "$max" 1) | $n/$RUNS | $(ratio "$med" "$nginx_med")× |"
    done
    echo
    echo "nginx runs with its master process and \`worker_processes auto\`; HAProxy and Caddy with their default"
    echo "threads; EdgeGateway from a standalone snapshot file (\`--Gateway:ConfigFile\`). Goal for EdgeGateway"
    echo "(issue 2): median ≤ 30 ms on the dev machine. HAProxy 2.6 reads every system CA certificate under"
    echo "\`/usr/lib/ssl/certs\` at start-up even with no TLS in its config (seen with strace): most of its time."
} >"$WORK/coldstart.md"

echo
cat "$WORK/coldstart.md"
write_section coldstart "$WORK/coldstart.md"
