#!/usr/bin/env bash
# The main job on the embedded default (local disk, no cloud account): builds both Native AOT binaries,
# starts a management plane (state on local disk), a sample backend, and a gateway wired to the
# management plane with a local-disk backup; applies samples/config/management.json; prints the admin
# key, the URLs and what to curl. State, logs and pid files live in artifacts/demo/.
#
#   scripts/run.sh            publish (when the sources changed), start everything, wait; Ctrl+C stops everything
#   scripts/run.sh gateway    (re)start only the gateway, with the running demo's settings (an outage drill)
#   scripts/run.sh plane      (re)start only the management plane
#   scripts/run.sh backend    (re)start only the sample backend
#   scripts/run.sh stop       stop every part of the demo
#
# Stopping one part (kill $(cat artifacts/demo/gateway.pid)) leaves the others running.
# Settings: PORT (gateway, 8080), MP_PORT (5000), ADMIN_PORT (9090), BACKEND_PORT (5099),
# DEMO_DIR (artifacts/demo), SKIP_PUBLISH=1 (use the binaries in artifacts/publish as they are).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
demo=${DEMO_DIR:-$root/artifacts/demo}
mkdir -p "$demo"
demo=$(cd "$demo" && pwd)
command=${1:-all}

# The ports are the demo's settings: a subcommand reuses the ones the running demo was started with.
if [ "$command" != all ] && [ -f "$demo/ports" ]; then
  # shellcheck source=/dev/null
  . "$demo/ports"
fi
gw_port=${PORT:-${gw_port:-8080}}
mp_port=${MP_PORT:-${mp_port:-5000}}
admin_port=${ADMIN_PORT:-${admin_port:-9090}}
backend_port=${BACKEND_PORT:-${backend_port:-5099}}
mp="http://127.0.0.1:$mp_port"
# EDGEGATEWAY_BIN / MANAGEMENTPLANE_BIN (as scripts/test.sh exports them) / ECHO_BACKEND_DLL: use these, build nothing.
gateway_bin=${EDGEGATEWAY_BIN:-$root/artifacts/publish/EdgeGateway/EdgeGateway}
plane_bin=${MANAGEMENTPLANE_BIN:-$root/artifacts/publish/ManagementPlane/ManagementPlane}
backend_dll=${ECHO_BACKEND_DLL:-$root/artifacts/bin/EchoBackend/release/EchoBackend.dll}

# alive PID: running, not a zombie (an orphan's exit is reaped only if the container's init does that).
alive() { [ -r "/proc/$1/stat" ] && [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)" != Z ]; }
# is_running NAME: its pid file names a live process that is still that part (a pid left by a crash may be reused by another program).
is_running() {
  [ -f "$demo/$1.pid" ] || return 1
  local pid; pid=$(cat "$demo/$1.pid")
  alive "$pid" || return 1
  local want
  case "$1" in gateway) want=EdgeGateway ;; management-plane) want=ManagementPlane ;; echo-backend) want=EchoBackend ;; *) want=run.sh ;; esac
  [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" == *"$want"* ]]
}

wait_for() { # wait_for URL PART: until URL answers 2xx, at most 30 s; fails early when PART's process exits
  for _ in $(seq 1 300); do
    curl -sf -o /dev/null "$1" && return 0
    is_running "$2" || { echo "$2 exited; its log, $demo/$2.log:"; tail -n 30 "$demo/$2.log"; return 1; }
    sleep 0.1
  done
  echo "no answer from $1 within 30 s; $demo/$2.log:"; tail -n 30 "$demo/$2.log"; return 1
}

stop_part() { # stop_part NAME: SIGTERM, then wait for it to exit (a gateway finishes its backup and last heartbeat)
  is_running "$1" || { rm -f "$demo/$1.pid"; return 0; }
  local pid; pid=$(cat "$demo/$1.pid")
  kill "$pid" 2>/dev/null || true  # a TERM lets a gateway finish its backup and say goodbye
  for _ in $(seq 1 300); do alive "$pid" || break; sleep 0.1; done
  alive "$pid" && kill -9 "$pid" 2>/dev/null || true
  rm -f "$demo/$1.pid"
}

# start_part NAME COMMAND...: in the background, detached from this script (it outlives a subcommand),
# log appended to $demo/NAME.log, pid in $demo/NAME.pid.
start_part() {
  local name=$1; shift
  stop_part "$name"
  nohup "$@" >>"$demo/$name.log" 2>&1 </dev/null &
  echo $! >"$demo/$name.pid"
}

