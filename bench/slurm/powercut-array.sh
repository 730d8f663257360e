#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A power-cut campaign on a Slurm cluster: one shard of the cut points
# per task of an array job, then a merge step that runs when every task
# has written its report.
#
#   bench/slurm/powercut-array.sh submit SHARDS OUTDIR -- CAMPAIGN-OPTIONS...
#       submits the array (sbatch --array=0-SHARDS-1) and the merge job
#       (sbatch --dependency=afterok:ARRAY); prints both job ids.
#   bench/slurm/powercut-array.sh shard OUTDIR -- CAMPAIGN-OPTIONS...
#       what each array task runs: shard $SLURM_ARRAY_TASK_ID of
#       $SLURM_ARRAY_TASK_COUNT, its TAP in OUTDIR/shard-K.tap and its
#       report in OUTDIR/shard-K.json.
#   bench/slurm/powercut-array.sh merge OUTDIR
#       what the merge job runs: OUTDIR/report.json from every shard's
#       report (refused if one is missing).
#
# CAMPAIGN-OPTIONS are those of 'flashmodel powercut-campaign' (--journal,
# --base, --check, coverage...), the same for every task: paths must be
# on storage every node sees. $FLASHMODEL is the flashmodel tool (default:
# the one in PATH). A task whose checks found failures still succeeds
# (its report holds them); it fails only when the campaign could not run.
# The merge exits 1 if the campaign found failures.
#
# Example, 64 shards of a linear campaign:
#   bench/slurm/powercut-array.sh submit 64 /shared/pc -- \
#       --journal /shared/run.journal --base /shared/base.img \
#       --check '/shared/check-cut {}'
#
#SBATCH --job-name=powercut
#SBATCH --output=powercut-%A_%a.out
#SBATCH --cpus-per-task=1
set -u

flashmodel=${FLASHMODEL:-flashmodel}
usage() {
  echo "usage: $0 submit SHARDS OUTDIR -- OPTIONS... | shard OUTDIR -- OPTIONS... | merge OUTDIR" >&2
  exit 2
}

[ $# -ge 2 ] || usage
mode=$1
shift

case $mode in
submit)
  [ $# -ge 3 ] && [ "$3" = "--" ] || usage
  shards=$1 outdir=$2
  shift 3
  case $shards in ''|*[!0-9]*|0) echo "$0: SHARDS must be a number from 1" >&2; exit 2 ;; esac
  mkdir -p "$outdir" || exit 1
  # This script, by absolute path: the jobs run it on the nodes.
  self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
  array=$(sbatch --parsable --array="0-$((shards - 1))" --chdir="$outdir" \
          "$self" shard "$outdir" -- "$@") || exit 1
  array=${array%%;*}
  merge=$(sbatch --parsable --dependency="afterok:$array" --chdir="$outdir" \
          --job-name=powercut-merge "$self" merge "$outdir") || exit 1
  echo "array job $array ($shards shards), merge job $merge: $outdir/report.json"
  ;;
shard)
  [ $# -ge 2 ] && [ "$2" = "--" ] || usage
  outdir=$1
  shift 2
  k=${SLURM_ARRAY_TASK_ID:-} n=${SLURM_ARRAY_TASK_COUNT:-}
  if [ -z "$k" ] || [ -z "$n" ]; then
    echo "$0: not in a Slurm array task (SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT are not set)" >&2
    exit 2
  fi
  # Slurm runs tasks 0..N-1 when the array was submitted as 0-(N-1).
  [ "$k" -lt "$n" ] || { echo "$0: task $k of $n: submit the array as --array=0-$((n - 1))" >&2; exit 1; }
  mkdir -p "$outdir" || exit 1
  rm -f "$outdir/shard-$k.json"
  "$flashmodel" powercut-campaign "$@" --shard "$k/$n" --progress 60 \
    --report "$outdir/shard-$k.json" > "$outdir/shard-$k.tap"
  status=$?
  # Failed checks are results: the report has them.
  [ -s "$outdir/shard-$k.json" ] && exit 0
  echo "$0: shard $k/$n: the campaign did not run (exit status $status)" >&2
  exit 1
  ;;
merge)
  [ $# -eq 1 ] || usage
  outdir=$1
  # The shard reports, in task order; merge refuses a missing one.
  set --
  for f in "$outdir"/shard-*.json; do
    [ -e "$f" ] && set -- "$@" "$f"
  done
  [ $# -gt 0 ] || { echo "$0: no shard report in $outdir" >&2; exit 1; }
  "$flashmodel" powercut-campaign merge -o "$outdir/report.json" "$@"
  ;;
*)
  usage
  ;;
esac
