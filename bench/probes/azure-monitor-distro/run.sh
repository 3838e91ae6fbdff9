#!/usr/bin/env bash
# Issue 14 probe: do Azure.Monitor.OpenTelemetry.AspNetCore 1.6.0's settings bind under Native AOT?
# Publishes the probe AOT (recording every IL2xxx/IL3xxx warning), runs it JIT and AOT with the same settings, prints
# what bound in each side by side, the binary size, and what a local ingestion stand-in received (POST /v2.1/track).
#
#   bench/probes/azure-monitor-distro/run.sh                 # report on stdout and in $PROBE_WORK/report.md
#   PROBE_LOCK=/path/to/lockfile run.sh                      # publish under flock (shared build machines)
#   PROBE_AOT_BIN=/path/AzureMonitorDistroProbe run.sh       # skip the publish (no warnings section then)
# Needs: dotnet (global.json's SDK), python3, curl. Listens on 127.0.0.1, ports picked free by the OS.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
WORK=${PROBE_WORK:-$(mktemp -d /tmp/azmon-probe.XXXXXX)}
mkdir -p "$WORK"
REPORT=$WORK/report.md
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

log() { echo "[probe] $*" >&2; }

# ---- 1. builds: JIT (dotnet build) and AOT (dotnet publish, from a clean intermediate dir so ILC runs and warns) ----
log "JIT build"
dotnet build "$HERE" -c Release -nologo -v quiet -clp:ErrorsOnly -o "$WORK/jit" >"$WORK/jit-build.log" 2>&1 \
  || { cat "$WORK/jit-build.log"; exit 1; }
if [ -n "${PROBE_AOT_BIN:-}" ]; then
  AOT_BIN=$PROBE_AOT_BIN
  : >"$WORK/publish.log"
else
  log "AOT publish (1-2 min)"
  rm -rf "$ROOT/artifacts/obj/AzureMonitorDistroProbe/release_linux-x64"
  publish=(nice dotnet publish "$HERE" -c Release -r linux-x64 -o "$WORK/aot" -nologo -v minimal -clp:NoSummary)
  if [ -n "${PROBE_LOCK:-}" ]; then publish=(flock "$PROBE_LOCK" "${publish[@]}"); fi
  "${publish[@]}" >"$WORK/publish.log" 2>&1 || { cat "$WORK/publish.log"; exit 1; }
  AOT_BIN=$WORK/aot/AzureMonitorDistroProbe
fi
# Each distinct warning once (MSBuild repeats them), without the project path suffix.
grep -E 'IL[23][0-9]{3}' "$WORK/publish.log" | sed -E 's/ \[[^]]*\.csproj[^]]*\]$//' | sort -u >"$WORK/il-warnings.txt" || true
# The configuration binding generator's diagnostics for the PROBE_BIND_IN_CODE=1 variant (what it cannot bind).
grep -E 'SYSLIB110[0-9]' "$WORK/publish.log" | sed -E 's/^.*warning (SYSLIB[0-9]+)/\1/; s/ \(https[^)]*\)//; s/ \[[^]]*\.csproj[^]]*\]$//' | sort -u >"$WORK/generator-warnings.txt" || true

# ---- 2. the ingestion stand-in: answers like Application Insights and counts what arrives ----
cat >"$WORK/ingest.py" <<'PY'
import gzip, json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
out = open(sys.argv[2], "a", buffering=1)
class H(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        types = []
        if self.path.startswith("/v2.1/track"):
            for line in body.decode("utf-8", "replace").splitlines():
                try:
                    item = json.loads(line)
                except ValueError:
                    continue
                data = item.get("data", {})
                t = data.get("baseType", "?")
                if t == "MetricData":
                    t += ":" + ",".join(m.get("name", "?") for m in data.get("baseData", {}).get("metrics", []))
                types.append(t)
            reply = json.dumps({"itemsReceived": len(types), "itemsAccepted": len(types), "errors": []}).encode()
        else:
            reply = b"{}"
        out.write(json.dumps({"path": self.path.split("?")[0], "items": types}) + "\n")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("x-ms-qps-subscribed", "false")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)
    do_GET = do_POST
    def log_message(self, *a): pass
srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1], "w").write(str(srv.server_address[1]))
srv.serve_forever()
PY

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# run_probe NAME MODE(jit|aot) SETTINGS-MODE(section|envvar)
run_probe() {
  local name=$1 mode=$2 how=$3
  rm -f "$WORK/$name.port" "$WORK/$name.ingest.jsonl"
  python3 "$WORK/ingest.py" "$WORK/$name.port" "$WORK/$name.ingest.jsonl" & local ipid=$!; PIDS+=("$ipid")
  for _ in $(seq 100); do [ -s "$WORK/$name.port" ] && break; sleep 0.05; done
  local iport; iport=$(cat "$WORK/$name.port")
  local cs="InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=http://127.0.0.1:$iport/;LiveEndpoint=http://127.0.0.1:$iport/"
  local aport; aport=$(free_port)
  local envs=(env -i PATH="$PATH" HOME="$HOME" DOTNET_CLI_TELEMETRY_OPTOUT=1 ASPNETCORE_URLS="http://127.0.0.1:$aport")
  if [ "$how" = incode ]; then envs+=(PROBE_BIND_IN_CODE=1); fi
  if [ "$how" != envvar ]; then
    envs+=(AzureMonitor__ConnectionString="$cs"
           AzureMonitor__SamplingRatio=0.99 AzureMonitor__TracesPerSecond=50
           AzureMonitor__DisableOfflineStorage=true AzureMonitor__StorageDirectory="$WORK/storage"
           AzureMonitor__EnableLiveMetrics=false AzureMonitor__EnableStandardMetrics=false
           AzureMonitor__EnablePerformanceCounters=false AzureMonitor__EnableTraceBasedLogsSampler=false
           AzureMonitor__Retry__MaxRetries=7 AzureMonitor__Retry__NetworkTimeout=00:00:42
           AzureMonitor__Diagnostics__ApplicationId=probe-app)
  else
    envs+=(APPLICATIONINSIGHTS_CONNECTION_STRING="$cs")
  fi
  if [ "$mode" = jit ]; then cmd=(dotnet "$WORK/jit/AzureMonitorDistroProbe.dll"); else cmd=("$AOT_BIN"); fi
  "${envs[@]}" "${cmd[@]}" >"$WORK/$name.out" 2>"$WORK/$name.err" & local apid=$!; PIDS+=("$apid")
  local ok=0
  for _ in $(seq 300); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$aport/hello" 2>/dev/null; then ok=1; break; fi
    kill -0 "$apid" 2>/dev/null || break
    sleep 0.1
  done
  local n=0
  if [ $ok = 1 ]; then
    for _ in $(seq 19); do curl -fsS -o /dev/null "http://127.0.0.1:$aport/hello" && n=$((n+1)); done
    n=$((n+1))
    sleep 2     # traces and logs are batched (5 s / 1 s); metrics flush on shutdown
  fi
  kill -TERM "$apid" 2>/dev/null || true
  local rc=0; wait "$apid" || rc=$?
  sleep 1
  kill "$ipid" 2>/dev/null || true; wait "$ipid" 2>/dev/null || true
  echo "$n $ok $rc" >"$WORK/$name.meta"
  log "$name: /hello answered $n times, exit $rc"
}

log "runs"
run_probe jit-section jit section
run_probe aot-section aot section
run_probe jit-envvar jit envvar
run_probe aot-envvar aot envvar
run_probe jit-incode jit incode
run_probe aot-incode aot incode

# ---- 3. the report ----
python3 - "$WORK" "$AOT_BIN" >"$REPORT" <<'PY'
import json, os, sys, collections
work, aot = sys.argv[1], sys.argv[2]
RUNS = ["jit-section", "aot-section", "jit-envvar", "aot-envvar", "jit-incode", "aot-incode"]
def opts(name, tag="PROBE-OPTIONS "):
    for line in open(os.path.join(work, name + ".out"), errors="replace"):
        if line.startswith(tag):
            return json.loads(line[len(tag):])
    return None
set_to = collections.OrderedDict([
    ("ConnectionString", "AzureMonitor__ConnectionString (IngestionEndpoint=http://127.0.0.1:PORT/)"),
    ("SamplingRatio", "0.99"), ("TracesPerSecond", "50"), ("DisableOfflineStorage", "true"),
    ("StorageDirectory", "$WORK/storage"), ("EnableLiveMetrics", "false"), ("EnableStandardMetrics", "false"),
    ("EnablePerformanceCounters", "false"), ("EnableTraceBasedLogsSampler", "false"),
    ("Retry:MaxRetries", "7"), ("Retry:NetworkTimeout", "00:00:42"), ("Diagnostics:ApplicationId", "probe-app")])
js, ao, de = opts("jit-section"), opts("aot-section"), opts("jit-section", "PROBE-DEFAULTS ")
ac = opts("aot-incode")
def short(v):
    return "(probe did not start)" if v is None else v.replace(work, "$WORK")
