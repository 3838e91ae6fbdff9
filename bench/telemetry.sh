#!/usr/bin/env bash
# Telemetry cost: throughput (wrk, same settings as throughput.sh) and cold start (exec to the first
# proxied 200, as coldstart.sh) of EdgeGateway with every exporter off against every exporter on, in
# the same run, interleaved round by round. "On" = OTLP (http/protobuf) and Azure Monitor (its
# connection string's IngestionEndpoint) both pointed at a local sink (nginx answering 200 to
# everything), and Prometheus /metrics on the admin listener, scraped every TELEMETRY_SCRAPE_S (1 s)
# while wrk runs. Goals (issue 14): on/off requests/s >= 0.9, on/off cold start <= 1.1.
# TELEMETRY_RUNS (COLDSTART_RUNS, 11) cold starts and THROUGHPUT_ROUNDS (3) wrk rounds per variant.
# The exporters are built after the server listens (after the first answer, or 1 s later without one; requests answered before the start-up line
# "[440] Telemetry export: ..." are not recorded, and /metrics answers 503 until then), so the "on"
# variants also time exec to that line (bench/tools/firstline.c, TELEMETRY_RUNS runs each). When the
# binary knows Telemetry:RecordFromFirstRequest (listed by `EdgeGateway settings`; TELEMETRY_FIRST_REQUEST=0
# skips it, =1 forces it), a third variant "on, recorded from the first request" (the same settings plus
# Telemetry__RecordFromFirstRequest=true: exporters built before the listen) is timed the same way
# (cold start and line; its throughput after start is the "on" variant's, so it gets no wrk rounds).
# "On" keeps the binary's default sampler (about 5 new traces/s when it has one: `EdgeGateway settings` lists
# OTEL_TRACES_SAMPLER); a further throughput variant, "every request traced", adds OTEL_TRACES_SAMPLER=parentbased_always_on.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_init

RUNS=${TELEMETRY_RUNS:-${COLDSTART_RUNS:-11}}
ROUNDS=${THROUGHPUT_ROUNDS:-3}
WRK_THREADS=${WRK_THREADS:-1}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-32}
WRK_DURATION=${WRK_DURATION:-5s}
WRK_WARMUP=${WRK_WARMUP:-1s}
SCRAPE_S=${TELEMETRY_SCRAPE_S:-1}
command -v wrk >/dev/null || die "wrk is not installed"

# Ports of our own, after the 13 the other benchmarks use.
TEL_ON_PORT=$((BENCH_PORT_BASE + 13))
SINK_PORT=$((BENCH_PORT_BASE + 14))
TEL_ADMIN_PORT=$((BENCH_PORT_BASE + 15))
TEL_FIRST_PORT=$((BENCH_PORT_BASE + 16))
TEL_TRACED_PORT=$((BENCH_PORT_BASE + 17))
TEL_TRACED_ADMIN_PORT=$((BENCH_PORT_BASE + 18))
require_free_ports "$TEL_ON_PORT" "$SINK_PORT" "$TEL_ADMIN_PORT" "$TEL_FIRST_PORT" "$TEL_TRACED_PORT" "$TEL_TRACED_ADMIN_PORT"
ensure_tool firstline; FIRSTLINE=$TOOL
EXPORT_LINE='Telemetry export:'

# The sink: one nginx worker that answers 200 to any request (bodies of any size read and dropped), with
# an access log so the table can show that the exporters really sent something. The body is what
# Application Insights' ingestion answers, so the Azure Monitor exporter sees a success.
c=$WORK/conf
mkdir -p "$c/sink/tmp"
cat >"$c/sink/nginx.conf" <<CONF
worker_processes 1;
pid $c/sink/nginx.pid;
error_log $c/sink/error.log warn;
events { worker_connections 1024; }
http {
    log_format paths '\$request_method \$uri \$status \$request_length';
    access_log $c/sink/access.log paths;
    client_max_body_size 0;
    client_body_temp_path $c/sink/tmp;
    proxy_temp_path $c/sink/tmp;
    fastcgi_temp_path $c/sink/tmp;
    uwsgi_temp_path $c/sink/tmp;
    scgi_temp_path $c/sink/tmp;
    server {
        listen 127.0.0.1:$SINK_PORT;
        location / {
            default_type application/json;
            return 200 '{"itemsReceived":0,"itemsAccepted":0,"errors":[]}';
        }
    }
}
CONF
start_bg sink nginx -p "$c/sink" -c "$c/sink/nginx.conf" -e "$c/sink/error.log" -g 'daemon off;'
for _ in $(seq 100); do port_answers "$SINK_PORT" && break; sleep 0.05; done
port_answers "$SINK_PORT" || die "the telemetry sink did not start (see $c/sink/error.log)"

