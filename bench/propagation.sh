#!/usr/bin/env bash
# Config propagation (issue 4): time from a management-plane write (PUT /config) to the first gateway
# response that reflects it. A management plane (disk store) and one hybrid gateway (long polling) run
# side by side; each change moves the API to a new path /p-N, and bench/tools/untilok.c times from just
# before it starts the PUT (curl) to the first 200 for GET /p-N/x through the gateway (polled every
# PROPAGATION_POLL_US, 1 ms, fresh connection each time). PROPAGATION_CHANGES (100) changes, with
# PROPAGATION_WARMUP (3) uncounted ones first and a pause of 100-300 ms between changes.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_init

CHANGES=${PROPAGATION_CHANGES:-100}
WARMUP=${PROPAGATION_WARMUP:-3}
POLL_US=${PROPAGATION_POLL_US:-1000}
ensure_tool untilok; UNTILOK=$TOOL
command -v jq >/dev/null || die "jq is needed"

start_backend
start_mp

config() { # config N: the whole document with the API on /p-N
    cat <<EOF
{ "schemaVersion": 1,
  "apis": [ { "id": "echo", "path": "/p-$1", "subscriptionRequired": false,
              "backend": { "urls": ["http://127.0.0.1:$BACKEND_PORT"] } } ],
  "gateways": [ { "id": "gw1", "apis": ["echo"] } ] }
EOF
}
config 0 >"$WORK/config.json"
mp_put_config "$WORK/config.json" >/dev/null
token=$(mp_token gw1)
mp_signing_key >"$WORK/signing-key.pem"

require_free_ports "$GATEWAY_PORT"
start_bg gateway env Gateway__Id=gw1 "ManagementPlane__Url=$MP_URL" "ManagementPlane__Token=$token" \
    "Trust__SigningKey=$(cat "$WORK/signing-key.pem")" "$EDGEGATEWAY_BIN" --urls "http://127.0.0.1:$GATEWAY_PORT" \
    "--Gateway:AdminUrls=http://127.0.0.1:$GATEWAY_ADMIN_PORT"
GW_PID=$BG_PID
wait_http "$GATEWAY_PORT" /p-0/x 20 || { tail -20 "$WORK/gateway.log" >&2; die "the hybrid gateway did not serve /p-0"; }

: >"$WORK/prop.ms"; : >"$WORK/put.ms"
failures=0
log "propagation: $WARMUP warm-up + $CHANGES changes, gateway polled every $POLL_US us"
for ((n = 1; n <= WARMUP + CHANGES; n++)); do
    config "$n" >"$WORK/config.json"
    if out=$("$UNTILOK" "$GATEWAY_PORT" "/p-$n/x" 10000 "$POLL_US" -- \
        curl -sS -f -o /dev/null --max-time 10 -X PUT "$MP_URL/config" -H "Authorization: Bearer $MP_ADMIN_KEY" \
        -H 'Content-Type: application/json' --data-binary "@$WORK/config.json" 2>>"$WORK/untilok.err"); then
        if ((n > WARMUP)); then
            read -r ok cmd _ <<<"$out"
            echo "$ok" >>"$WORK/prop.ms"
            echo "$cmd" >>"$WORK/put.ms"
        fi
    else
        failures=$((failures + 1))
        log "change $n: not seen ($(tail -1 "$WORK/untilok.err" 2>/dev/null))"
        # Make sure the next change starts from a served state, whatever happened.
        wait_http "$GATEWAY_PORT" "/p-$n/x" 15 || die "the gateway never served /p-$n"
    fi
    ((n % 10 == 0)) && printf '.' >&2
    sleep "0.$((1 + n % 3))"
done
printf '\n' >&2

status=$(gateway_status "$GATEWAY_ADMIN_PORT")
gw_rev=$(jq -r .revision <<<"$status")
mp_state=$(jq -r .managementPlane.state <<<"$status")
applied=$(grep -c 'Applied revision' "$WORK/gateway.log" || true)

count=$(wc -l <"$WORK/prop.ms")
p50=$(pct 50 <"$WORK/prop.ms"); p90=$(pct 90 <"$WORK/prop.ms"); p99=$(pct 99 <"$WORK/prop.ms"); max=$(pct 100 <"$WORK/prop.ms")
min=$(pct 0 <"$WORK/prop.ms")
put50=$(pct 50 <"$WORK/put.ms"); put99=$(pct 99 <"$WORK/put.ms")
# Changes served clearly (more than one poll interval) before curl had the PUT's answer, and clearly after.
before_put=$(paste "$WORK/prop.ms" "$WORK/put.ms" | awk -v i="$POLL_US" '$1 < $2 - i / 1000 { n++ } END { print n + 0 }')
after_put=$(paste "$WORK/prop.ms" "$WORK/put.ms" | awk -v i="$POLL_US" '$1 > $2 + i / 1000 { n++ } END { print n + 0 }')
goal=$(awk -v p="$p99" 'BEGIN { print (p != "NA" && p < 1000) ? "met" : "NOT met" }')

{
    echo "## Config propagation: management write to first gateway response"
    echo
    machine_line
    echo
    echo "One management plane (disk store) and one hybrid gateway (\`ManagementPlane__Url\`, default long poll of"
    echo "30 s) on the same machine. Each change is a \`PUT /config\` that moves the gateway's only API to a new path"
    echo "\`/p-N\`; the time is from just before \`curl\` starting the PUT is forked to the first \`200\` for"
    echo "\`GET /p-N/x\` through the gateway (proxied to the nginx backend), polled every $((POLL_US / 1000)) ms with a fresh"
    echo "connection by \`bench/tools/untilok.c\`. Nothing is subtracted: the figure includes curl's start, the"
    echo "management plane's write to its store and snapshot signing, the long poll's answer, the gateway's"
    echo "verification and swap, and up to one poll interval plus one request of slack. $CHANGES changes"
    echo "($WARMUP uncounted warm-up changes first), 100-300 ms apart."
    echo
    echo "| changes seen | p50 ms | p90 ms | p99 ms | max ms | min ms | goal p99 < 1 s |"
    echo "|---:|---:|---:|---:|---:|---:|---|"
    echo "| $count/$CHANGES | $(fmt "$p50" 1) | $(fmt "$p90" 1) | $(fmt "$p99" 1) | $(fmt "$max" 1) | $(fmt "$min" 1) | $goal |"
    echo
    echo "For reference, the \`PUT /config\` round trip itself (curl start to exit): p50 $(fmt "$put50" 1) ms, p99"
    echo "$(fmt "$put99" 1) ms. The gateway served the new path more than one poll interval before curl exited in"
    echo "$before_put of $count changes, more than one interval after in $after_put, and within one interval of it in the"
    echo "rest: the long poll is answered as the write completes. The gateway ended at revision $gw_rev (management"
    echo "plane state \`$mp_state\`),"
    echo "having logged $applied applied snapshots. APIM's self-hosted gateway checks for config every 10 s."
    ((failures == 0)) || echo "**$failures change(s) were not seen within 10 s** (see the log of the run)."
} >"$WORK/propagation.md"

echo
cat "$WORK/propagation.md"
write_section propagation "$WORK/propagation.md"
