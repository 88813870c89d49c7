#!/bin/sh
# gwc-status.sh JOBID: prints success, running or failed for a Slurm job, as
# Snakemake's --cluster-status wants. Asks sacct (accounting) first, then scontrol
# (which knows finished jobs for MinJobAge); a job neither knows after a few tries failed.
set -u
job=${1%%;*}

job_state() {
  state=$(sacct -n -X -P -o State -j "$job" 2>/dev/null | head -n 1)
  if [ -z "$state" ]; then
    state=$(scontrol -o show job "$job" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
  fi
  state=${state%% *}
}

for _ in 1 2 3; do
  job_state
  [ -n "$state" ] && break
  sleep 2
done

case $state in
  COMPLETED) echo success ;;
  PENDING|CONFIGURING|RUNNING|COMPLETING|SUSPENDED|REQUEUED|REQUEUE_FED|REQUEUE_HOLD|RESIZING|SIGNALING|STAGE_OUT|STOPPED|RESV_DEL_HOLD) echo running ;;
  *) echo failed ;;
esac