def verdict(key, want_default):
    j = js.get(key) if js else None; a = ao.get(key) if ao else None
    if a is None: return "no AOT value"
    if j == a and a != want_default: return "binds"
    if a == want_default and j != want_default: return "**NOT bound under AOT**"
    if j == a == want_default: return "not bound in either"
    return "differs"
print("### Settings through `AzureMonitor__*` environment variables (the distro's `AzureMonitor` section)\n")
print("| setting | set to | default | bound under JIT | bound under AOT | | AOT, section bound again in our code (generator) |")
print("|---|---|---|---|---|---|---|")
for k, v in set_to.items():
    d = de.get(k) if de else "?"
    print(f"| `AzureMonitor:{k}` | `{v}` | `{d}` | `{short(js.get(k) if js else None)}` | `{short(ao.get(k) if ao else None)}` | {verdict(k, d)} | `{short(ac.get(k) if ac else None)}` |")
je, ae = opts("jit-envvar"), opts("aot-envvar")
print(f"| `APPLICATIONINSIGHTS_CONNECTION_STRING` (alone) | IngestionEndpoint=http://127.0.0.1:PORT/ | `(unset)` | `{short(je and je['ConnectionString'])}` | `{short(ae and ae['ConnectionString'])}` | {'binds' if ae and ae['ConnectionString'].startswith('set') else '**NOT bound under AOT**'} | |")
print()
def summary(name):
    n, ok, rc = open(os.path.join(work, name + ".meta")).read().split()
    posts = collections.Counter(); items = collections.Counter(); metrics = collections.Counter()
    p = os.path.join(work, name + ".ingest.jsonl")
    for line in (open(p) if os.path.exists(p) else []):
        r = json.loads(line); path = r["path"]
        posts["track" if path.startswith("/v2.1/track") else ("live metrics" if "QuickPulse" in path else path)] += 1
        for t in r["items"]:
            if t.startswith("MetricData:"):
                items["MetricData"] += 1
                for m in t[len("MetricData:"):].split(","): metrics[m] += 1
            else:
                items[t] += 1
    return n, rc, posts, items, metrics
print("### What the ingestion stand-in received (20 × `GET /hello`, each logging one line; then SIGTERM)\n")
print("| run | /hello answered | exit code | POST /v2.1/track | live-metrics calls | RequestData | MessageData | MetricData | other items |")
print("|---|---|---|---|---|---|---|---|---|")
details = []
for name in RUNS:
    n, rc, posts, items, metrics = summary(name)
    other = {k: v for k, v in items.items() if k not in ("RequestData", "MessageData", "MetricData")}
    print(f"| {name} | {n} | {rc} | {posts['track']} | {posts['live metrics']} | {items['RequestData']} | {items['MessageData']} | {items['MetricData']} | {', '.join(f'{k} {v}' for k, v in sorted(other.items())) or '-'} |")
    details.append((name, metrics))
print()
for name, metrics in details:
    print(f"- {name} metric names: " + (", ".join(f"`{k}` ({v})" for k, v in sorted(metrics.items())) or "none"))
print()
size = os.path.getsize(aot)
print(f"### AOT binary\n\n`AzureMonitorDistroProbe`: {size} bytes ({size/1048576:.1f} MB)" + (f"; symbols `.dbg` beside it excluded ({os.path.getsize(aot + '.dbg')/1048576:.1f} MB)" if os.path.exists(aot + '.dbg') else "") + "\n")
w = [l.rstrip() for l in open(os.path.join(work, "il-warnings.txt"))]
print(f"### IL2xxx/IL3xxx warnings of the AOT publish ({len(w)} distinct)\n")
print("```"); [print(l.replace(os.path.dirname(os.path.dirname(aot)), "$WORK")) for l in w]; print("```")
g = [l.rstrip() for l in open(os.path.join(work, "generator-warnings.txt"))]
print(f"\nConfiguration binding generator diagnostics (the PROBE_BIND_IN_CODE=1 variant's `section.Bind(o)`; {len(g)} distinct):\n")
print("```"); [print(l) for l in g]; print("```")
for name in RUNS:
    err = open(os.path.join(work, name + ".err"), errors="replace").read().strip()
    if err:
        print(f"\n<details><summary>{name} stderr (first 40 lines)</summary>\n\n```\n" + "\n".join(err.splitlines()[:40]) + "\n```\n</details>")
PY
cat "$REPORT"
log "report: $REPORT (work dir $WORK)"
