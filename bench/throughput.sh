#!/usr/bin/env bash
# Throughput and latency: wrk (WRK_THREADS threads, WRK_CONNECTIONS keep-alive connections,
# WRK_DURATION) against the backend direct and through EdgeGateway (without and with a subscription
# key), nginx, Caddy and HAProxy. All servers run side by side; THROUGHPUT_ROUNDS rounds, each
# measuring every target once in turn (interleaved), and the table gives the medians.
# Nothing is pinned: wrk, the proxy and the backend share the machine's cores.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_init

ROUNDS=${THROUGHPUT_ROUNDS:-3}
WRK_THREADS=${WRK_THREADS:-1}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-32}
WRK_DURATION=${WRK_DURATION:-5s}
WRK_WARMUP=${WRK_WARMUP:-1s}
command -v wrk >/dev/null || die "wrk is not installed"

start_backend
targets=(backend)
for p in $BENCH_PROXIES; do
    if have_proxy "$p"; then
        targets+=("$p")
        [[ $p == edgegateway ]] && targets+=(edgegateway-keys)
    else
        log "skipping $p (not selected or not installed)"
    fi
done

for t in "${targets[@]}"; do
    [[ $t == backend ]] || start_server "$t"
    # Sanity: the body that comes back through every target is the backend's file.
    hdr=()
    [[ -n $(proxy_header "$t") ]] && hdr=(-H "$(proxy_header "$t")")
    got=$(curl -s --max-time 2 "${hdr[@]+"${hdr[@]}"}" "http://127.0.0.1:$(proxy_port "$t")$(proxy_path "$t")" | wc -c) || true
    [[ $got == "$BODY_BYTES" ]] || die "$t returned a $got-byte body instead of the backend's $BODY_BYTES bytes"
    : >"$WORK/tp-$t.txt"
done

# run_wrk TARGET DURATION: prints wrk's output.
run_wrk() {
    local t=$1 d=$2 hdr=()
    [[ $t == edgegateway-keys ]] && hdr=(-H "$(proxy_header "$t")")
    wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$d" --latency "${hdr[@]+"${hdr[@]}"}" \
        "http://127.0.0.1:$(proxy_port "$t")$(proxy_path "$t")"
}

log "warm-up: $WRK_WARMUP of wrk per target"
for t in "${targets[@]}"; do run_wrk "$t" "$WRK_WARMUP" >/dev/null 2>&1 || true; done

log "throughput: $ROUNDS interleaved rounds of $WRK_DURATION each over: ${targets[*]}"
for ((r = 1; r <= ROUNDS; r++)); do
    for t in "${targets[@]}"; do
        out=$(run_wrk "$t" "$WRK_DURATION" 2>&1) || log "wrk failed against $t: $(tail -1 <<<"$out")"
        echo "$out" >>"$WORK/wrk-$t.log"
        line=$(parse_wrk <<<"$out")
        echo "$line" >>"$WORK/tp-$t.txt"
        log "round $r $t: rps p50ms p99ms errors = $line"
    done
done

col() { awk -v c="$1" '$1 != "NA" { print $c }' "$WORK/tp-$2.txt" | median; }
errors() { awk '{ s += $4 } END { print s + 0 }' "$WORK/tp-$1.txt"; }
nginx_rps=NA; nginx_p50=NA; nginx_p99=NA
if [[ -s $WORK/tp-nginx.txt ]]; then nginx_rps=$(col 1 nginx); nginx_p50=$(col 2 nginx); nginx_p99=$(col 3 nginx); fi

{
    echo "## Throughput and latency"
    echo
    machine_line
    echo
    echo "\`wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d$WRK_DURATION --latency\` on \`GET /api/x\` (100-byte body from the nginx backend;"
    echo "\`/x\` for the backend direct). $ROUNDS rounds, every target once per round in turn after a $WRK_WARMUP warm-up;"
    echo "the table gives the median of the rounds (rps, and wrk's p50/p99 latency). Nothing is pinned: wrk,"
    echo "the proxy and the backend share the same $(nproc) cores, so the backend direct figure is the ceiling."
    echo
    echo "| target | requests/s | p50 ms | p99 ms | rps / nginx | p50 / nginx | p99 / nginx | errors |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    for t in "${targets[@]}"; do
        rps=$(col 1 "$t"); p50=$(col 2 "$t"); p99=$(col 3 "$t")
        echo "| $(proxy_label "$t") | $(fmt "$rps" 0) | $(fmt "$p50" 2) | $(fmt "$p99" 2) | $(ratio "$rps" "$nginx_rps")× | $(ratio "$p50" "$nginx_p50")× | $(ratio "$p99" "$nginx_p99")× | $(errors "$t") |"
    done
    echo
    echo "Per round, requests/s (ratio to nginx in the same round), and the median of the per-round ratios:"
    echo
    echo "| target |$(for ((r = 1; r <= ROUNDS; r++)); do printf ' round %d |' "$r"; done) median of ratios |"
    echo "|---|$(for ((r = 1; r <= ROUNDS; r++)); do printf -- '---:|'; done)---:|"
    for t in "${targets[@]}"; do
        if [[ -s $WORK/tp-nginx.txt ]]; then
            cells=$(paste -d' ' "$WORK/tp-$t.txt" "$WORK/tp-nginx.txt" |
                awk '{ if ($1 == "NA" || $5 == "NA" || $5 == 0) printf " n/a |"; else printf " %.0f (%.2f×) |", $1, $1 / $5 }')
            med=$(paste -d' ' "$WORK/tp-$t.txt" "$WORK/tp-nginx.txt" |
                awk '$1 != "NA" && $5 != "NA" && $5 != 0 { print $1 / $5 }' | median)
            echo "| $(proxy_label "$t") |$cells $(fmt "$med" 2)× |"
        else
            echo "| $(proxy_label "$t") |$(awk '{ printf " %.0f |", $1 }' "$WORK/tp-$t.txt") n/a |"
        fi
    done
    echo
    echo "nginx proxies with upstream keep-alive (\`keepalive 64\`, HTTP/1.1); Caddy and HAProxy reuse backend"
    echo "connections by default. \"errors\" counts non-2xx responses and socket errors over all rounds."
    echo "Goal for EdgeGateway (issue 2): at least 0.5× nginx's requests/s in the same run."
} >"$WORK/throughput.md"

echo
cat "$WORK/throughput.md"
write_section throughput "$WORK/throughput.md"
