#!/usr/bin/env bash
# The per-request policy pipeline without the network: BenchmarkDotNet (bench/micro, [MemoryDiagnoser]) runs the
# compiled pipelines of issue 10's scenarios, (a) no policies as the baseline, a subscription key alone, key +
# set-header, (b) key + set-header + ip-filter, (c) validate-jwt with an inline RS256 key, over one reused
# DefaultHttpContext, and reports the mean time and the bytes allocated per request. Benchmarks of a policy this
# build does not enforce are left out, and the section says which.
#
# Environment: MICRO_JOB (short: BenchmarkDotNet's ShortRun, 3 warm-ups + 3 iterations; "default" for its full job,
# several minutes), MICRO_FILTER ('*'). Needs no gateway binary, backend or proxy.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
bench_workdir

MICRO_JOB=${MICRO_JOB:-short}
MICRO_FILTER=${MICRO_FILTER:-*}
command -v dotnet >/dev/null || die "the .NET SDK is needed (dotnet)"

log "building and running bench/micro (Release, job $MICRO_JOB, in-process) ..."
# --inProcess: measured in this process, no second project generated and built (BenchmarkDotNet's default); the
# pipeline under test does not depend on process-level settings that an out-of-process job would change.
if ! (cd "$REPO_ROOT" && dotnet run -c Release --project bench/micro -- --filter "$MICRO_FILTER" --job "$MICRO_JOB" \
    --inProcess --artifacts "$WORK/bdn" --exporters github) >"$WORK/micro.log" 2>&1; then
    tail -40 "$WORK/micro.log" >&2
    die "bench/micro failed (log above)"
fi
report=$(find "$WORK/bdn/results" -name '*-report-github.md' 2>/dev/null | head -1)
[[ -n $report ]] || { tail -40 "$WORK/micro.log" >&2; die "BenchmarkDotNet wrote no report"; }
grep -q '^|' "$report" || { cat "$report" >&2; die "BenchmarkDotNet's report has no table"; }

{
    echo "## Policy pipeline per request (BenchmarkDotNet)"
    echo
    machine_line
    echo
    echo "\`bench/micro\` (\`dotnet run -c Release --project bench/micro -- --filter '$MICRO_FILTER' --job $MICRO_JOB --inProcess\`):"
    echo "each call is one request through what the gateway does before forwarding, on one \`DefaultHttpContext\` reset"
    echo "per call (header dictionaries cleared, the request's headers set again): route match, subscription key check"
    echo "(hash and constant-time compare), pipeline choice, the compiled inbound, backend and outbound sections"
    echo "(\`PolicyRun\` over the \`PipelineSet\` that \`GatewayRuntime\` compiled from a standalone snapshot). Forwarding is"
    echo "not in it. \`Allocated\` is per request ([MemoryDiagnoser]); the baseline is (a), the same request with no"
    echo "policies and no key, so a row's allocations beyond the baseline's are what its key check and policies cost."
    echo
    sed -n '/^```/,/^```/p' "$report"
    echo
    # BenchmarkDotNet quotes descriptions and escapes them as HTML; the quotes add nothing in a table.
    table=$(grep '^|' "$report" | sed "s/&#39;//g; s/&quot;/\"/g; s/&lt;/</g; s/&gt;/>/g; s/&amp;/\\&/g")
    echo "$table"
    echo
    echo "Every proxied request allocates one \`PolicyRun\`, with or without policies: the request's one object, which the"
    echo "transformer reads (the path after the prefix, where the key was) and the policies run on; that is what forwarding"
    echo "needs, and what (a) shows. A row's allocations beyond (a)'s are what its key check and policies cost."
    # The Allocated column of a row, by its description's start (next to last column).
    allocated() { grep -F "| $1" <<<"$table" | head -1 | awk -F'|' '{ gsub(/ /, "", $(NF-2)); print $(NF-2) }'; }
    for goal in "10:(b) key + set-header + ip-filter" "11:issue 11 (b) key + rate-limit-by-key + set-header"; do
        row=${goal#*:} base=$(allocated "(a) no policies") got=$(allocated "${goal#*:}")
        verdict="**not met** ($got against (a)'s $base)"
        [[ -n $got && $got == "$base" ]] && verdict="**met** ($got, as (a))"
        echo "Goal (issue ${goal%%:*}): \"$row\" allocates nothing per request beyond what forwarding needs: $verdict."
    done
} >"$WORK/micro.md"

echo
cat "$WORK/micro.md"
write_section micro "$WORK/micro.md"
