#!/bin/bash
# Submit a sharded deter run to Slurm: an N-task job array, then a merge job that waits for
# all of it (afterok). Usage, from the directory holding the scenario:
#   N=16 RUNS=1000000 SCENARIO=my-region.toml OUTDIR=$PWD/deter-out examples/slurm/submit.sh
# or, for a sweep (its runs, seed and points come from the sweep file):
#   N=16 SWEEP=my-sweep.toml OUTDIR=$PWD/deter-out examples/slurm/submit.sh
# Prints the two job ids on stdout (array, merge). Results: $OUTDIR/result.json and
# $OUTDIR/result.txt, or for a sweep $OUTDIR/results.csv (+ results.sensitivity.csv).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
N=${N:-4}
export OUTDIR=${OUTDIR:-$PWD/deter-$(date +%Y%m%d-%H%M%S)}
if [ -e "$OUTDIR" ] && [ -n "$(ls -A "$OUTDIR" 2>/dev/null)" ]; then
    echo "submit.sh: $OUTDIR is not empty; use a fresh OUTDIR per run" >&2
    exit 2
fi
mkdir -p "$OUTDIR"

# --parsable prints "jobid" or "jobid;cluster".
array_id=$(sbatch --parsable --array=0-$((N - 1)) --export=ALL "$here/shard.sbatch")
array_id=${array_id%%;*}
merge_id=$(sbatch --parsable --dependency=afterok:"$array_id" --kill-on-invalid-dep=yes \
    --export=ALL "$here/merge.sbatch")
merge_id=${merge_id%%;*}
echo "array job $array_id ($N shards), merge job $merge_id; results in $OUTDIR" >&2
echo "$array_id $merge_id"
