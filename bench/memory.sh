#!/usr/bin/env bash
# Resident memory: each proxy is started on its own (backend running), VmRSS is read from
# /proc/PID/status MEMORY_SETTLE seconds after its first proxied 200 (idle), then one wrk load run
# (same settings as the throughput benchmark), then VmRSS at the end of the load and VmHWM (peak).
# Figures are summed over the process tree (nginx: master + workers). Also the size of the
# EdgeGateway executable, next to the Debian binaries of the others for reference.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_init

SETTLE=${MEMORY_SETTLE:-1}
WRK_THREADS=${WRK_THREADS:-1}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-32}
WRK_DURATION=${WRK_DURATION:-5s}
command -v wrk >/dev/null || die "wrk is not installed"

start_backend
targets=()
for p in $BENCH_PROXIES; do
    if have_proxy "$p"; then
        targets+=("$p")
        [[ $p == edgegateway ]] && targets+=(edgegateway-keys)
    else
        log "skipping $p (not selected or not installed)"
    fi
done

mb() { awk -v k="$1" 'BEGIN { printf "%.1f\n", k / 1024 }'; }
rows=()
for t in "${targets[@]}"; do
    start_server "$t"
    pid=$SERVER_PID
    sleep "$SETTLE"
    read -r idle n_idle < <(mem_kb "$pid" VmRSS)
    hdr=()
    [[ -n $(proxy_header "$t") ]] && hdr=(-H "$(proxy_header "$t")")
    out=$(wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"$WRK_DURATION" "${hdr[@]+"${hdr[@]}"}" \
        "http://127.0.0.1:$(proxy_port "$t")$(proxy_path "$t")" 2>&1) || log "wrk failed against $t"
    rps=$(awk '$1 == "Requests/sec:" { print $2 }' <<<"$out")
    read -r loaded n_loaded < <(mem_kb "$pid" VmRSS)
    read -r peak _ < <(mem_kb "$pid" VmHWM)
    log "$t: idle $(mb "$idle") MB, after load $(mb "$loaded") MB, peak $(mb "$peak") MB ($n_loaded processes, ${rps:-?} rps)"
    rows+=("| $(proxy_label "$t") | $n_loaded | $(mb "$idle") | $(mb "$loaded") | $(mb "$peak") | $(fmt "${rps:-NA}" 0) |")
    stop_bg "$pid"
done

# Binary sizes.
src=${EDGEGATEWAY_SOURCE:-$EDGEGATEWAY_BIN}
exe_bytes=$(stat -c %s "$src")
dbg=${src}.dbg
if [[ -f $dbg ]]; then dbg_note="$(mb $(($(stat -c %s "$dbg") / 1024))) MB \`EdgeGateway.dbg\` beside it (native debug symbols, not needed at run time) is **excluded**"; else dbg_note="no \`.dbg\` file beside it (symbols stripped or not emitted)"; fi
other_files=$(find "$(dirname "$src")" -maxdepth 1 -type f ! -name EdgeGateway ! -name 'EdgeGateway.dbg' -printf '%f (%s B), ' 2>/dev/null | sed 's/, $//')
bin_row() { local b; b=$(readlink -f "$(command -v "$1")" 2>/dev/null) || return 0; echo "| $2 | \`$b\` | $(mb $(($(stat -c %s "$b") / 1024))) |"; }

{
    echo "## Resident memory and binary size"
    echo
    machine_line
    echo
    echo "Each proxy started alone in front of the backend: RSS $SETTLE s after its first proxied 200 (idle), RSS at"
    echo "the end of one \`wrk -t$WRK_THREADS -c$WRK_CONNECTIONS -d$WRK_DURATION\` run, and the peak (VmHWM), from \`/proc/PID/status\`,"
    echo "summed over the process tree (nginx: master + \`worker_processes auto\` workers; shared pages count"
    echo "once per process, so nginx's sum overstates it a little)."
    echo
    echo "| proxy | processes | idle RSS MB | RSS after load MB | peak RSS (VmHWM) MB | rps during the load |"
    echo "|---|---:|---:|---:|---:|---:|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "| binary | path | size MB |"
    echo "|---|---|---:|"
    echo "| EdgeGateway (Native AOT, linux-x64) | \`$(repo_rel "$src")\` | $(mb $((exe_bytes / 1024))) |"
    bin_row nginx "nginx (Debian, dynamically linked)"
    bin_row caddy "Caddy (Debian, Go, static)"
    bin_row haproxy "HAProxy (Debian, dynamically linked)"
    echo
    echo "EdgeGateway executable: $exe_bytes bytes; $dbg_note."
    [[ -n $other_files ]] && echo "Other files in the publish folder (not counted): $other_files."
    echo "Sizes of the Debian binaries exclude their shared libraries."
} >"$WORK/memory.md"

echo
cat "$WORK/memory.md"
write_section memory "$WORK/memory.md"