# The exporter settings of the "on" variant (documented in docs/configuration.md and docs/telemetry.md).
# The metric interval is 1 s instead of OTel's 60 s so that metrics are exported during a 5-s round at
# all: a harsher load than the default. Traces and logs keep the OTel defaults (batch of 512 every 5 s,
# queue of 2048, dropped when full).
TELEMETRY_ENV=(
    "OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$SINK_PORT"
    "OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf"
    "OTEL_METRIC_EXPORT_INTERVAL=1000"
    "APPLICATIONINSIGHTS_CONNECTION_STRING=InstrumentationKey=00000000-0000-4000-8000-000000000000;IngestionEndpoint=http://127.0.0.1:$SINK_PORT/"
    "Telemetry__Prometheus__Enabled=true"
    "Gateway__AdminUrls=http://127.0.0.1:$TEL_ADMIN_PORT"
    "APPLICATIONINSIGHTS_STATSBEAT_DISABLED=true"
)
# Extra settings (for example to switch one exporter off while looking for a cost): TELEMETRY_EXTRA_ENV="A=1 B=2".
read -r -a extra_env <<<"${TELEMETRY_EXTRA_ENV:-}"
TELEMETRY_ENV+=("${extra_env[@]+"${extra_env[@]}"}")

# The third variant, when the binary has the setting (or TELEMETRY_FIRST_REQUEST says so).
case ${TELEMETRY_FIRST_REQUEST:-auto} in
    1) with_first=1 ;;
    0) with_first=0 ;;
    *) if "$EDGEGATEWAY_BIN" settings 2>/dev/null | grep -q 'RecordFromFirstRequest'; then with_first=1; else with_first=0; fi ;;
esac

# variant_cmd off|on|first: the command line, one word per line (off is exactly throughput.sh's EdgeGateway).
variant_cmd() {
    case $1 in
        off) printf '%s\n' env "$EDGEGATEWAY_BIN" --urls "http://127.0.0.1:$GATEWAY_PORT" "--Gateway:ConfigFile=$c/gateway.json" ;;
        on) printf '%s\n' env "${TELEMETRY_ENV[@]}" "$EDGEGATEWAY_BIN" --urls "http://127.0.0.1:$TEL_ON_PORT" "--Gateway:ConfigFile=$c/gateway.json" ;;
        first) printf '%s\n' env "${TELEMETRY_ENV[@]}" Telemetry__RecordFromFirstRequest=true "$EDGEGATEWAY_BIN" --urls "http://127.0.0.1:$TEL_FIRST_PORT" "--Gateway:ConfigFile=$c/gateway.json" ;;
        traced) printf '%s\n' env "${TELEMETRY_ENV[@]}" OTEL_TRACES_SAMPLER=parentbased_always_on "Gateway__AdminUrls=http://127.0.0.1:$TEL_TRACED_ADMIN_PORT" "$EDGEGATEWAY_BIN" --urls "http://127.0.0.1:$TEL_TRACED_PORT" "--Gateway:ConfigFile=$c/gateway.json" ;;
    esac
}
variant_port() { case $1 in on) echo "$TEL_ON_PORT" ;; first) echo "$TEL_FIRST_PORT" ;; traced) echo "$TEL_TRACED_PORT" ;; *) echo "$GATEWAY_PORT" ;; esac; }
variant_label() {
    case $1 in
        on) echo "EdgeGateway, every exporter on" ;;
        first) echo "EdgeGateway, every exporter on, recorded from the first request" ;;
        traced) echo "EdgeGateway, every exporter on, every request traced" ;;
        *) echo "EdgeGateway, telemetry off" ;;
    esac
}
VARIANTS=(off on)
# The sampler the binary keeps by default (a rate, when it has one of its own); "every request traced" only then.
SAMPLER_DEFAULT=$("$EDGEGATEWAY_BIN" settings 2>/dev/null | grep -m1 '^OTEL_TRACES_SAMPLER ' | sed -E 's/^OTEL_TRACES_SAMPLER +//; s/  +.*//' || true)
if [[ $SAMPLER_DEFAULT == *traces/s* ]]; then VARIANTS+=(traced); fi
COLD_VARIANTS=(off on)
LINE_VARIANTS=(on)
if ((with_first)); then COLD_VARIANTS+=(first); LINE_VARIANTS+=(first); fi

