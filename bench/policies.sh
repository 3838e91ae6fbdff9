#!/usr/bin/env bash
# The cost of policies at the gateway (issue 10): wrk (WRK_THREADS, WRK_CONNECTIONS, WRK_DURATION) against
# nginx's plain proxy and EdgeGateway in several policy scenarios, all running side by side:
#   a    no policies, no key (the same config as the throughput section's EdgeGateway row)
#   key  subscription key only, no policies (what (b) pays before any policy runs)
#   b    subscription key + set-header + ip-filter (allow 127.0.0.1 and 10.0.0.0/8)
#   c    validate-jwt, RS256, inline issuerSigningKeys (keys cached by construction), no key
#   rl   subscription key + rate-limit-by-key (per subscription, a limit never reached) + set-header (issue 11's (b))
#   rlr  rl with the counters in Redis (a redis-server the script starts on loopback; issue 11's (c))
#   hit  cache-lookup + cache-store, every measured request a cache hit (issue 11's (d))
# POLICIES_ROUNDS rounds (default THROUGHPUT_ROUNDS, 3), each measuring every target once in turn; medians of
# requests/s, p50, p99, the ratios (b)/(a) and (c)/(a) (also per round), and each against nginx.
# Each scenario must answer 200 with the backend's body before anything is measured, and (key, b, c) must refuse a
# request without their credential: a scenario the gateway cannot serve, or one whose policy lets everything
# through, fails the run loudly instead of measuring a plain proxy.
#
# Options (environment): POLICIES_SCENARIOS ("a key b c rl rlr hit"), POLICIES_IP_FILTER (1; 0 leaves ip-filter out of (b),
# for a build that does not enforce it yet: the section then says so), POLICIES_ROUNDS.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_init

ROUNDS=${POLICIES_ROUNDS:-${THROUGHPUT_ROUNDS:-3}}
WRK_THREADS=${WRK_THREADS:-1}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-32}
WRK_DURATION=${WRK_DURATION:-5s}
WRK_WARMUP=${WRK_WARMUP:-1s}
SCENARIOS=${POLICIES_SCENARIOS:-"a key b c rl rlr hit"}
IP_FILTER=${POLICIES_IP_FILTER:-1}
# Ports beyond lib.sh's: (b) and (c) get their own gateways; (a) and key reuse the throughput section's.
POLICIES_B_PORT=$((BENCH_PORT_BASE + 11))
POLICIES_C_PORT=$((BENCH_PORT_BASE + 12))
POLICIES_RL_PORT=$((BENCH_PORT_BASE + 13))
POLICIES_RLR_PORT=$((BENCH_PORT_BASE + 14))
POLICIES_HIT_PORT=$((BENCH_PORT_BASE + 15))
POLICIES_REDIS_PORT=$((BENCH_PORT_BASE + 16))
command -v wrk >/dev/null || die "wrk is not installed"
command -v openssl >/dev/null || die "openssl is needed to make the RSA key and the token of scenario (c)"
have_proxy nginx || die "nginx is needed (the reference proxy)"
have_proxy edgegateway || die "EDGEGATEWAY_BIN is not set to an executable gateway"
for s in $SCENARIOS; do [[ $s == @(a|key|b|c|rl|rlr|hit) ]] || die "unknown scenario '$s' in POLICIES_SCENARIOS (a key b c rl rlr hit)"; done
if [[ " $SCENARIOS " == *" rlr "* ]]; then
    command -v redis-server >/dev/null || apt_install redis-server
    command -v redis-server >/dev/null || die "redis-server is needed for scenario rlr"
fi

# ---------------------------------------------------------------- the token of (c)

JWT_KID=bench-rsa-1
JWT_ISSUER=bench
JWT_AUDIENCE=bench

b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }

