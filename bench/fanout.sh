#!/usr/bin/env bash
# Fan-out (issue 4): FANOUT_CLIENTS (200) simulated gateways long-polling one management plane.
# One PUT /config creates gateways gw1..gwN, all assigned the same API; each gets its own token.
# bench/tools/longpoll.c then plays the N gateways: each GETs its snapshot (ETag), opens a connection
# with GET .../snapshot?wait=FANOUT_WAIT and If-None-Match, and all are held FANOUT_HOLD (20) s; then one
# PUT /config changes the API (so every gateway's snapshot changes) and each client's time to its whole
# 200 response is recorded. The management plane's RSS (VmRSS) and CPU time (utime + stime from
# /proc/PID/stat) are sampled idle (no client) and while the polls are held.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_init

N=${FANOUT_CLIENTS:-200}
HOLD=${FANOUT_HOLD:-20}
WAIT=${FANOUT_WAIT:-30}
IDLE=${FANOUT_IDLE:-$((HOLD - 4))}
((WAIT >= HOLD + 5)) || die "FANOUT_WAIT ($WAIT) must exceed FANOUT_HOLD ($HOLD) by 5 s or more"
ensure_tool longpoll; LONGPOLL=$TOOL
command -v jq >/dev/null || die "jq is needed"

start_mp
config() { # config PATH
    {
        printf '{ "schemaVersion": 1,\n  "apis": [ { "id": "echo", "path": "%s", "subscriptionRequired": false,\n' "$1"
        printf '              "backend": { "urls": ["http://127.0.0.1:%s"] } } ],\n  "gateways": [\n' "$BACKEND_PORT"
        for ((i = 1; i <= N; i++)); do
            printf '    { "id": "gw%d", "apis": ["echo"] }%s\n' "$i" "$([[ $i -lt $N ]] && echo ,)"
        done
        printf '  ] }\n'
    }
}
config /echo >"$WORK/config.json"
mp_put_config "$WORK/config.json" >/dev/null
log "fan-out: issuing $N gateway tokens"
: >"$WORK/tokens"
for ((i = 1; i <= N; i++)); do mp_token "gw$i" >>"$WORK/tokens"; done
[[ $(grep -c '^GatewayKey ' "$WORK/tokens") == "$N" ]] || die "could not issue $N tokens"

sample() { # sample: "RSS_KB CPU_TICKS NS"
    echo "$(mem_kb "$MP_PID" VmRSS | awk '{ print $1 }') $(cpu_ticks "$MP_PID") $(now_ns)"
}
cpu_ms_per_s() { # cpu_ms_per_s TICKS0 NS0 TICKS1 NS1
    awk -v a="$1" -v b="$3" -v s="$2" -v e="$4" -v hz="$CLK_TCK" 'BEGIN { printf "%.2f\n", (b - a) * 1000 / hz / ((e - s) / 1e9) }'
}

sleep 2   # let the writes and token issuing settle
log "fan-out: idle management plane for $IDLE s"
read -r rss0 t0 ns0 < <(sample)
sleep "$IDLE"
read -r rss1 t1 ns1 < <(sample)
idle_cpu=$(cpu_ms_per_s "$t0" "$ns0" "$t1" "$ns1")

config /echo2 >"$WORK/config2.json"
log "fan-out: $N long polls held $HOLD s, then one change"
start_bg longpoll timeout -k 5 $((HOLD + 60)) "$LONGPOLL" "$MP_PORT" "$N" "/gateway/v1/gateways/gw%d/snapshot" "$WORK/tokens" \
    "$WAIT" "$HOLD" 30 -- curl -sS -f -o /dev/null --max-time 20 -X PUT "$MP_URL/config" \
    -H "Authorization: Bearer $MP_ADMIN_KEY" -H 'Content-Type: application/json' --data-binary "@$WORK/config2.json"
LP_PID=$BG_PID
for i in $(seq 600); do grep -q '^held ' "$WORK/longpoll.log" 2>/dev/null && break; kill -0 "$LP_PID" 2>/dev/null || break; sleep 0.05; done
grep -q '^held ' "$WORK/longpoll.log" || { cat "$WORK/longpoll.log" >&2; die "the clients could not connect"; }
held_at=$(now_ns)
sleep 1
read -r rss2 t2 ns2 < <(sample)
# sample again 2 s before the change is made
sleep "$(awk -v h="$HOLD" -v a="$held_at" -v n="$(now_ns)" 'BEGIN { s = h - 2 - (n - a) / 1e9; print (s > 0 ? s : 0) }')"
read -r rss3 t3 ns3 < <(sample)
held_cpu=$(cpu_ms_per_s "$t2" "$ns2" "$t3" "$ns3")
conns=$(ss -Htn state established "( sport = :$MP_PORT )" 2>/dev/null | wc -l || echo n/a)
for i in $(seq 1200); do kill -0 "$LP_PID" 2>/dev/null || break; sleep 0.05; done
read -r rss4 t4 ns4 < <(sample)
hwm=$(mem_kb "$MP_PID" VmHWM | awk '{ print $1 }')
change_cpu_ms=$(awk -v a="$t3" -v b="$t4" -v hz="$CLK_TCK" -v r="$held_cpu" -v s="$ns3" -v e="$ns4" \
    'BEGIN { printf "%.0f\n", (b - a) * 1000 / hz - r * (e - s) / 1e9 }')
