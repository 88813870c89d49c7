#!/usr/bin/env bash
# Stops the single-node Slurm cluster that scripts/slurm-up.sh started, through
# its pid files only (never by process name). Safe to run when nothing runs.
#
# Environment: SLURM_BASE (as for slurm-up.sh), KEEP_MUNGE=1 (leave munged up).
set -uo pipefail

BASE=${SLURM_BASE:-/var/lib/gwc-slurm}

# Waits up to 10 s for the pid in FILE to exit, then TERM, then KILL; removes FILE.
stop_pid_file() {
  local file=$1 pid
  [ -s "$file" ] || return 0
  pid=$(cat "$file")
  case $pid in '' | *[!0-9]*) rm -f "$file"; return 0 ;; esac
  for signal in '' TERM KILL; do
    [ -n "$signal" ] && kill -s "$signal" "$pid" 2>/dev/null
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break 2
      sleep 0.2
    done
  done
  rm -f "$file"
}

if [ -s "$BASE/slurmctld.pid" ] || [ -s "$BASE/slurmd.pid" ]; then
  scontrol shutdown >/dev/null 2>&1 || true
  stop_pid_file "$BASE/slurmctld.pid"
  stop_pid_file "$BASE/slurmd.pid"
fi

if [ "${KEEP_MUNGE:-0}" != 1 ] && [ -s /run/munge/munged.pid ]; then
  /usr/sbin/munged --stop >/dev/null 2>&1 || true
  stop_pid_file /run/munge/munged.pid
fi
exit 0
