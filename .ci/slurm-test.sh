#!/usr/bin/env bash
# A sharded run on a real single-node Slurm, started here on localhost for the test only.
#
# Installs Debian's slurmctld, slurmd and slurm-client if they are missing, writes a
# TEST-ONLY slurm.conf (AuthType=auth/none: no authentication at all, never for a real
# cluster) under a temporary directory, starts slurmctld and slurmd, submits the example
# job array (examples/slurm/submit.sh: 4 shards + a merge job with afterok), waits with
# bounded timeouts, checks that the merged output equals the single-process output (timing
# aside), does the same for a small sweep (SWEEP=..., merged results.csv == `deter sweep`
# byte for byte) and for a nested run (POSTERIOR=... DRAWS=...: the merged JSON and HTML page
# == the unsharded nested run's byte for byte, the table timing aside), and stops the daemons
# it started.
#
# Never hangs: every wait is bounded. If Slurm cannot be installed or started, it says so
# loudly and exits 0 (skipped) unless DETER_REQUIRE_SLURM=1, which turns a skip into a
# failure. A wrong result always fails.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

RUNS=${RUNS:-20000}
N=4
SCENARIO=scenarios/western-balkans-2024.toml
unset SWEEP POSTERIOR DRAWS # set below, for the sweep and nested submissions only

say() { echo "slurm-test: $*"; }
skip() {
    echo "################################################################################"
    echo "slurm-test: SKIPPED: $*"
    echo "slurm-test: the real-Slurm test of sharding did NOT run"
    echo "################################################################################"
    if [ "${DETER_REQUIRE_SLURM:-0}" = 1 ]; then exit 1; fi
    exit 0
}
fail() {
    echo "slurm-test: FAILED: $*" >&2
    exit 1
}

# --- install -----------------------------------------------------------------------------
have_slurm() { command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v sbatch >/dev/null; }
if ! have_slurm; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
        skip "Slurm is not installed and this is not root with apt-get"
    fi
    say "installing slurmctld slurmd slurm-client (apt-get, at most 10 minutes)"
    export DEBIAN_FRONTEND=noninteractive
    apt_install() {
        timeout 480 apt-get install -y -q --no-install-recommends slurmctld slurmd slurm-client \
            >/tmp/deter-slurm-apt.log 2>&1
    }
    if ! apt_install; then
        timeout 120 apt-get update -q >/tmp/deter-slurm-apt-update.log 2>&1 || true
        apt_install || { tail -n 20 /tmp/deter-slurm-apt.log; skip "apt-get could not install the Slurm packages"; }
    fi
    have_slurm || skip "the Slurm packages installed but the commands are missing"
fi
say "Slurm $(dpkg-query -W -f '${Version}' slurmctld 2>/dev/null || echo "(version unknown)")"

# --- the binary --------------------------------------------------------------------------
timeout 900 cargo build --release --quiet
DETER=$root/target/release/deter
[ -x "$DETER" ] || fail "no $DETER"

# --- a test-only cluster -----------------------------------------------------------------
T=$(mktemp -d /tmp/deter-slurm.XXXXXX)
chmod 755 "$T"
mkdir -p "$T/state" "$T/spool" "$T/log" "$T/run" "$T/work"
node=$(hostname -s 2>/dev/null || uname -n)
cpus=$(nproc)
# Ports away from the defaults (6817/6818), chosen per run, so that a system Slurm or a
# leftover test cluster cannot answer instead.
port=$((20000 + ($$ % 20000)))
cat >"$T/slurm.conf" <<EOF
# TEST ONLY: no authentication (auth/none, cred/none). Never use this on a real cluster.
ClusterName=detertest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/none
CredType=cred/none
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/run/slurmctld.pid
SlurmdPidFile=$T/run/slurmd.pid
SlurmctldLogFile=$T/log/slurmctld.log
SlurmdLogFile=$T/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
SchedulerType=sched/builtin
SchedulerParameters=sched_interval=1
MinJobAge=600
MailProg=/bin/true
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$T/slurm.conf