start_backend

# ---------------------------------------------------------------- cold start
for v in "${COLD_VARIANTS[@]}"; do : >"$WORK/cold-$v.ms"; : >"$WORK/cold-$v.err"; : >"$WORK/line-$v.ms"; done
log "cold start: $RUNS interleaved rounds of: ${COLD_VARIANTS[*]}; exec to the '$EXPORT_LINE' line: ${LINE_VARIANTS[*]}"
for ((r = 1; r <= RUNS; r++)); do
    for v in "${COLD_VARIANTS[@]}"; do
        mapfile -t cmd < <(variant_cmd "$v")
        if out=$("$FIRSTOK" "$(variant_port "$v")" /api/x 1 -- "${cmd[@]}" 2>>"$WORK/cold-$v.err"); then
            awk '/^run 1:/ { print $3 }' <<<"$out" >>"$WORK/cold-$v.ms"
        else
            log "round $r: $v gave no 200 ($(tail -1 "$WORK/cold-$v.err" 2>/dev/null))"
        fi
    done
    # A separate start per variant (firstline reads the output through a pipe; firstok sends it to /dev/null).
    for v in "${LINE_VARIANTS[@]}"; do
        mapfile -t cmd < <(variant_cmd "$v")
        if out=$(FIRSTLINE_LOG=$WORK/line-$v.log "$FIRSTLINE" 10000 "$EXPORT_LINE" -- "${cmd[@]}" 2>>"$WORK/cold-$v.err"); then
            awk '/^line:/ { print $2 }' <<<"$out" >>"$WORK/line-$v.ms"
        else
            log "round $r: $v printed no '$EXPORT_LINE' line ($(tail -1 "$WORK/cold-$v.err" 2>/dev/null))"
        fi
        sleep 0.1
    done
    printf '.' >&2
done
printf '\n' >&2

# ---------------------------------------------------------------- throughput
declare -A GW_PID
for v in "${VARIANTS[@]}"; do
    mapfile -t cmd < <(variant_cmd "$v")
    start_bg "gateway-$v" "${cmd[@]}"
    GW_PID[$v]=$BG_PID
    wait_http "$(variant_port "$v")" /api/x 20 || { tail -20 "$WORK/gateway-$v.log" >&2; die "$v did not answer 200"; }
    got=$(curl -s --max-time 2 "http://127.0.0.1:$(variant_port "$v")/api/x" | wc -c) || true
    [[ $got == "$BODY_BYTES" ]] || die "$v returned a $got-byte body instead of the backend's $BODY_BYTES bytes"
    : >"$WORK/tp-$v.txt"
done
metrics_status=$(http_status "$TEL_ADMIN_PORT" /metrics)
[[ $metrics_status == 200 ]] || log "WARNING: /metrics on the admin listener answered $metrics_status, not 200"

# The scraper: GET /metrics every SCRAPE_S seconds for as long as the benchmark runs; one status per line.
: >"$WORK/scrapes.txt"
start_bg scraper bash -c "while :; do curl -s -o /dev/null -w '%{http_code}\n' --max-time 5 http://127.0.0.1:$TEL_ADMIN_PORT/metrics >>'$WORK/scrapes.txt'; sleep $SCRAPE_S; done"

