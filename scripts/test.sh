#!/usr/bin/env bash
# Runs every test on a fresh Debian machine with the .NET 10 SDK: installs what the tests need,
# publishes the Native AOT binaries once, and runs all test projects against them.
# Ends with one line "tests: N passed, N failed, N skipped"; exits non-zero if anything failed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '\n== %s\n' "$*"; }

apt_updated=0
need_apt() { # need_apt COMMAND PACKAGE...
  command -v "$1" >/dev/null 2>&1 && return 0
  shift
  log "installing $*"
  if [ "$apt_updated" = 0 ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

need_apt node nodejs
need_apt npm npm
need_apt flock util-linux
need_apt curl curl   # the docs walkthrough and scripts/run.sh, run by the end-to-end tests
need_apt jq jq
need_apt redis-server redis-server   # shared counters and response cache: the tests start their own on free ports
need_apt podman podman runc   # the container image tests build the Dockerfile and run both images (runc: crun fails on hybrid cgroups)
need_apt runc runc
need_apt chromium chromium   # the developer portal's browser tests (Playwright drives /usr/bin/chromium; no browser download)

log "npm packages from their lock files (storage emulators, OpenAPI example documents)"
for dir in tests/emulators tests/ManagementPlane.Tests/oas tests/infra-tools; do
  [ -f "$dir/package-lock.json" ] || continue
  (cd "$dir" && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; })
done

log "build"
dotnet build EdgeGateway.slnx -c Debug -nologo -v quiet -clp:ErrorsOnly

log "publish Native AOT binaries once for every end-to-end test"
publish() { # publish PROJECT: zero IL trim/AOT warnings from our code, or fail
  local out="$root/artifacts/publish/$1" logf="$root/artifacts/publish-$1.log"
  mkdir -p "$out"
  if ! dotnet publish "src/$1" -c Release -r linux-x64 -o "$out" -nologo >"$logf" 2>&1; then
    cat "$logf"; echo "publish of $1 failed"; exit 1
  fi
  if grep -E 'warning IL[23][0-9]{3}' "$logf" | grep -v 'Microsoft.NET.Publish' >/dev/null; then
    grep -E 'warning IL[23][0-9]{3}' "$logf" | sort -u; echo "trim/AOT warnings in $1"; exit 1
  fi
  echo "$1: $(du -h "$out/$1" | cut -f1) native binary, no IL2xxx/IL3xxx warnings"
}
publish EdgeGateway
export EDGEGATEWAY_BIN="$root/artifacts/publish/EdgeGateway/EdgeGateway"
if [ -d src/ManagementPlane ]; then
  publish ManagementPlane
  export MANAGEMENTPLANE_BIN="$root/artifacts/publish/ManagementPlane/ManagementPlane"
fi

# run_project CSPROJ NAME HANG_TIMEOUT FLOOR: runs one test project; sets p f s (counts) and verdict.
# A test that hangs is killed after HANG_TIMEOUT; a whole project after 30 minutes.
run_project() {
  local project=$1 name=$2 hang=$3 floor=$4 rc line problems=()
  set +e
  timeout --kill-after=60s 30m dotnet test "$project" --no-build -c Debug -nologo \
      --blame-hang-timeout "$hang" --blame-hang-dump-type none \
      --logger "trx;LogFileName=$name.trx" --results-directory "$results" >"$results/$name.log" 2>&1
  rc=$?
  set -e
  grep -E '^\s*(Failed|Passed!|Failed!|Skipped) |error|Test host process crashed|aborted|hang' "$results/$name.log" || true
  line=$(grep -E '^\s*(Passed|Failed)!' "$results/$name.log" | tail -n 1 || true)
  if [ -n "$line" ]; then
    read -r p f s < <(sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \1 \3/' <<<"$line")
  else
    p=0 f=0 s=0
  fi
  if [ -z "$line" ]; then problems+=("no summary (crashed or hung)"); fi
  if [ "$rc" != 0 ]; then problems+=("exit code $rc"); fi
  # A project that hung, crashed or exited non-zero counts as a failure even when its runner reported none.
  if [ ${#problems[@]} != 0 ] && [ "$f" = 0 ]; then f=1; fi
  if [ "$p" -lt "$floor" ]; then problems+=("only $p passed, floor is $floor"); fi
  verdict=ok
  if [ ${#problems[@]} != 0 ]; then verdict="FAILED: $(IFS=','; echo "${problems[*]}")"; fi
}

results="$root/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"

log "runner self-check: a hung, a crashed and a shrunken test project must each fail the run"
fixture=scripts/runner-check/RunnerCheck.csproj
dotnet build "$fixture" -c Debug -nologo -v quiet -clp:ErrorsOnly >/dev/null
selfcheck=ok
for case in "RUNNER_CHECK=hang:hang" "RUNNER_CHECK=crash:crash" "RUNNER_CHECK=none:floor"; do
  IFS=: read -r envvar what <<<"$case"
  floor=1; [ "$what" = floor ] && floor=999
  (export "$envvar"; run_project "$fixture" "runner-check-$what" 15s "$floor"; echo "$verdict" >"$results/runner-check-$what.verdict") >/dev/null
  got=$(cat "$results/runner-check-$what.verdict")
  echo "$what: $got"
  case "$got" in FAILED*) ;; *) selfcheck="a $what project was not caught";; esac
done
(export RUNNER_CHECK=none; run_project "$fixture" runner-check-ok 15s 1; echo "$verdict" >"$results/runner-check-ok.verdict") >/dev/null
echo "healthy: $(cat "$results/runner-check-ok.verdict")"
[ "$(cat "$results/runner-check-ok.verdict")" = ok ] || selfcheck="a healthy project was not passed"
if [ "$selfcheck" != ok ]; then echo "runner self-check failed: $selfcheck"; exit 1; fi

log "tests"
# Each project must run at least as many tests as its floor in tests/test-floors.txt, so a suite that
# silently loses its tests (a broken discovery, a deleted class) fails the run instead of shrinking it.
# A project named twice (a merge's leftover) is a mistake in the file: the run stops and says so.
floor_of() {
  awk -v n="$1" '$1 == n { c++; f = $2 } END { if (c > 1) { print "tests/test-floors.txt names " n " " c " times" > "/dev/stderr"; exit 1 } print (c ? f : 1) }' tests/test-floors.txt
}
status=0 passed=0 failed=0 skipped=0
summary=()
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  echo "-- $name"
  floor=$(floor_of "$name")
  run_project "$project" "$name" 10m "$floor"
  [ "$verdict" = ok ] || status=1
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
  summary+=("$(printf '%-32s %5d passed %3d failed %3d skipped  (floor %d)  %s' "$name" "$p" "$f" "$s" "$floor" "$verdict")")
done

echo
printf '%s\n' "${summary[@]}"
echo
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$failed" != 0 ] || [ "$skipped" != 0 ] || [ "$passed" = 0 ]; then status=1; fi
exit $status