stop_bg "$LP_PID"

early=$(awk '$1 == "early" { print $2 }' "$WORK/longpoll.log")
awk '$1 == "client" && $3 == 200 && $5 >= 0 { print $5 }' "$WORK/longpoll.log" >"$WORK/recv.ms"
awk '$1 == "client" && $3 == 200 && $4 >= 0 { print $4 }' "$WORK/longpoll.log" >"$WORK/first.ms"
got=$(wc -l <"$WORK/recv.ms")
others=$(awk '$1 == "client" && !($3 == 200 && $5 >= 0)' "$WORK/longpoll.log" | wc -l)
read -r _ put_ms put_rc < <(awk '$1 == "trigger"' "$WORK/longpoll.log")
p50=$(pct 50 <"$WORK/recv.ms"); p90=$(pct 90 <"$WORK/recv.ms"); p99=$(pct 99 <"$WORK/recv.ms")
max=$(pct 100 <"$WORK/recv.ms"); min=$(pct 0 <"$WORK/recv.ms")
f50=$(pct 50 <"$WORK/first.ms")
per_client_kb=$(awk -v a="$rss1" -v b="$rss3" -v n="$N" 'BEGIN { printf "%.1f\n", (b - a) / n }')
# in microseconds of CPU per second per client; the tick resolution over the held window, per client
per_client_cpu=$(awk -v a="$idle_cpu" -v b="$held_cpu" -v n="$N" 'BEGIN { printf "%.1f\n", (b - a) * 1000 / n }')
cpu_res=$(awk -v hz="$CLK_TCK" -v s="$ns2" -v e="$ns3" -v n="$N" 'BEGIN { printf "%.1f\n", 1e6 / hz / ((e - s) / 1e9) / n }')
mb() { awk -v k="$1" 'BEGIN { printf "%.1f\n", k / 1024 }'; }

{
    echo "## Fan-out: $N gateways long-polling one management plane"
    echo
    machine_line
    echo
    echo "One management plane (disk store, \`Management:StatePollInterval\` 1 s) and $N **distinct gateways**"
    echo "(\`gw1\`..\`gw$N\`, one \`PUT /config\`, one token each, all assigned one API), simulated by"
    echo "\`bench/tools/longpoll.c\` (one process, one connection per gateway): each fetches its snapshot's ETag, then"
    echo "sends \`GET /gateway/v1/gateways/gwN/snapshot?wait=$WAIT\` with \`If-None-Match\`, and the $N polls are held"
    echo "$HOLD s. Then one \`PUT /config\` changes the API's path, which changes all $N snapshots (each compiled and"
    echo "signed for its gateway). RSS is VmRSS; CPU is utime + stime from \`/proc/PID/stat\` (resolution"
    echo "$((1000 / CLK_TCK)) ms), as a rate over the window."
    echo
    echo "| management plane | RSS MB | CPU ms per s |"
    echo "|---|---:|---:|"
    echo "| idle, no client (${IDLE} s) | $(mb "$rss1") | $idle_cpu |"
    echo "| $N polls held (from 1 s after all were sent to 2 s before the change, $(awk -v a="$ns2" -v b="$ns3" 'BEGIN { printf "%.0f", (b - a) / 1e9 }') s) | $(mb "$rss3") | $held_cpu |"
    echo "| after the change reached every client | $(mb "$rss4") | |"
    echo
    echo "Per connected gateway: **$per_client_kb kB** of RSS and **$per_client_cpu µs of CPU per second** while held"
    echo "(difference to idle / $N; one clock tick over the window is $cpu_res µs/s per gateway, so a smaller difference is"
    echo "below what this can measure). Peak RSS (VmHWM) over the whole run: $(mb "$hwm") MB. Established connections"
    echo "to the management plane while held: $conns. CPU spent on the change (from 2 s before it until every client had"
    echo "its answer, minus the held rate): about $change_cpu_ms ms."
    echo
    echo "| change to all $N gateways | clients with a 200 | p50 ms | p90 ms | p99 ms | max ms | min ms |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    echo "| time from the PUT's start to the client's whole response | $got/$N | $(fmt "$p50" 1) | $(fmt "$p90" 1) | $(fmt "$p99" 1) | $(fmt "$max" 1) | $(fmt "$min" 1) |"
    echo
    echo "The \`PUT /config\` itself took $(fmt "$put_ms" 1) ms (curl exit code $put_rc); first byte p50 $(fmt "$f50" 1) ms."
    echo "Answers during the hold (should be 0): ${early:-n/a}. Clients without a 200: $others."
} >"$WORK/fanout.md"

echo
cat "$WORK/fanout.md"
write_section fanout "$WORK/fanout.md"
