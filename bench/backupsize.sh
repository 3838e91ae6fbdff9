#!/usr/bin/env bash
# Backup write time and size (issue 5), for generated snapshots of 10, 1,000 and 10,000 APIs and of
# 10 and 10,000 APIs with 100,000 subscriptions (keys as primaryKeyHash: base64 of 32 random bytes). A standalone
# gateway with Backup__Provider=disk backs its file's bytes up on start; bench/tools/stages.c times from
# exec to /healthz/ready (200) and to /status-0123456789abcdef on the admin listener showing backup.lastRevision 1, polling every
# 1 ms. With no backup (baseline), a backup, and with Backup__EncryptionKey; BACKUPSIZE_RUNS (5) runs each
# after one uncounted warm-up, the modes alternating; a fresh backup folder each run.
# Cases: BACKUPSIZE_CASES ("10:0 1000:0 10000:0 10:100000 10000:100000", APIS:SUBSCRIPTIONS).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_init

RUNS=${BACKUPSIZE_RUNS:-5}
CASES=${BACKUPSIZE_CASES:-"10:0 1000:0 10000:0 10:100000 10000:100000"}
ensure_tool stages; STAGES=$TOOL
require_free_ports "$GATEWAY_PORT"
ENC_KEY=$(head -c 32 /dev/urandom | base64)
MODES="none plain encrypted"   # no backup (the start-to-ready baseline), backup, encrypted backup

# gen_config APIS SUBS: a snapshot-format file on stdout. APIs a00001.. on /a00001..; subscription i is
# scoped to API ((i-1) mod APIS)+1, with a random primaryKeyHash (base64 of 32 random bytes, via od + awk).
gen_config() {
    local apis=$1 subs=$2 req=false
    ((subs > 0)) && req=true
    printf '{ "schemaVersion": 1, "revision": 1,\n  "apis": [\n'
    awk -v n="$apis" -v port="$BACKEND_PORT" -v req="$req" 'BEGIN {
        for (i = 1; i <= n; i++)
            printf "    { \"id\": \"a%05d\", \"path\": \"/a%05d\", \"subscriptionRequired\": %s, \"backend\": { \"urls\": [\"http://127.0.0.1:%d\"] } }%s\n",
                i, i, req, port, (i < n ? "," : "") }'
    printf '  ]'
    if ((subs > 0)); then
        printf ',\n  "subscriptions": [\n'
        head -c $((32 * subs)) /dev/urandom | od -An -v -tx1 -w32 | awk -v n="$apis" '
            BEGIN { b = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"; h = "0123456789abcdef" }
            function hv(s) { return (index(h, substr(s, 1, 1)) - 1) * 16 + index(h, substr(s, 2, 1)) - 1 }
            function c(i) { return substr(b, i + 1, 1) }
            {
                out = ""
                for (i = 1; i <= 30; i += 3) {
                    x = hv($i); y = hv($(i + 1)); z = hv($(i + 2))
                    out = out c(int(x / 4)) c((x % 4) * 16 + int(y / 16)) c((y % 16) * 4 + int(z / 64)) c(z % 64)
                }
                x = hv($31); y = hv($32)
                out = out c(int(x / 4)) c((x % 4) * 16 + int(y / 16)) c((y % 16) * 4) "="
                printf "%s    { \"id\": \"s%06d\", \"scope\": \"apis/a%05d\", \"primaryKeyHash\": \"%s\" }", (NR > 1 ? ",\n" : ""), NR, (NR - 1) % n + 1, out
            }
            END { printf "\n" }'
        printf '  ]'
    fi
    printf '\n}\n'
}

# log_ms FILE: ms from the "listening" log line to the "Backed up" log line (the log's ms timestamps).
log_ms() {
    local a b
    a=$(grep -m1 'listening on' "$1" | cut -d' ' -f1) || true
    b=$(grep -m1 'Backed up revision' "$1" | cut -d' ' -f1) || true
    [[ -n $a && -n $b ]] || { echo NA; return; }
    echo $(($(date -d "$b" +%s%3N) - $(date -d "$a" +%s%3N)))
}