start_backend() {
  start_part echo-backend dotnet "$backend_dll" --urls "http://127.0.0.1:$backend_port"
  wait_for "http://127.0.0.1:$backend_port/health" echo-backend
}

start_plane() {
  # Demo only: the plane generates its signing and encryption keys into its state (management-state/keys/)
  # and reuses them on every re-run, so the gateway keeps trusting it. Production passes them as settings.
  start_part management-plane env Management__AdminKeys__0="$(cat "$demo/admin-key")" \
    Management__Store__Disk__Path="$demo/management-state" Management__DevelopmentKeys=true \
    ASPNETCORE_URLS="$mp" "$plane_bin"
  wait_for "$mp/signing-key" management-plane
}

start_gateway() {
  # The token is read from a file (re-read when it changes), so a renewed one needs no restart.
  start_part gateway env Gateway__Id=gw1 ManagementPlane__Url="$mp" ManagementPlane__TokenFile="$demo/gateway-token" \
    Trust__SigningKey="$(cat "$demo/signing-key.pem")" \
    Backup__Provider=disk Backup__Disk__Path="$demo/gateway-backups" Gateway__AdminUrls="http://127.0.0.1:$admin_port" \
    "$gateway_bin" --urls "http://127.0.0.1:$gw_port"
  wait_for "http://127.0.0.1:$gw_port/healthz/ready" gateway
}

stop_all() { for part in gateway management-plane echo-backend; do stop_part "$part"; done; }

case "$command" in
  gateway | plane | backend)
    [ -f "$demo/ports" ] || { echo "no demo in $demo: start it with scripts/run.sh first"; exit 1; }
    case "$command" in
      gateway) start_gateway
        echo "gateway restarted (pid $(cat "$demo/gateway.pid"), log $demo/gateway.log): http://127.0.0.1:$gw_port"
        status=$(curl -s "http://127.0.0.1:$admin_port/status-0123456789abcdef" || true)
        echo "  serving revision $(grep -o '"revision":[0-9]*' <<<"$status" | head -n 1 | cut -d: -f2) from $(grep -o '"configSource":"[^"]*"' <<<"$status" | cut -d'"' -f4)" ;;
      plane) start_plane; echo "management plane restarted (pid $(cat "$demo/management-plane.pid"), log $demo/management-plane.log): $mp" ;;
      backend) start_backend; echo "sample backend restarted (pid $(cat "$demo/echo-backend.pid")): http://127.0.0.1:$backend_port" ;;
    esac
    exit 0 ;;
  stop) # the demo's own script first (its Ctrl+C handling stops the parts), then whatever is left
    if is_running run; then kill -TERM "$(cat "$demo/run.pid")" 2>/dev/null || true; for _ in $(seq 1 600); do is_running run || break; sleep 0.1; done; fi
    stop_all; rm -f "$demo/run.pid"; echo "demo stopped"; exit 0 ;;
  all) ;;
  *) echo "usage: scripts/run.sh [gateway|plane|backend|stop]"; exit 2 ;;
esac

for part in run gateway management-plane echo-backend; do
  if is_running "$part"; then
    echo "a demo is already running from $demo ($part, pid $(cat "$demo/$part.pid")): stop it with scripts/run.sh stop"; exit 1
  fi
done
for p in "$backend_port" "$gw_port" "$mp_port" "$admin_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    echo "port $p is already in use: stop what listens there (or set PORT / MP_PORT / ADMIN_PORT / BACKEND_PORT)"; exit 1
  fi
done
command -v curl >/dev/null || { apt-get update -qq && apt-get install -y -qq curl >/dev/null; }

# step TITLE COMMAND...: one line per step with its time; while a long step runs, a line every 15 s says it is alive.
step() {
  local title=$1 log; shift
  log="$demo/build-$(echo "$title" | tr -c 'A-Za-z0-9\n' '-' | tr 'A-Z' 'a-z').log"
  local start=$SECONDS
  echo "== $title"
  "$@" >"$log" 2>&1 &
  local pid=$!
  # A job in the background ignores Ctrl+C: pass it on.
  trap 'kill "$pid" 2>/dev/null; echo; echo "== stopped during: $title"; exit 130' INT TERM
  local said=$SECONDS
  while kill -0 "$pid" 2>/dev/null; do
    sleep 0.5
    if kill -0 "$pid" 2>/dev/null && [ $((SECONDS - said)) -ge 15 ]; then
      said=$SECONDS
      echo "   ... $((SECONDS - start)) s, still working (log: $log, last line: $(tail -n 1 "$log" | cut -c1-100))"
    fi
  done
  if ! wait "$pid"; then cat "$log"; echo "== $title FAILED after $((SECONDS - start)) s (log: $log)"; exit 1; fi
  trap - INT TERM
  echo "   done in $((SECONDS - start)) s"
}

