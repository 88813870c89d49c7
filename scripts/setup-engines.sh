#!/usr/bin/env bash
# Installs the engines the end-to-end tests run (Debian packages), when missing,
# with one `apt-get update` for all of them. Safe to run again: it installs
# nothing when everything is present.
set -euo pipefail

# command → Debian package: the tests cannot run without these.
declare -A NEEDED=(
  [make]=make
  [flock]=util-linux
  [bash]=bash
  [shellcheck]=shellcheck
  [snakemake]=snakemake
  [tmux]=tmux
  [python3]=python3
)

# The single-node Slurm the Slurm tests start (scripts/slurm-up.sh): installed
# here when we can install, so one apt-get update serves every engine;
# elsewhere slurm-up.sh decides whether the Slurm tests can run.
declare -A OPTIONAL=(
  [slurmctld]=slurmctld
  [slurmd]=slurmd
  [sbatch]=slurm-client
  [munged]=munge
)

present() {
  command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]
}

missing=()
for cmd in "${!NEEDED[@]}"; do
  present "$cmd" || missing+=("${NEEDED[$cmd]}")
done
optional=()
for cmd in "${!OPTIONAL[@]}"; do
  present "$cmd" || optional+=("${OPTIONAL[$cmd]}")
done

can_install=0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then can_install=1; fi

if [ "${#missing[@]}" -gt 0 ] && [ "$can_install" = 0 ]; then
  echo "setup-engines: missing ${missing[*]}; install them (Debian: apt-get install ${missing[*]})" >&2
  exit 1
fi
if [ "$can_install" = 1 ]; then missing+=("${optional[@]}"); fi

if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup-engines: all engines present"
  exit 0
fi

echo "setup-engines: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends "${missing[@]}"