# make_jwt: an RSA 2048 key pair and one RS256 token signed with it, valid for a day (the run takes minutes).
# Sets JWT_N (the modulus, base64url) and BENCH_JWT. Made once per run; wrk sends the same token every time,
# which is what "cached keys" measures: signature and claims checked per request, no key fetched.
make_jwt() {
    local d=$WORK/jwt header payload signature now
    mkdir -p "$d"
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$d/key.pem" 2>/dev/null || die "openssl genpkey failed"
    JWT_N=$(openssl rsa -in "$d/key.pem" -noout -modulus | sed 's/^Modulus=//' | xxd -r -p | b64url)
    now=$(date +%s)
    header=$(printf '{"alg":"RS256","typ":"JWT","kid":"%s"}' "$JWT_KID" | b64url)
    payload=$(printf '{"iss":"%s","aud":"%s","sub":"bench-user","iat":%d,"nbf":%d,"exp":%d}' \
        "$JWT_ISSUER" "$JWT_AUDIENCE" "$now" $((now - 60)) $((now + 86400)) | b64url)
    signature=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -sign "$d/key.pem" -binary | b64url)
    BENCH_JWT=$header.$payload.$signature
    echo "$BENCH_JWT" >"$d/token"
}

# jwt_signing_key: the key as one item of validate-jwt's inline issuerSigningKeys. The only place the script
# writes its shape (a JWK, docs/policies.md "validate-jwt"): change it here if that shape changes.
jwt_signing_key() {
    printf '{ "kty": "RSA", "kid": "%s", "n": "%s", "e": "AQAB" }' "$JWT_KID" "$JWT_N"
}

# ---------------------------------------------------------------- scenarios

# The policies of each scenario, as the API's inbound section (JSON array).
policies_b() {
    local ip=""
    [[ $IP_FILTER == 1 ]] && ip=',
        { "type": "ip-filter", "action": "allow", "addresses": ["127.0.0.1", "10.0.0.0/8"] }'
    printf '[ { "type": "set-header", "name": "X-Bench-Gateway", "value": "edge", "existsAction": "override" }%s ]' "$ip"
}

policies_c() {
    cat <<EOF
[ { "type": "validate-jwt", "headerName": "Authorization", "requireScheme": "Bearer",
    "issuerSigningKeys": [ $(jwt_signing_key) ],
    "audiences": ["$JWT_AUDIENCE"], "issuers": ["$JWT_ISSUER"] } ]
EOF
}

# Issue 11's (b): the limit is far above what a run sends, so every request is counted and none refused.
policies_rl() {
    cat <<'EOF'
[ { "type": "rate-limit-by-key", "calls": 2000000000, "renewalPeriod": 3600, "counterKey": "@(context.Subscription.Id)" },
  { "type": "set-header", "name": "X-Bench-Gateway", "value": "edge", "existsAction": "override" } ]
EOF
}

policies_hit() { echo '[ { "type": "cache-lookup", "varyByDeveloper": false, "varyByDeveloperGroups": false } ]'; }

outbound_hit() { echo '[ { "type": "cache-store", "duration": 3600 } ]'; }

# write_policy_config FILE KEY_REQUIRED INBOUND_JSON [OUTBOUND_JSON]: a standalone snapshot like lib.sh's, with policies.
write_policy_config() {
    cat >"$1" <<EOF
{ "schemaVersion": 1, "revision": 1,
  "apis": [ { "id": "bench", "path": "/api", "subscriptionRequired": $2,
              "backend": { "urls": ["http://127.0.0.1:$BACKEND_PORT"] },
              "policies": { "inbound": $3, "outbound": ${4:-[]} } } ],
  "subscriptions": [ { "id": "s1", "scope": "apis", "primaryKey": "$BENCH_KEY" } ] }
EOF
}

target_port() {
    case $1 in
        nginx) echo "$NGINX_PORT" ;; caddy | haproxy) proxy_port "$1" ;; a) echo "$GATEWAY_PORT" ;; key) echo "$GATEWAY_KEYS_PORT" ;;
        b) echo "$POLICIES_B_PORT" ;; c) echo "$POLICIES_C_PORT" ;;
        rl) echo "$POLICIES_RL_PORT" ;; rlr) echo "$POLICIES_RLR_PORT" ;; hit) echo "$POLICIES_HIT_PORT" ;;
    esac
}