# newer_sources OUTPUT DIR...: true when OUTPUT is missing or a file under the DIRs (or the build settings) is newer.
newer_sources() {
  local out=$1; shift
  [ -f "$out" ] || return 0
  [ -n "$(find "$@" Directory.Build.props Directory.Packages.props global.json -newer "$out" -type f \
      -not -path '*/bin/*' -not -path '*/obj/*' -print -quit 2>/dev/null)" ]
}

if [ "${SKIP_PUBLISH:-0}" = 1 ]; then
  echo "== SKIP_PUBLISH=1: using the binaries in artifacts/publish as they are"
else
  # exec: step runs this in the background and stops it on Ctrl+C by pid, which must be dotnet's, not a subshell's.
  publish() { exec dotnet publish "src/$1" -c Release -r linux-x64 -o "artifacts/publish/$1" -nologo -v minimal -clp:NoSummary; }
  if [ -n "${EDGEGATEWAY_BIN:-}" ]; then
    echo "== gateway: EDGEGATEWAY_BIN=$gateway_bin"
  elif newer_sources "$gateway_bin" src/EdgeGateway src/EdgeGateway.Contracts src/Backup.Providers; then
    step "publishing the Native AOT gateway (1-3 minutes the first time)" publish EdgeGateway
  else
    echo "== gateway binary is newer than its sources: not publishing again"
  fi
  if [ -n "${MANAGEMENTPLANE_BIN:-}" ]; then
    echo "== management plane: MANAGEMENTPLANE_BIN=$plane_bin"
  elif newer_sources "$plane_bin" src/ManagementPlane src/EdgeGateway.Contracts src/Backup.Providers; then
    step "publishing the Native AOT management plane (1-3 minutes the first time)" publish ManagementPlane
  else
    echo "== management plane binary is newer than its sources: not publishing again"
  fi
fi
if [ -z "${ECHO_BACKEND_DLL:-}" ] && newer_sources "$backend_dll" samples/EchoBackend; then
  step "building the sample backend" dotnet build samples/EchoBackend -c Release -nologo -v minimal -clp:NoSummary
fi

cat >"$demo/ports" <<PORTS
gw_port=$gw_port
mp_port=$mp_port
admin_port=$admin_port
backend_port=$backend_port
PORTS

logs_pid= sleep_pid=
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  echo; echo "== stopping the demo"
  for pid in $logs_pid $sleep_pid; do kill "$pid" 2>/dev/null || true; done
  stop_all
  rm -f "$demo/run.pid"
  exit "$rc"
}
trap cleanup EXIT INT TERM
echo $$ >"$demo/run.pid"

start_backend

# The admin key is generated once and kept with the demo's state.
[ -f "$demo/admin-key" ] || (umask 077; head -c 32 /dev/urandom | base64 | tr -d '/+=' >"$demo/admin-key")
admin_key=$(cat "$demo/admin-key")
start_plane

auth="Authorization: Bearer $admin_key"
# The sample config names the backend on its default port; a BACKEND_PORT elsewhere is put in its place.
sed "s#127.0.0.1:5099#127.0.0.1:$backend_port#g" samples/config/management.json \
  | curl -sSf -X PUT "$mp/config" -H "$auth" -H "Content-Type: application/json" --data-binary @- >/dev/null
expiry=$(date -u -d '+29 days' +%Y-%m-%dT%H:%M:%SZ)
(umask 077; curl -sSf -X POST "$mp/gateways/gw1/token" -H "$auth" -H "Content-Type: application/json" \
  -d "{\"keyType\":\"primary\",\"expiry\":\"$expiry\"}" | sed -E 's/.*"value":"([^"]+)".*/\1/' >"$demo/gateway-token")
curl -sSf "$mp/signing-key" >"$demo/signing-key.pem"

: >>"$demo/gateway.log"
tail -n 0 -F "$demo/gateway.log" 2>/dev/null &   # the gateway's log, here too (also across restarts)
logs_pid=$!
start_gateway