run_wrk() {
    wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$2" --latency "http://127.0.0.1:$(variant_port "$1")/api/x"
}
log "warm-up: $WRK_WARMUP of wrk per variant"
for v in "${VARIANTS[@]}"; do run_wrk "$v" "$WRK_WARMUP" >/dev/null 2>&1 || true; done
log "throughput: $ROUNDS interleaved rounds of $WRK_DURATION each over: ${VARIANTS[*]}"
for ((r = 1; r <= ROUNDS; r++)); do
    for v in "${VARIANTS[@]}"; do
        out=$(run_wrk "$v" "$WRK_DURATION" 2>&1) || log "wrk failed against $v: $(tail -1 <<<"$out")"
        echo "$out" >>"$WORK/wrk-$v.log"
        line=$(parse_wrk <<<"$out")
        echo "$line" >>"$WORK/tp-$v.txt"
        log "round $r $v: rps p50ms p99ms errors = $line"
    done
done
# Let the last batches go out (traces every 5 s) before counting what the sink received.
sleep 6
rss_off=$(mem_kb "${GW_PID[off]}" VmRSS | awk '{ print $1 }')
rss_on=$(mem_kb "${GW_PID[on]}" VmRSS | awk '{ print $1 }')

# ---------------------------------------------------------------- table
col() { awk -v c="$1" '$1 != "NA" { print $c }' "$WORK/tp-$2.txt" | median; }
errors() { awk '{ s += $4 } END { print s + 0 }' "$WORK/tp-$1.txt"; }
verdict() { awk -v r="$1" -v goal="$2" -v dir="$3" 'BEGIN { if (r == "NA" || r == "") print "n/a"; else if ((dir == "min" && r >= goal) || (dir == "max" && r <= goal)) print "met"; else print "**missed**" }'; }
sink_count() { awk -v p="$1" '$2 ~ p && $3 ~ /^2/ { n++ } END { print n + 0 }' "$c/sink/access.log" 2>/dev/null || echo 0; }

off_rps=$(col 1 off); on_rps=$(col 1 on)
read -r off_cold _ <<<"$(stats <"$WORK/cold-off.ms")"
read -r on_cold _ <<<"$(stats <"$WORK/cold-on.ms")"
rps_ratio=$(ratio "$on_rps" "$off_rps"); cold_ratio=$(ratio "$on_cold" "$off_cold")
round_ratios=$(paste -d' ' "$WORK/tp-on.txt" "$WORK/tp-off.txt" | awk '{ if ($1 == "NA" || $5 == "NA" || $5 == 0) printf " n/a"; else printf " %.2f×", $1 / $5 }')
scrapes_ok=$(grep -c '^200$' "$WORK/scrapes.txt" || true); scrapes_all=$(wc -l <"$WORK/scrapes.txt")

