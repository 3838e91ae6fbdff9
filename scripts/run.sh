#!/usr/bin/env bash
# The main job on the embedded default (local disk, no cloud account): builds the Native AOT gateway,
# starts a sample backend and a gateway in front of it on a sample config, and prints what to curl.
# Ctrl+C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
port=${PORT:-8080}

echo "== publishing the Native AOT gateway (1-2 minutes the first time)"
dotnet publish src/EdgeGateway -c Release -r linux-x64 -o artifacts/publish/EdgeGateway -nologo -v quiet -clp:ErrorsOnly
echo "== building the sample backend"
dotnet build samples/EchoBackend -c Release -nologo -v quiet -clp:ErrorsOnly

for p in 5099 "$port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    echo "port $p is already in use: stop what listens there (or set PORT=... for the gateway)"; exit 1
  fi
done

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

dotnet artifacts/bin/EchoBackend/release/EchoBackend.dll --urls http://127.0.0.1:5099 >artifacts/echo-backend.log 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:5099/health >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf http://127.0.0.1:5099/health >/dev/null || { cat artifacts/echo-backend.log; echo "the sample backend did not start"; exit 1; }

artifacts/publish/EdgeGateway/EdgeGateway --urls "http://127.0.0.1:$port" --Gateway:ConfigFile="$root/samples/config/gateway.json" &
pids+=($!)
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz/ready" >/dev/null 2>&1 && break; sleep 0.05; done

cat <<MSG

EdgeGateway is serving samples/config/gateway.json on http://127.0.0.1:$port (edit the file: it reloads).
Try:
  curl -i http://127.0.0.1:$port/echo/items/42 -H 'Ocp-Apim-Subscription-Key: demo-key-change-me'
  curl -i http://127.0.0.1:$port/echo/items/42            # 401: no subscription key
  curl -i http://127.0.0.1:$port/open/anything            # an API without keys
  curl -s http://127.0.0.1:$port/status-0123456789abcdef  # what is loaded
Press Ctrl+C to stop.
MSG
wait "${pids[1]}"
