#!/usr/bin/env bash
# Installs the engines the end-to-end tests run (Debian packages), when missing.
# Safe to run again: it installs nothing when everything is present.
set -euo pipefail

# command → Debian package
declare -A NEEDED=(
  [make]=make
  [flock]=util-linux
  [bash]=bash
  [shellcheck]=shellcheck
  [snakemake]=snakemake
  [tmux]=tmux
)

missing=()
for cmd in "${!NEEDED[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${NEEDED[$cmd]}")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup-engines: all engines present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-engines: missing ${missing[*]}; install them (Debian: apt-get install ${missing[*]})" >&2
  exit 1
fi

echo "setup-engines: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends "${missing[@]}"
