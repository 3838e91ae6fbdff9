#!/usr/bin/env bash
# The main job on the embedded default (local disk, no cloud account): builds both Native AOT binaries,
# starts a management plane (state on local disk), a sample backend, and a gateway wired to the
# management plane with a local-disk backup; applies samples/config/management.json; prints the admin
# key, the URLs and what to curl. Ctrl+C stops everything. State lives in artifacts/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
gw_port=${PORT:-8080}
mp_port=${MP_PORT:-5000}
admin_port=${ADMIN_PORT:-9090}
demo="$root/artifacts/demo"
mkdir -p "$demo"

for p in 5099 "$gw_port" "$mp_port" "$admin_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    echo "port $p is already in use: stop what listens there (or set PORT / MP_PORT / ADMIN_PORT)"; exit 1
  fi
done
command -v curl >/dev/null || { apt-get update -qq && apt-get install -y -qq curl >/dev/null; }

echo "== publishing the Native AOT gateway and management plane (a few minutes the first time)"
dotnet publish src/EdgeGateway -c Release -r linux-x64 -o artifacts/publish/EdgeGateway -nologo -v quiet -clp:ErrorsOnly
dotnet publish src/ManagementPlane -c Release -r linux-x64 -o artifacts/publish/ManagementPlane -nologo -v quiet -clp:ErrorsOnly
echo "== building the sample backend"
dotnet build samples/EchoBackend -c Release -nologo -v quiet -clp:ErrorsOnly

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM
wait_for() { for _ in $(seq 1 200); do curl -sf -o /dev/null "$1" && return 0; sleep 0.05; done; echo "no answer from $1"; return 1; }

dotnet artifacts/bin/EchoBackend/release/EchoBackend.dll --urls http://127.0.0.1:5099 >"$demo/echo-backend.log" 2>&1 &
pids+=($!)
wait_for http://127.0.0.1:5099/health || { cat "$demo/echo-backend.log"; exit 1; }

# The admin key is generated once and kept with the demo's state.
[ -f "$demo/admin-key" ] || (head -c 32 /dev/urandom | base64 | tr -d '/+=' > "$demo/admin-key")
admin_key=$(cat "$demo/admin-key")
mp="http://127.0.0.1:$mp_port"
# Demo only: the plane generates its signing and encryption keys into its state (artifacts/demo/management-state/keys/)
# and reuses them on every re-run, so the gateway keeps trusting it. Production passes them as settings.
Management__AdminKeys__0="$admin_key" Management__Store__Disk__Path="$demo/management-state" Management__DevelopmentKeys=true \
  ASPNETCORE_URLS="$mp" artifacts/publish/ManagementPlane/ManagementPlane >"$demo/management-plane.log" 2>&1 &
pids+=($!)
wait_for "$mp/signing-key" || { cat "$demo/management-plane.log"; exit 1; }

auth="Authorization: Bearer $admin_key"
curl -sf -X PUT "$mp/config" -H "$auth" -H "Content-Type: application/json" --data-binary @samples/config/management.json >/dev/null
expiry=$(date -u -d '+29 days' +%Y-%m-%dT%H:%M:%SZ)
token=$(curl -sf -X POST "$mp/gateways/gw1/token" -H "$auth" -H "Content-Type: application/json" \
  -d "{\"keyType\":\"primary\",\"expiry\":\"$expiry\"}" | sed -E 's/.*"value":"([^"]+)".*/\1/')
curl -sf "$mp/signing-key" > "$demo/signing-key.pem"

Gateway__Id=gw1 ManagementPlane__Url="$mp" ManagementPlane__Token="$token" Trust__SigningKey="$(cat "$demo/signing-key.pem")" \
  Backup__Provider=disk Backup__Disk__Path="$demo/gateway-backups" Gateway__AdminUrls="http://127.0.0.1:$admin_port" \
  artifacts/publish/EdgeGateway/EdgeGateway --urls "http://127.0.0.1:$gw_port" &
pids+=($!)
wait_for "http://127.0.0.1:$gw_port/healthz/ready"

cat <<MSG

EdgeGateway demo is running (state in artifacts/demo/).
  management plane: $mp        admin key: $admin_key
  gateway:          http://127.0.0.1:$gw_port   (id gw1, synced from the management plane, backed up to artifacts/demo/gateway-backups)
  gateway admin:    http://127.0.0.1:$admin_port   (full status; the public port answers /status-0123456789abcdef empty)
  OpenAPI document: $mp/openapi/v1.json

Call an API through the gateway:
  curl -i http://127.0.0.1:$gw_port/echo/items/42 -H 'Ocp-Apim-Subscription-Key: demo-key-change-me'
  curl -i http://127.0.0.1:$gw_port/echo/items/42            # 401: no subscription key
  curl -i http://127.0.0.1:$gw_port/open/anything            # an API without keys
Change something centrally; the gateway picks it up at once:
  curl -X PUT $mp/apis/hello -H 'Authorization: Bearer $admin_key' -H 'Content-Type: application/json' \\
       -d '{"path":"/hello","subscriptionRequired":false,"backend":{"urls":["http://127.0.0.1:5099"]}}'
  curl -X PUT $mp/gateways/gw1/apis/hello -H 'Authorization: Bearer $admin_key'
  curl -i http://127.0.0.1:$gw_port/hello/world
See the gateway from both sides:
  curl -s http://127.0.0.1:$admin_port/status-0123456789abcdef
  curl -s $mp/gateways/gw1/status -H 'Authorization: Bearer $admin_key'
Press Ctrl+C to stop.
MSG
wait "${pids[2]}"