# target_header T: the one request header T needs (empty for none).
target_header() {
    case $1 in
        key | b | rl | rlr) echo "Ocp-Apim-Subscription-Key: $BENCH_KEY" ;;
        c) echo "Authorization: Bearer $BENCH_JWT" ;;
    esac
}

target_label() {
    case $1 in
        nginx | caddy | haproxy) proxy_label "$1" ;;
        a) echo "(a) EdgeGateway, no policies" ;;
        key) echo "EdgeGateway, subscription key only" ;;
        b) if [[ $IP_FILTER == 1 ]]; then echo "(b) key + set-header + ip-filter"; else echo "(b) key + set-header (**no ip-filter**)"; fi ;;
        c) echo "(c) validate-jwt (RS256, inline key)" ;;
        rl) echo "(11b) key + rate-limit-by-key + set-header" ;;
        rlr) echo "(11c) (11b), counters in Redis" ;;
        hit) echo "(11d) cache-lookup hit" ;;
    esac
}

# target_log T: the name of T's server log in $WORK (start_server's for the lib.sh configs, else gateway-T).
target_log() {
    case $1 in nginx | caddy | haproxy) echo "$1" ;; a) echo edgegateway ;; key) echo edgegateway-keys ;; *) echo "gateway-$1" ;; esac
}

# start_policy_gateway T CONFIG [SETTING...]: a gateway for scenario T; fails at once, with its log, if it exits.
start_policy_gateway() {
    local t=$1 port config=$2
    shift 2
    port=$(target_port "$t")
    require_free_ports "$port"
    start_bg "gateway-$t" "$EDGEGATEWAY_BIN" --urls "http://127.0.0.1:$port" "--Gateway:ConfigFile=$config" "$@"
    local pid=$BG_PID deadline=$(($(date +%s) + 20))
    TPID[$t]=$pid
    while ! port_answers "$port"; do
        if ! kill -0 "$pid" 2>/dev/null || (($(date +%s) > deadline)); then
            tail -20 "$WORK/gateway-$t.log" >&2 || true
            die "scenario $(target_label "$t"): the gateway did not start with $config (log above)." \
                "A build that does not enforce a policy of the scenario refuses the file; see POLICIES_IP_FILTER"
        fi
        sleep 0.05
    done
}

# check_target T: the scenario answers 200 with the backend's body, and (for key, b, c) 401 without its credential.
check_target() {
    local t=$1 port hdr=() out status bytes
    port=$(target_port "$t")
    [[ -n $(target_header "$t") ]] && hdr=(-H "$(target_header "$t")")
    out=$(curl -s -o "$WORK/check-$t.body" -w '%{http_code}' --max-time 5 "${hdr[@]+"${hdr[@]}"}" "http://127.0.0.1:$port/api/x") || true
    bytes=$(wc -c <"$WORK/check-$t.body" 2>/dev/null || echo 0)
    if [[ $out != 200 || $bytes != "$BODY_BYTES" ]]; then
        log "scenario $(target_label "$t") answered $out with $bytes bytes: $(head -c 300 "$WORK/check-$t.body" 2>/dev/null)"
        tail -10 "$WORK/$(target_log "$t").log" >&2 2>/dev/null || true
        die "scenario $(target_label "$t") does not answer 200 with the backend's $BODY_BYTES-byte body: nothing measured"
    fi
    if [[ -n $(target_header "$t") ]]; then
        status=$(http_status "$port" /api/x)
        [[ $status == 401 ]] || die "scenario $(target_label "$t") answered $status, not 401, without its credential: its policy is not enforced"
    fi
    if [[ $t == hit ]]; then
        # The check above stored the entry: this one must come from the cache (Age is set on hits only).
        curl -s -D "$WORK/check-hit.headers" -o /dev/null --max-time 5 "http://127.0.0.1:$port/api/x" || true
        grep -qi '^age:' "$WORK/check-hit.headers" || die "scenario $(target_label hit): a second GET was not answered from the cache (no Age header)"
    fi
    if [[ $t == rlr ]]; then
        # Counted in Redis, not locally: the counter the checks above made must be in the server.
        [[ $(redis-cli -p "$POLICIES_REDIS_PORT" --scan | wc -l) -gt 0 ]] || die "scenario $(target_label rlr): no counter in Redis after two requests"
    fi
    log "scenario $(target_label "$t"): 200 with the backend's body$([[ -n $(target_header "$t") ]] && echo ", 401 without its credential")"
}