{
    echo "## Telemetry: every exporter off vs on"
    echo
    machine_line
    echo
    echo "EdgeGateway with no exporter configured against the same binary with OTLP (http/protobuf) and Azure"
    echo "Monitor (\`IngestionEndpoint\`) both sending to a local sink (nginx answering 200 to everything) and"
    echo "Prometheus \`/metrics\` on the admin listener scraped every ${SCRAPE_S} s during the wrk rounds; metrics exported"
    echo "every second (\`OTEL_METRIC_EXPORT_INTERVAL=1000\`, harsher than OTel's 60 s), traces and logs with the OTel"
    echo "batch defaults. Cold start: exec to the first proxied 200 (\`bench/tools/firstok.c\`), $RUNS runs each;"
    echo "throughput: \`wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d$WRK_DURATION --latency\` on \`GET /api/x\`, $ROUNDS rounds. Both interleaved, medians."
    echo
    echo "| variant | cold start median ms | cold start min–max ms | requests/s | p50 ms | p99 ms | errors |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    for v in "${COLD_VARIANTS[@]}" $([[ " ${VARIANTS[*]} " == *" traced "* ]] && echo traced); do
        if [[ $v == traced ]]; then
            echo "| $(variant_label "$v") | (as on) | | $(fmt "$(col 1 "$v")" 0) | $(fmt "$(col 2 "$v")" 2) | $(fmt "$(col 3 "$v")" 2) | $(errors "$v") |"
            continue
        fi
        read -r med min max n < <(stats <"$WORK/cold-$v.ms")
        if [[ -s $WORK/tp-$v.txt ]]; then
            echo "| $(variant_label "$v") | $(fmt "$med" 1) ($n/$RUNS) | $(fmt "$min" 1)–$(fmt "$max" 1) | $(fmt "$(col 1 "$v")" 0) | $(fmt "$(col 2 "$v")" 2) | $(fmt "$(col 3 "$v")" 2) | $(errors "$v") |"
        else
            echo "| $(variant_label "$v") | $(fmt "$med" 1) ($n/$RUNS) | $(fmt "$min" 1)–$(fmt "$max" 1) | (as on) | | | |"
        fi
    done
    echo
    echo "| on / off | ratio | goal | |"
    echo "|---|---:|---:|---|"
    echo "| requests/s (median of rounds) | $(fmt "$rps_ratio" 2)× | ≥ 0.9× | $(verdict "$rps_ratio" 0.9 min) |"
    if [[ -s $WORK/tp-traced.txt ]]; then
        traced_ratio=$(ratio "$(col 1 traced)" "$off_rps")
        echo "| requests/s, every request traced (median of rounds) | $(fmt "$traced_ratio" 2)× | (none) | |"
    fi
    echo "| cold start (median) | $(fmt "$cold_ratio" 2)× | ≤ 1.1× | $(verdict "$cold_ratio" 1.1 max) |"
    if ((with_first)); then
        read -r first_cold _ <<<"$(stats <"$WORK/cold-first.ms")"
        first_ratio=$(ratio "$first_cold" "$off_cold")
        echo "| cold start, recorded from the first request (median) | $(fmt "$first_ratio" 2)× | ≤ 1.1× | $(verdict "$first_ratio" 1.1 max) |"
    fi
    echo
    echo "When recording starts: exec to the \`$EXPORT_LINE\` start-up line (event 440; the exporters are built, from"
    echo "then on requests are in traces and metrics and \`/metrics\` answers 200 instead of 503), against exec to the first 200."
    echo
    echo "| variant | exec → first 200, median ms | exec → \`$EXPORT_LINE\` line, median ms (min–max) | requests answered before it are recorded |"
    echo "|---|---:|---:|---|"
    for v in "${LINE_VARIANTS[@]}"; do
        read -r cmed _ <<<"$(stats <"$WORK/cold-$v.ms")"
        read -r lmed lmin lmax ln < <(stats <"$WORK/line-$v.ms")
        if [[ $v == first ]]; then rec="yes (\`Telemetry__RecordFromFirstRequest=true\`)"; else
            gap=$(awk -v l="$lmed" -v c="$cmed" 'BEGIN { if (l == "NA" || c == "NA") print "NA"; else printf "%.0f", l - c }')
            if [[ $gap == NA ]]; then rec="no"
            elif ((gap > 900)); then rec="no: built once the first request is answered, or 1 s after the listen when none comes (this start got none)"
            elif ((gap > 0)); then rec="no: answers of the first ~$gap ms after the first 200 are unrecorded"
            else rec="no, but the line came before the first 200"; fi
        fi
        echo "| $(variant_label "$v") | $(fmt "$cmed" 1) | $(fmt "$lmed" 1) ($(fmt "$lmin" 1)–$(fmt "$lmax" 1), $ln/$RUNS) | $rec |"
    done
    echo
    echo "Requests/s on/off per round:$round_ratios."
    echo
    echo "Requests the sink answered 2xx during the whole benchmark (cold starts included): OTLP traces $(sink_count '^/v1/traces'),"
    echo "metrics $(sink_count '^/v1/metrics'), logs $(sink_count '^/v1/logs'); Azure Monitor $(sink_count '^/v2(\.1)?/track') requests;"
    echo "\`/metrics\` scrapes answered 200: $scrapes_ok of $scrapes_all. Resident memory after the rounds: off $(fmt "$rss_off" 0) kB, on $(fmt "$rss_on" 0) kB."
    echo
    echo "Traces kept by the \"on\" variant (the binary's default sampler): ${SAMPLER_DEFAULT:-unknown}."
    if (($(sink_count '.') == 0 || scrapes_ok == 0)); then
        echo
        echo "**Warning: the \"on\" gateway exported nothing to the sink or answered no scrape: the binary has no exporters"
        echo "(or they are misconfigured), so the \"on\" figures above do not measure telemetry.**"
    fi
} >"$WORK/telemetry.md"

echo
cat "$WORK/telemetry.md"
write_section telemetry "$WORK/telemetry.md"
