#!/usr/bin/env bash
# bench/run.sh: the one entry point for EdgeGateway's benchmarks. See bench/README.md.
#
#   bench/run.sh                      # all default benchmarks, writes bench/RESULTS.md
#   bench/run.sh coldstart            # only some (each name is bench/NAME.sh); other sections are kept
#   bench/run.sh --runs 21 --rounds 5 --duration 10s throughput coldstart
#
# Environment (all optional): EDGEGATEWAY_BIN (skip publishing and use this binary), BENCH_PUBLISH=1
# (publish even if a fresh binary exists), MANAGEMENTPLANE_BIN (default: the published one, published only
# if missing), COLDSTART_RUNS (11), THROUGHPUT_ROUNDS (3), WRK_DURATION (5s), WRK_CONNECTIONS (32),
# WRK_THREADS (1), BENCH_PROXIES ("edgegateway nginx caddy haproxy"), PROPAGATION_CHANGES (100),
# PROPAGATION_POLL_US (1000), FANOUT_CLIENTS (200), FANOUT_HOLD (20), FANOUT_WAIT (30),
# BACKUPSTART_RUNS (11), BACKUPSIZE_RUNS (5), BACKUPSIZE_CASES, POLICIES_SCENARIOS ("a key b c"),
# POLICIES_IP_FILTER (1), POLICIES_ROUNDS (THROUGHPUT_ROUNDS), MICRO_JOB (short), MICRO_FILTER (*),
# BENCH_PORT_BASE (18080; uses 16 ports from there), TELEMETRY_RUNS, TELEMETRY_SCRAPE_S, TELEMETRY_EXTRA_ENV, BENCH_SKIP_INSTALL=1, BENCH_KEEP=1 (keep the temp dir
# with logs and configs), BENCH_STEP_TIMEOUT (300 s per benchmark), RESULTS_MD (output file).
# bench/run.sh micro (BenchmarkDotNet, bench/micro) is not run by default; alone it needs no gateway binary.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# The benchmarks run when none is named, in this order. A new benchmark is a bench/NAME.sh that
# sources lib.sh, calls bench_init and ends with write_section NAME FILE; add its name here.
DEFAULT_BENCHMARKS=(coldstart throughput policies memory propagation fanout backupstart backupsize image telemetry)
# Benchmarks that build and run their own code: no gateway binary, proxies or backend needed.
STANDALONE_BENCHMARKS=(micro)

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; }

selected=()
while (($#)); do
    case $1 in
        -h | --help) usage; exit 0 ;;
        --runs) export COLDSTART_RUNS=$2; shift ;;
        --rounds) export THROUGHPUT_ROUNDS=$2; shift ;;
        --duration) export WRK_DURATION=$2; shift ;;
        --connections) export WRK_CONNECTIONS=$2; shift ;;
        --bin) export EDGEGATEWAY_BIN=$2; shift ;;
        -*) echo "unknown option $1" >&2; usage >&2; exit 2 ;;
        *)
            [[ -f $BENCH_DIR/$1.sh && $1 != run && $1 != lib ]] || { echo "no benchmark bench/$1.sh" >&2; exit 2; }
            selected+=("$1") ;;
    esac
    shift
done
((${#selected[@]})) || selected=("${DEFAULT_BENCHMARKS[@]}")

needs_gateway=0
for b in "${selected[@]}"; do
    [[ " ${STANDALONE_BENCHMARKS[*]} " == *" $b "* ]] || needs_gateway=1
done

started=$(date +%s)
bench_workdir
if ((needs_gateway)); then
    ensure_tools
    resolve_gateway
    ensure_firstok
    require_free_ports $(seq "$BENCH_PORT_BASE" $((BENCH_PORT_BASE + 16)))
fi
export BENCH_PREPARED=1 RESULTS_MD

log "machine: $(nproc) cores, $(cpu_model); load average $(cut -d' ' -f1-3 /proc/loadavg)"
log "benchmarks: ${selected[*]}"

# Header and how-to sections are rewritten on every run; benchmark sections only when measured.
{
    echo "Latest run of \`bench/run.sh ${selected[*]}\`; each section below says when it was measured."
    echo
    machine_table
    echo
    echo "**Read the ratios, not the absolute figures.** The machine is small and shared (other builds may"
    echo "run at the same time), and the client, the proxy and the backend all run on the same cores."
    echo "Absolute numbers move from run to run; the ratios between targets measured side by side in one run"
    echo "(interleaved, medians) are the evidence. Compare against figures from another run only with care."
} >"$WORK/header.md"
[[ -f $RESULTS_MD ]] || printf '# EdgeGateway benchmark results\n' >"$RESULTS_MD"
write_section header "$WORK/header.md"

failed=()
for b in "${selected[@]}"; do
    log "=== $b ==="
    # In the background + wait, so that a signal to run.sh is handled at once (bench_cleanup passes
    # it on to the step, which stops its own servers).
    timeout --foreground -k 20 "${BENCH_STEP_TIMEOUT:-300}" bash "$BENCH_DIR/$b.sh" </dev/null &
    STEP_PID=$!
    step_rc=0
    wait "$STEP_PID" || step_rc=$?
    STEP_PID=
    if ((step_rc != 0)); then
        log "benchmark $b FAILED (its section in RESULTS.md is left as it was)"
        failed+=("$b")
    fi
done

# The goals of issue 17, collected from every section's `Goal (issue 17): ...` lines (this run's and earlier ones').
goals_section >"$WORK/goals.md"
write_section goals "$WORK/goals.md"

cat >"$WORK/howto.md" <<'EOF'
## How to reproduce

On a Debian 12 machine with the .NET 10 SDK, from the repository root, with nothing else running:

```bash
bench/run.sh                 # the default benchmarks (publishes the gateway if needed, installs nginx-light,
                             # caddy, haproxy, wrk, gcc and jq with apt-get if missing), ~8 minutes
bench/run.sh coldstart       # one benchmark; the other sections of this file are kept
bench/run.sh micro           # the policy pipeline micro-benchmark (BenchmarkDotNet; not in the default run)
EDGEGATEWAY_BIN=artifacts/publish/EdgeGateway/EdgeGateway bench/run.sh --runs 21 --rounds 5
```

See `bench/README.md` for what each benchmark measures, the options and the caveats.
EOF
write_section howto "$WORK/howto.md"

log "done in $(($(date +%s) - started)) s; results in $RESULTS_MD"
if ((${#failed[@]})); then
    log "failed: ${failed[*]}"
    exit 1
fi