# The developer portal (served by the management plane at /portal): settings, descriptions, a cors policy so try-it
# pages may call the gateway, and a ready consumer account (its password generated once and kept with the demo's state).
portal_email=consumer@example.com
[ -f "$demo/portal-consumer-password" ] || (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$demo/portal-consumer-password")
portal_password=$(cat "$demo/portal-consumer-password")
curl -sSf -X PUT "$mp/portal-settings" -H "$auth" -H "Content-Type: application/json" \
  -d "{\"title\":\"EdgeGateway demo portal\",\"gatewayUrl\":\"http://127.0.0.1:$gw_port\",\"signUp\":\"approval\"}" >/dev/null
curl -sSf -X PUT "$mp/apis/echo/description" -H "$auth" -H "Content-Type: text/markdown" \
  --data-binary 'Echoes every request back as JSON: method, path, query and headers. Try **Get an item** with your key.' >/dev/null
curl -sSf -X PUT "$mp/products/starter/description" -H "$auth" -H "Content-Type: text/markdown" \
  --data-binary 'The demo product: the *Echo API*, a key at once.' >/dev/null
curl -sSf -X PUT "$mp/policies" -H "$auth" -H "Content-Type: application/json" -d "{\"inbound\":[{\"type\":\"cors\",
  \"allowedOrigins\":[\"$mp\"],\"allowedMethods\":[\"GET\",\"POST\",\"PUT\",\"DELETE\"],
  \"allowedHeaders\":[\"Ocp-Apim-Subscription-Key\",\"Content-Type\"],\"terminateUnmatchedRequest\":false}]}" >/dev/null
code=$(curl -sS -o "$demo/portal-consumer.json" -w '%{http_code}' -X POST "$mp/accounts" -H "$auth" -H "Content-Type: application/json" \
  -d "{\"email\":\"$portal_email\",\"displayName\":\"Demo consumer\",\"password\":\"$portal_password\"}")
case "$code" in 201 | 409) ;; *) echo "creating the portal's demo consumer failed ($code): $(cat "$demo/portal-consumer.json")"; exit 1 ;; esac

rel=${demo#"$root"/}
cat <<MSG

EdgeGateway demo is running (state, logs and pid files in $rel/).
  management plane: $mp        admin key: $admin_key  (in $rel/admin-key)
  gateway:          http://127.0.0.1:$gw_port   (id gw1, synced from the management plane, backed up to $rel/gateway-backups)
  gateway token:    in $rel/gateway-token (ManagementPlane__TokenFile; expires $expiry)
  gateway admin:    http://127.0.0.1:$admin_port   (full status; the public port answers /status-0123456789abcdef empty)
  OpenAPI document: $mp/openapi/v1.json
  developer portal: $mp/portal   sign in as $portal_email, password $portal_password  (in $rel/portal-consumer-password)
  binaries:         ${gateway_bin#"$root"/}, ${plane_bin#"$root"/}

Call an API through the gateway:
  curl -i http://127.0.0.1:$gw_port/echo/items/42 -H 'Ocp-Apim-Subscription-Key: demo-key-change-me'
  curl -i http://127.0.0.1:$gw_port/echo/items/42            # 401: no subscription key
  curl -i http://127.0.0.1:$gw_port/open/anything            # an API without keys
Change something centrally; the gateway picks it up at once:
  curl -X PUT $mp/apis/hello -H 'Authorization: Bearer $admin_key' -H 'Content-Type: application/json' \\
       -d '{"path":"/hello","subscriptionRequired":false,"backend":{"urls":["http://127.0.0.1:$backend_port"]}}'
  curl -X PUT $mp/gateways/gw1/apis/hello -H 'Authorization: Bearer $admin_key'
  curl -i http://127.0.0.1:$gw_port/hello/world
See the gateway from both sides:
  curl -s http://127.0.0.1:$admin_port/status-0123456789abcdef
  curl -s $mp/gateways/gw1/status -H 'Authorization: Bearer $admin_key'
The walkthrough in docs/management-api.md runs against this demo; its variables:
  MP=$mp
  AUTH="Authorization: Bearer \$(cat $rel/admin-key)"
  JSON="Content-Type: application/json"
Outage drill (docs/operations.md): the parts run on their own, so stop one and watch the others:
  kill \$(cat $rel/management-plane.pid)     # the management plane is down; the gateway keeps serving
  scripts/run.sh gateway                     # restart the gateway: it starts from its backup (fail static)
  curl -i http://127.0.0.1:$gw_port/echo/items/42 -H 'Ocp-Apim-Subscription-Key: demo-key-change-me'
  scripts/run.sh plane                       # bring the plane back; the gateway reconnects
  (likewise kill \$(cat $rel/gateway.pid); scripts/run.sh stop stops everything)
Press Ctrl+C to stop everything.
MSG
while :; do
  sleep 3600 &
  sleep_pid=$!
  wait "$sleep_pid" || true
done
