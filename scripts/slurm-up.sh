#!/usr/bin/env bash
# Brings up a single-node Slurm cluster on localhost for the end-to-end tests:
# munge, slurmctld and slurmd from Debian's packages, with a slurm.conf for this
# machine's real CPUs and memory and no cgroups. Safe to run again: it restarts
# the cluster it started before, with fresh state (job ids restart at 1).
#
#   bash scripts/slurm-up.sh [--for-tests]
#
# --for-tests: on a machine where this script cannot work (not root, no apt-get,
# a slurm.conf of someone else), warn and exit 0 so the Slurm tests skip; under CI
# (CI set) that fails too. A bring-up that goes wrong always fails.
#
# Environment: SLURM_BASE (state, spool, logs; default /var/lib/gwc-slurm),
# SLURM_CPUS (CPUs to advertise; default the real count), SLURM_GPUS (fake
# GPUs to advertise through gres; default 0, 2 with --for-tests).
#
# It writes /etc/slurm/slurm.conf and refuses to replace one it did not write.
set -euo pipefail

for_tests=0
if [ "${1:-}" = --for-tests ]; then for_tests=1; fi

BASE=${SLURM_BASE:-/var/lib/gwc-slurm}
CONF_DIR=/etc/slurm
CONF=$CONF_DIR/slurm.conf
OURS='# written by geowatch-compile scripts/slurm-up.sh'
HERE=$(cd "$(dirname "$0")" && pwd)

say() { printf 'slurm-up: %s\n' "$*" >&2; }

die() {
  say "$*"
  exit 1
}

# This machine cannot host the test cluster: fatal under CI or without --for-tests.
unavailable() {
  if [ "$for_tests" = 1 ] && [ -z "${CI:-}" ]; then
    say "$* (the Slurm tests will skip)"
    exit 0
  fi
  die "$*"
}

install_missing() {
  local missing=() cmd
  declare -A package=([slurmctld]=slurmctld [slurmd]=slurmd [sbatch]=slurm-client [munged]=munge)
  for cmd in slurmctld slurmd sbatch munged; do
    command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] || missing+=("${package[$cmd]}")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || unavailable "missing ${missing[*]} and no apt-get to install them"
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
    || { apt-get update -qq && apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends "${missing[@]}" >/dev/null; } \
    || die "cannot install ${missing[*]}"
}

munge_works() { munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; }

# munged insists on running as the user that owns the key.
start_munge() {
  mkdir -p /etc/munge
  [ -s /etc/munge/munge.key ] || mungekey --create --force
  chown munge:munge /etc/munge /etc/munge/munge.key
  chmod 700 /etc/munge
  chmod 400 /etc/munge/munge.key
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge
  chmod 755 /run/munge
  if ! munge_works; then
    rm -f /run/munge/munge.socket.2 /run/munge/munge.socket.2.lock
    su -s /bin/sh munge -c /usr/sbin/munged
    for _ in $(seq 1 50); do munge_works && break; sleep 0.1; done
  fi
  munge_works || die 'munged does not answer'
}

# Fake GPUs: character devices (gres/gpu rejects regular files) that are /dev/null.
write_gres() {
  local gpus=$1 i
  rm -f "$CONF_DIR/gres.conf"
  [ "$gpus" -gt 0 ] || return 0
  mkdir -p "$BASE/fakegpu"
  for ((i = 0; i < gpus; i++)); do
    [ -c "$BASE/fakegpu/gpu$i" ] || mknod "$BASE/fakegpu/gpu$i" c 1 3
  done
  printf '%s\nNodeName=%s Name=gpu File=%s/fakegpu/gpu[0-%d]\n' "$OURS" "$NODE" "$BASE" $((gpus - 1)) >"$CONF_DIR/gres.conf"
}

write_conf() {
  local cpus=$1 mem=$2 gpus=$3 gres_types='' node_gres=''
  if [ "$gpus" -gt 0 ]; then
    gres_types='GresTypes=gpu'
    node_gres=" Gres=gpu:$gpus"
  fi
  cat >"$CONF.tmp" <<EOF
$OURS
ClusterName=local
SlurmctldHost=$NODE(127.0.0.1)
AuthType=auth/munge
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$BASE/state
SlurmdSpoolDir=$BASE/spool
SlurmctldPidFile=$BASE/slurmctld.pid
SlurmdPidFile=$BASE/slurmd.pid
SlurmctldLogFile=$BASE/log/slurmctld.log
SlurmdLogFile=$BASE/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$BASE/log/jobcomp.log
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerParameters=batch_sched_delay=0
MinJobAge=3600
SlurmdParameters=config_overrides
ReturnToService=2
MpiDefault=none
SwitchType=switch/none
MailProg=/bin/true
KillWait=5
$gres_types
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem$node_gres State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
  mv -f "$CONF.tmp" "$CONF"
}

wait_idle() {
  local started=$SECONDS state
  for _ in $(seq 1 150); do
    state=$(sinfo -h -o %T 2>/dev/null || true)
    if [ "$state" = idle ]; then
      say "node $NODE idle after $((SECONDS - started)) s"
      sinfo
      return 0
    fi
    sleep 0.2
  done
  tail -n 20 "$BASE"/log/*.log >&2 || true
  die "the node never became idle (state: ${state:-none})"
}

main() {
  [ "$(id -u)" -eq 0 ] || unavailable 'needs root (it installs packages and starts daemons)'
  if [ -e "$CONF" ] && ! grep -qxF "$OURS" "$CONF"; then
    unavailable "$CONF was not written by this script; refusing to replace it"
  fi
  install_missing
  KEEP_MUNGE=1 bash "$HERE/slurm-down.sh"
  start_munge
  NODE=$(hostname -s)
  local facts cpus mem gpus
  facts=$(/usr/sbin/slurmd -C | head -n 1)
  cpus=${SLURM_CPUS:-$(sed -n 's/.* CPUs=\([0-9]*\).*/\1/p' <<<"$facts")}
  mem=$(sed -n 's/.* RealMemory=\([0-9]*\).*/\1/p' <<<"$facts")
  gpus=${SLURM_GPUS:-$((for_tests * 2))}
  if [ -z "$cpus" ] || [ -z "$mem" ]; then die "cannot read CPUs and memory from 'slurmd -C': $facts"; fi
  rm -rf "$BASE"
  mkdir -p "$BASE/state" "$BASE/spool" "$BASE/log" "$CONF_DIR"
  write_gres "$gpus"
  write_conf "$cpus" "$mem" "$gpus"
  /usr/sbin/slurmctld -i
  /usr/sbin/slurmd
  wait_idle
}

main