rows=()
for case in $CASES; do
    apis=${case%%:*} subs=${case##*:}
    f=$WORK/config-$apis-$subs.json
    log "generating $apis APIs, $subs subscriptions"
    gen_config "$apis" "$subs" >"$f"
    size=$(stat -c %s "$f")
    if ! "$EDGEGATEWAY_BIN" validate "$f" >"$WORK/validate.out" 2>&1; then
        log "the gateway refuses $f: $(head -5 "$WORK/validate.out")"
        rows+=("$apis|$subs|$size|refused: $(head -1 "$WORK/validate.out" | tr '|' '/')")
        continue
    fi
    for mode in $MODES; do : >"$WORK/ready-$mode.ms"; : >"$WORK/backup-$mode.ms"; : >"$WORK/log-$mode.ms"; done
    obj_none=NA obj_plain=NA obj_encrypted=NA
    # Round 0 is a warm-up (page cache) and is not counted; the modes alternate within each round.
    for ((r = 0; r <= RUNS; r++)); do
        for mode in $MODES; do
            dir=$WORK/backup-$apis-$subs-$mode-$r
            lf=$WORK/gateway-$apis-$subs-$mode-$r.log
            envs=(Backup__Provider=disk "Backup__Disk__Path=$dir")
            stages=(/healthz/ready "$GATEWAY_ADMIN_PORT:/status-0123456789abcdef~\"lastRevision\":1")
            [[ $mode == encrypted ]] && envs+=("Backup__EncryptionKey=$ENC_KEY")
            [[ $mode == none ]] && { envs=(Backup__Provider=none); stages=(/healthz/ready); }
            if out=$(STAGES_LOG=$lf "$STAGES" "$GATEWAY_PORT" 60000 1000 "${stages[@]}" -- \
                env "${envs[@]}" "$EDGEGATEWAY_BIN" --urls "http://127.0.0.1:$GATEWAY_PORT" \
                "--Gateway:AdminUrls=http://127.0.0.1:$GATEWAY_ADMIN_PORT" "--Gateway:ConfigFile=$f" 2>>"$WORK/stages.err"); then
                if ((r > 0)); then
                    awk '/^stage 1:/ { print $3 }' <<<"$out" >>"$WORK/ready-$mode.ms"
                    awk '/^stage 2:/ { print $3 }' <<<"$out" >>"$WORK/backup-$mode.ms"
                    log_ms "$lf" >>"$WORK/log-$mode.ms"
                fi
                o=$(find "$dir" -path '*/snapshots/*' -type f 2>/dev/null | head -1 || true)
                [[ -n $o ]] && printf -v "obj_$mode" '%s' "$(stat -c %s "$o")"
            else
                log "$apis APIs/$subs subscriptions ($mode), run $r: $(tail -1 "$WORK/stages.err"); log: $(tail -2 "$lf" | tr '\n' ' ')"
            fi
            rm -rf "$dir"
        done
    done
    for mode in $MODES; do
        read -r rmed _ _ n < <(stats <"$WORK/ready-$mode.ms")
        bmed=$(median <"$WORK/backup-$mode.ms")
        lmed=$(grep -v NA "$WORK/log-$mode.ms" | median || echo NA)
        obj_var=obj_$mode
        rows+=("$apis|$subs|$size|$mode|${!obj_var}|$(fmt "$rmed" 1)|$(fmt "$bmed" 1)|$(fmt "$lmed" 0)|$n/$RUNS")
    done
    printf '.' >&2
    rm -f "$f"
done
printf '\n' >&2

mib() { awk -v b="$1" 'BEGIN { if (b == "NA") print "n/a"; else if (b >= 1048576) printf "%.2f MiB\n", b / 1048576; else printf "%.1f kB\n", b / 1000 }'; }
num() { awk -v x="$1" 'BEGIN { s = sprintf("%d", x); while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s); print s }'; }

{
    echo "## Backup write time and size"
    echo
    machine_line
    echo
    echo "Generated snapshot files (each API on its own path to the nginx backend; subscriptions spread over the APIs,"
    echo "each with a \`primaryKeyHash\` of 32 random bytes, as the management plane ships keys), served by a"
    echo "standalone gateway (\`--Gateway:ConfigFile\`) with \`Backup__Provider=disk\`, which backs the file's bytes up"
    echo "as revision 1 on start. \`bench/tools/stages.c\` times from exec to \`/healthz/ready\` answering 200 (config"
    echo "loaded, listening) and on to \`/status-0123456789abcdef\` (admin listener) showing \`backup.lastRevision\` 1, polling every 1 ms"
    echo "(nothing subtracted). \"log\" is the gap between the gateway's own \`listening\` and \`Backed up revision\` log"
    echo "lines (ms timestamps): the backup write itself, roughly. Encrypted: \`Backup__EncryptionKey\` (AES-256-GCM)."
    echo "Medians of $RUNS runs after one uncounted warm-up run, the three modes alternating, a fresh backup"
    echo "folder each run. Sizes in bytes."
    echo
    echo "| APIs | subscriptions | file bytes | backup | backup object bytes | exec → ready ms | exec → backup in status ms | log: listening → backed up ms | runs |"
    echo "|---:|---:|---:|---|---:|---:|---:|---:|---:|"
    for row in "${rows[@]}"; do
        IFS='|' read -r a s sz mode obj rmed bmed lmed n <<<"$row"
        if [[ $mode == refused:* ]]; then
            echo "| $(num "$a") | $(num "$s") | $(num "$sz") | **$mode** | | | | | |"
        else
            if [[ $mode == none ]]; then
                echo "| $(num "$a") | $(num "$s") | $(num "$sz") ($(mib "$sz")) | none | | $rmed | | | $n |"
            else
                echo "| $(num "$a") | $(num "$s") | $(num "$sz") ($(mib "$sz")) | $mode | $(num "$obj") | $rmed | $bmed | $lmed | $n |"
            fi
        fi
    done
    echo
    echo "The backup object of a plain start is the file's bytes as they are; encrypted adds the nonce and tag."
    echo "The status is polled only once the gateway is ready, so \"exec → backup in status\" includes at least the"
    echo "ready time; the backup is written by a background service, off the request path."
} >"$WORK/backupsize.md"

echo
cat "$WORK/backupsize.md"
write_section backupsize "$WORK/backupsize.md"