# ---------------------------------------------------------------- start and check

start_backend
declare -A TPID
targets=(nginx)
start_server nginx
TPID[nginx]=$SERVER_PID
# Caddy and HAProxy's plain proxies (as in the throughput section) beside nginx's, when installed.
for p in caddy haproxy; do
    if have_proxy "$p"; then start_server "$p"; TPID[$p]=$SERVER_PID; targets+=("$p"); fi
done
for s in $SCENARIOS; do
    case $s in
        a) start_server edgegateway; TPID[a]=$SERVER_PID ;;
        key) start_server edgegateway-keys; TPID[key]=$SERVER_PID ;;
        b) write_policy_config "$WORK/conf/gateway-policies-b.json" true "$(policies_b)"
           start_policy_gateway b "$WORK/conf/gateway-policies-b.json" ;;
        c) make_jwt
           write_policy_config "$WORK/conf/gateway-policies-c.json" false "$(policies_c)"
           start_policy_gateway c "$WORK/conf/gateway-policies-c.json" ;;
        rl) write_policy_config "$WORK/conf/gateway-policies-rl.json" true "$(policies_rl)"
            start_policy_gateway rl "$WORK/conf/gateway-policies-rl.json" ;;
        rlr) require_free_ports "$POLICIES_REDIS_PORT"
             start_bg redis redis-server --port "$POLICIES_REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no
             for _ in $(seq 100); do redis-cli -p "$POLICIES_REDIS_PORT" ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
             write_policy_config "$WORK/conf/gateway-policies-rlr.json" true "$(policies_rl)"
             start_policy_gateway rlr "$WORK/conf/gateway-policies-rlr.json" \
                 "--RateLimit:Redis:ConnectionString=127.0.0.1:$POLICIES_REDIS_PORT" "--RateLimit:Redis:FailureMode=closed" ;;
        hit) write_policy_config "$WORK/conf/gateway-policies-hit.json" false "$(policies_hit)" "$(outbound_hit)"
             start_policy_gateway hit "$WORK/conf/gateway-policies-hit.json" ;;
    esac
    targets+=("$s")
done
for t in "${targets[@]}"; do
    check_target "$t"
    : >"$WORK/pol-$t.txt"
    : >"$WORK/cpu-$t.txt"
done

# tree_ticks PID: utime + stime of the process and its descendants (nginx's workers), in clock ticks.
tree_ticks() {
    local total=0 p
    for p in $(proc_tree "$1"); do total=$((total + $(cpu_ticks "$p" 2>/dev/null || echo 0))); done
    echo "$total"
}

# ---------------------------------------------------------------- measure

run_wrk() {
    local t=$1 d=$2 hdr=()
    [[ -n $(target_header "$t") ]] && hdr=(-H "$(target_header "$t")")
    wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$d" --latency "${hdr[@]+"${hdr[@]}"}" "http://127.0.0.1:$(target_port "$t")/api/x"
}

log "warm-up: $WRK_WARMUP of wrk per target"
for t in "${targets[@]}"; do run_wrk "$t" "$WRK_WARMUP" >/dev/null 2>&1 || true; done

log "policies: $ROUNDS interleaved rounds of $WRK_DURATION each over: ${targets[*]}"
for ((r = 1; r <= ROUNDS; r++)); do
    for t in "${targets[@]}"; do
        ticks0=$(tree_ticks "${TPID[$t]}")
        out=$(run_wrk "$t" "$WRK_DURATION" 2>&1) || log "wrk failed against $t: $(tail -1 <<<"$out")"
        ticks1=$(tree_ticks "${TPID[$t]}")
        echo "$out" >>"$WORK/wrk-policies-$t.log"
        # CPU time the target spent per request it answered (user + system, over the whole wrk run).
        awk -v d=$((ticks1 - ticks0)) -v hz="$CLK_TCK" '/ requests in / { if ($1 > 0) printf "%.2f\n", d * 1e6 / hz / $1; else print "NA" }' \
            <<<"$out" >>"$WORK/cpu-$t.txt"
        line=$(parse_wrk <<<"$out")
        echo "$line" >>"$WORK/pol-$t.txt"
        log "round $r $t: rps p50ms p99ms errors = $line"
    done