stop_daemons() {
    for d in slurmd slurmctld; do
        pidfile=$T/run/$d.pid
        [ -s "$pidfile" ] || continue
        pid=$(cat "$pidfile")
        kill "$pid" 2>/dev/null || continue
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    done
}
show_logs() {
    for f in "$T"/log/*.log "$T"/work/*.log; do
        [ -f "$f" ] || continue
        echo "---- $f (last 30 lines)"
        tail -n 30 "$f"
    done
}
cleanup() {
    status=$?
    stop_daemons
    if [ "$status" != 0 ]; then show_logs; say "kept $T for inspection"; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 143' TERM INT HUP

say "starting slurmctld and slurmd on $node (port $port), config $SLURM_CONF"
timeout 30 slurmctld -i || { show_logs; skip "slurmctld did not start"; }
timeout 30 slurmd || { show_logs; skip "slurmd did not start"; }

idle=""
for _ in $(seq 1 60); do
    idle=$(timeout 5 sinfo -h -n "$node" -o %T 2>/dev/null || true)
    case $idle in idle*) break ;; esac
    sleep 0.5
done
case $idle in idle*) ;; *) show_logs; skip "the node did not become idle within 30 s (state: ${idle:-none})" ;; esac
say "node $node is idle"

# --- the sharded run through the example scripts -----------------------------------------
started=$(date +%s)
cd "$T/work"
cp "$root/$SCENARIO" balkans.toml
ids=$(N=$N RUNS=$RUNS SCENARIO=balkans.toml DETER=$DETER OUTDIR=$T/work/out \
    timeout 30 "$root/examples/slurm/submit.sh")
read -r array_id merge_id <<<"$ids"
say "submitted array job $array_id ($N tasks) and merge job $merge_id (afterok)"

# Wait (at most 90 s) until jobs $1 (array) and $2 (merge) have left the queue, then check
# that the merge job completed.
wait_jobs() {
    local done_waiting="" left state
    for _ in $(seq 1 180); do
        left=$(timeout 5 squeue -h -j "$1,$2" -o %i 2>/dev/null | wc -l) || left=1
        if [ "$left" = 0 ]; then done_waiting=1; break; fi
        sleep 0.5
    done
    [ -n "$done_waiting" ] || { timeout 5 squeue || true; fail "jobs still queued after 90 s"; }
    state=$(timeout 5 scontrol show job "$2" 2>/dev/null | grep -o 'JobState=[A-Z_]*' || true)
    [ "$state" = JobState=COMPLETED ] || fail "merge job $2 ended in ${state:-an unknown state}"
}
wait_jobs "$array_id" "$merge_id"
say "all jobs done in $(($(date +%s) - started)) s"

# --- compare with the single-process run -------------------------------------------------
for k in $(seq 0 $((N - 1))); do
    [ -s "out/part-$k.json" ] || fail "shard $k wrote no out/part-$k.json"
done
timeout 120 "$DETER" run balkans.toml --runs "$RUNS" --format json --out single.json --quiet
timeout 120 "$DETER" run balkans.toml --runs "$RUNS" --out single.txt --quiet
# JSON: everything before the timing object (its last key); table: all but the timing line.
before_timing() { sed -n '/^  "timing": {/q;p' "$1"; }
but_line_2() { sed '2d' "$1"; }
cmp <(before_timing single.json) <(before_timing out/result.json) ||
    fail "merged JSON differs from the single-process run"
[ "$(before_timing single.json | wc -l)" -gt 50 ] || fail "single.json looks truncated"
cmp <(but_line_2 single.txt) <(but_line_2 out/result.txt) ||
    fail "merged table differs from the single-process run"
grep -q "Western Balkans 2024" out/report.html || fail "the merge job wrote no HTML report"
say "PASSED: $N Slurm array tasks + afterok merge == single process ($RUNS runs), byte for byte apart from timing"

# --- a sharded sweep through the same scripts (SWEEP set) ----------------------------------
cat >sweep.toml <<'EOF_SWEEP'
base = "balkans.toml"
runs = 301
seed = 3
[[parameter]]
path = "country.XKX.military.budget"
role = "lever"
values = [0.162, 0.4, 0.6]
EOF_SWEEP
started=$(date +%s)
ids=$(N=$N SWEEP=sweep.toml DETER=$DETER OUTDIR=$T/work/out-sweep \
    timeout 30 "$root/examples/slurm/submit.sh")
read -r array_id merge_id <<<"$ids"
say "submitted sweep array job $array_id ($N tasks) and merge job $merge_id (afterok)"
wait_jobs "$array_id" "$merge_id"
say "sweep jobs done in $(($(date +%s) - started)) s"
timeout 120 "$DETER" sweep sweep.toml --out single-sweep.csv --quiet
[ "$(wc -l <single-sweep.csv)" = 4 ] || fail "single-sweep.csv should have a header and 3 rows"
cmp single-sweep.csv out-sweep/results.csv ||
    fail "merged sweep results differ from the single-process sweep"
say "PASSED: $N Slurm array tasks of a sweep + afterok merge == single-process deter sweep, byte for byte"

# --- a sharded nested run through the same scripts (POSTERIOR and DRAWS set) --------------
# A posterior as `deter calibrate` writes it (two columns, weights): 5 draws x 200 runs in 4
# shards, so draws are split between shards. The merged JSON and page must equal the
# unsharded nested run's byte for byte (they hold no timing), the table apart from its timing
# line (line 2: the draws and, after `|`, the time or the shards' total compute time).
cat >posterior.csv <<'EOF_POSTERIOR'
# deter calibrate: posterior draws
# seed = 1
draw,model.war_cost,alliance.NATO.reliability,weight,distance
0,0.3,0.5,0.1,0
1,0.9,0.7,0.3,0
2,1.4,0.3,0.6,0
EOF_POSTERIOR
NESTED_DRAWS=5
NESTED_RUNS=200
started=$(date +%s)
ids=$(N=$N POSTERIOR=posterior.csv DRAWS=$NESTED_DRAWS RUNS=$NESTED_RUNS SCENARIO=balkans.toml \
    DETER=$DETER OUTDIR=$T/work/out-nested timeout 30 "$root/examples/slurm/submit.sh")
read -r array_id merge_id <<<"$ids"
say "submitted nested array job $array_id ($N tasks) and merge job $merge_id (afterok)"
wait_jobs "$array_id" "$merge_id"
say "nested jobs done in $(($(date +%s) - started)) s"
for k in $(seq 0 $((N - 1))); do
    [ -s "out-nested/part-$k.json" ] || fail "nested shard $k wrote no out-nested/part-$k.json"
done
nested=(run balkans.toml --posterior posterior.csv --draws "$NESTED_DRAWS" --runs "$NESTED_RUNS" --quiet)
timeout 120 "$DETER" "${nested[@]}" --format json --out single-nested.json --report single-nested.html
timeout 120 "$DETER" "${nested[@]}" --out single-nested.txt
grep -q '"draws": '"$NESTED_DRAWS" single-nested.json || fail "single-nested.json is not a nested run of $NESTED_DRAWS draws"
cmp single-nested.json out-nested/result.json ||
    fail "merged nested JSON differs from the unsharded nested run"
cmp <(but_line_2 single-nested.txt) <(but_line_2 out-nested/result.txt) ||
    fail "merged nested table differs from the unsharded nested run (apart from its timing line)"
cmp single-nested.html out-nested/report.html ||
    fail "merged nested HTML page differs from the unsharded nested run"
say "PASSED: $N Slurm array tasks of a nested run + afterok merge == unsharded nested run ($NESTED_DRAWS draws x $NESTED_RUNS runs), byte for byte apart from the table's timing"