done

# ---------------------------------------------------------------- report

col() { awk -v c="$1" '$1 != "NA" { print $c }' "$WORK/pol-$2.txt" | median; }
errors() { awk '{ s += $4 } END { print s + 0 }' "$WORK/pol-$1.txt"; }
has() { [[ " ${targets[*]} " == *" $1 "* ]]; }
# round_ratios T REF [COLUMN]: the per-round ratios T / REF of requests/s (or COLUMN: 2 p50, 3 p99), one a line.
round_ratios() {
    paste -d' ' "$WORK/pol-$1.txt" "$WORK/pol-$2.txt" |
        awk -v c="${3:-1}" '$c != "NA" && $(c + 4) != "NA" && $(c + 4) != 0 { printf "%.4f\n", $c / $(c + 4) }'
}

for t in "${targets[@]}"; do
    read -r "rps_$t" "p50_$t" "p99_$t" <<<"$(col 1 "$t") $(col 2 "$t") $(col 3 "$t")"
done
v() { local n="$1_$2"; echo "${!n:-NA}"; }

{
    echo "## Policies: throughput and latency per scenario"
    echo
    machine_line
    echo
    echo "\`wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d$WRK_DURATION --latency\` on \`GET /api/x\` (the nginx backend's 100-byte file) through"
    echo "nginx's plain proxy and EdgeGateway gateways (one per scenario, all running side by side): (a) no policies;"
    echo "subscription key only; (b) subscription key + \`set-header\` (a literal value, on the request) + \`ip-filter\`"
    echo "(\`allow\` 127.0.0.1 and 10.0.0.0/8; wrk connects from 127.0.0.1); (c) \`validate-jwt\` with one inline RS256 key"
    echo "(\`issuerSigningKeys\`, so no key is ever fetched), issuer and audience checked, one 2048-bit token sent on every request."
    echo "Issue 11's scenarios: (11b) subscription key + \`rate-limit-by-key\` (\`counterKey\` the subscription id, a limit no run"
    echo "reaches, so every request is counted) + \`set-header\`; (11c) the same with its counters in a local \`redis-server\`"
    echo "(\`RateLimit:Redis:ConnectionString\`, fail closed: a request that cannot be counted in Redis is refused, not counted"
    echo "locally); (11d) \`cache-lookup\` + \`cache-store\` (in memory), every measured request a hit (checked: \`Age\` on a second GET)."
    echo "Before measuring, each scenario answered 200 with the backend's body, and 401 without its key or token."
    echo "$ROUNDS rounds, every target once per round in turn after a $WRK_WARMUP warm-up; medians of the rounds."
    echo
    echo "| target | requests/s | p50 ms | p99 ms | rps / (a) | rps / nginx | p50 / nginx | p99 / nginx | errors |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    for t in "${targets[@]}"; do
        echo "| $(target_label "$t") | $(fmt "$(v rps "$t")" 0) | $(fmt "$(v p50 "$t")" 2) | $(fmt "$(v p99 "$t")" 2) |" \
            "$(ratio "$(v rps "$t")" "$(v rps a)")× | $(ratio "$(v rps "$t")" "$(v rps nginx)")× |" \
            "$(ratio "$(v p50 "$t")" "$(v p50 nginx)")× | $(ratio "$(v p99 "$t")" "$(v p99 nginx)")× | $(errors "$t") |"
    done
    echo
    if has a; then
        echo "Per round, requests/s of each scenario over (a)'s in the same round, and their median:"
        echo
        echo "| ratio |$(for ((r = 1; r <= ROUNDS; r++)); do printf ' round %d |' "$r"; done) median |"
        echo "|---|$(for ((r = 1; r <= ROUNDS; r++)); do printf -- '---:|'; done)---:|"
        for t in key b c rl rlr hit nginx caddy haproxy; do
            has "$t" || continue
            echo "| $(target_label "$t") / (a) |$(round_ratios "$t" a | awk '{ printf " %.2f× |", $1 }') $(fmt "$(round_ratios "$t" a | median)" 2)× |"
        done
        echo
        if has b; then
            med=$(round_ratios b a | median)
            verdict=$(awk -v m="$med" 'BEGIN { if (m == "NA" || m == "") print "not measured"; else if (m >= 0.9) print "**met**"; else print "**not met**" }')
            echo "Goal (issue 10): (b) at least 0.9× (a) in the same run: $verdict (median of per-round ratios $(fmt "$med" 2)×)."
            [[ $IP_FILTER == 1 ]] || echo "This run left \`ip-filter\` out of (b) (\`POLICIES_IP_FILTER=0\`): the goal is for (b) with it."
        fi
        if has rl; then
            med=$(round_ratios rl a | median)
            verdict=$(awk -v m="$med" 'BEGIN { if (m == "NA" || m == "") print "not measured"; else if (m >= 0.9) print "**met**"; else print "**not met**" }')
            echo "Goal (issue 11): (11b) at least 0.9× (a) in the same run: $verdict (median of per-round ratios $(fmt "$med" 2)×)."
        fi
    fi
    echo
    echo "CPU time each target spent per request it answered (user + system of its processes, from \`/proc/PID/stat\`,"
    echo "over each wrk run; nginx: master and workers): unlike requests/s, this does not depend on how the 2 cores"
    echo "were shared between wrk, the backend and the proxy, so it is the steadier figure on a busy machine."
    echo
    echo "| target | CPU µs per request (median of rounds) | over nginx |"
    echo "|---|---:|---:|"
    cpu_nginx=$(grep -v NA "$WORK/cpu-nginx.txt" | median)
    for t in "${targets[@]}"; do
        c=$(grep -v NA "$WORK/cpu-$t.txt" | median)
        echo "| $(target_label "$t") | $(fmt "$c" 1) | $(ratio "$c" "$cpu_nginx")× |"
    done
    if has rl; then
        echo
        echo "Issue 17 compares the gateway with policies on, (11b), to nginx's plain proxy, per round (same load):"
        echo
        echo "| (11b) over nginx |$(for ((r = 1; r <= ROUNDS; r++)); do printf ' round %d |' "$r"; done) median |"
        echo "|---|$(for ((r = 1; r <= ROUNDS; r++)); do printf -- '---:|'; done)---:|"
        echo "| requests/s |$(round_ratios rl nginx | awk '{ printf " %.2f× |", $1 }') $(fmt "$(round_ratios rl nginx | median)" 2)× |"
        echo "| p99 latency |$(round_ratios rl nginx 3 | awk '{ printf " %.2f× |", $1 }') $(fmt "$(round_ratios rl nginx 3 | median)" 2)× |"
        echo
        med=$(round_ratios rl nginx | median)
        verdict=$(awk -v m="$med" 'BEGIN { if (m == "NA" || m == "") print "not measured"; else if (m >= 0.8) print "**met**"; else print "**missed**" }')
        echo "Goal (issue 17): requests/s with subscription key + rate-limit-by-key + set-header, over nginx's plain proxy: $(fmt "$med" 2)× (goal ≥ 0.8×): $verdict"
        med=$(round_ratios rl nginx 3 | median)
        verdict=$(awk -v m="$med" 'BEGIN { if (m == "NA" || m == "") print "not measured"; else if (m <= 1.3) print "**met**"; else print "**missed**" }')
        echo "Goal (issue 17): p99 latency of the same, over nginx's, same load: $(fmt "$med" 2)× (goal ≤ 1.3×): $verdict"
        echo
    fi
    echo "\"errors\" counts non-2xx responses and socket errors over all rounds. The micro-benchmark section below"
    echo "gives the same pipelines' CPU time and allocations per request without the network."
} >"$WORK/policies.md"

echo
cat "$WORK/policies.md"
write_section policies "$WORK/policies.md"
