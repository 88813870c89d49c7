#!/bin/sh
# gwc-run.sh: runs one job of a pipeline compiled by geowatch-compile. Every target calls it.
#
#   sh gwc-run.sh --dir DIR --id PROCESS_ID --fp FINGERPRINT --config JSON
#                 [--output PATH]... [--see-also DIR]... [--link PATH=TARGET]...
#                 [--gpus N] [--redo] [--workdir DIR] -- COMMAND
#
# 1. DIR/.gwc-done holds FINGERPRINT: the job is done, exit 0.
# 2. No marker, no DIR/.gwc-attempt and every --output exists: adopt kwdagger's results.
# 3. Otherwise write job_config.json, invoke.sh and the links, lease GPUs, run COMMAND
#    through invoke.sh and write the marker only when it exits 0.
#
# Environment: GWC_ENV_DEFAULT_SIGNAL (1|0: whether env --default-signal works, probed when unset),
# GWC_DEVICES (comma list of GPU ids to lease, or `auto`: the GPUs nvidia-smi
# shows with no process, none when nvidia-smi is missing or fails; empty = no leasing),
# GWC_LOCK_DIR (lease lock files), GWC_PREAMBLE (shell text run before the job).
# Exit status: the job's, 0 when skipped or adopted, 125 when the runner itself fails.
set -u

dir='' id='' fp='' config='' workdir='' command=''
gpus=0 redo=0 have_config=0 have_command=0
output_count=0 outputs_missing=0 see_also_count=0
child='' leased=''
# Job leases hold flock on fds 3..9: dash redirects single-digit fds only.
max_leases=7

say() { printf 'gwc: %s\n' "$*" >&2; }
die() { say "$*"; exit 125; }

need_value() {
  [ "$1" -ge 2 ] || die "option $2 needs a value"
}

parse_args() {
  while [ $# -gt 0 ]; do
    case $1 in
      --redo) redo=1; shift; continue ;;
      --) [ $# -eq 2 ] || die 'expected exactly one COMMAND argument after --'
          command=$2; have_command=1; return 0 ;;
      --dir|--id|--fp|--config|--output|--see-also|--link|--gpus|--workdir) need_value $# "$1" ;;
      *) die "unknown option '$1'" ;;
    esac
    case $1 in
      --dir) dir=$2 ;;
      --id) id=$2 ;;
      --fp) fp=$2 ;;
      --config) config=$2; have_config=1 ;;
      --output) output_count=$((output_count + 1)); [ -e "$2" ] || outputs_missing=1 ;;
      --see-also) see_also_count=$((see_also_count + 1)) ;;
      --link) case $2 in *=*) ;; *) die "--link needs PATH=TARGET, got '$2'" ;; esac ;;
      --gpus) gpus=$2 ;;
      --workdir) workdir=$2 ;;
    esac
    shift 2
  done
}

check_args() {
  case $dir in /*) ;; *) die "--dir must be an absolute path, got '$dir'" ;; esac
  [ -n "$id" ] || die 'missing --id'
  [ -n "$fp" ] || die 'missing --fp'
  [ "$have_config" = 1 ] || die 'missing --config'
  [ "$have_command" = 1 ] || die 'missing -- COMMAND'
  case $id$fp in *[\"\\]*|*[[:cntrl:]]*) die '--id and --fp must not contain quotes, backslashes or control characters' ;; esac
  case $gpus in ''|*[!0-9]*) die "--gpus needs a whole number, got '$gpus'" ;; esac
}

# each_value OPTION CALLBACK ARGS...: calls CALLBACK with the value of every OPTION in ARGS.
each_value() {
  ev_option=$1 ev_callback=$2
  shift 2
  while [ $# -gt 0 ]; do
    case $1 in
      --) return 0 ;;
      --redo) shift ;;
      *) [ "$1" = "$ev_option" ] && "$ev_callback" "$2"
         shift 2 ;;
    esac
  done
}

# Only the marker goes through a temp file; test first so a finished job costs no rm.
cleanup() {
  if [ -n "$dir" ] && [ -e "$dir/.gwc-done.tmp.$$" ]; then rm -f "$dir/.gwc-done.tmp.$$"; fi
}

# A signal stops the whole job (its own process group) and leaves no marker.
on_signal() {
  if [ -n "$child" ]; then
    kill -s "$1" -- "-$child" 2>/dev/null || kill -s "$1" "$child" 2>/dev/null
    wait "$child"
  fi
  exit "$2"
}

marker_is_current() {
  [ -f "$dir/.gwc-done" ] && grep -qF -e "\"fingerprint\": \"$fp\"" "$dir/.gwc-done"
}

write_marker() {
  if ! printf '{"process_id": "%s", "fingerprint": "%s", "adopted": %s}\n' "$id" "$fp" "$1" \
    >"$dir/.gwc-done.tmp.$$" || ! mv -f "$dir/.gwc-done.tmp.$$" "$dir/.gwc-done"; then
    die "cannot write $dir/.gwc-done"
  fi
}

can_adopt() {
  [ ! -e "$dir/.gwc-done" ] && [ ! -e "$dir/.gwc-attempt" ] \
    && [ "$output_count" -gt 0 ] && [ "$outputs_missing" = 0 ]
}

print_see_also() { printf '# %s\n' "$1"; }

# job_config.json and invoke.sh are written in place: only the marker says a job is done,
# and a job stopped while they are written has none, so its next run rewrites them.
# Rewriting keeps the mode, so chmod runs only for a new invoke.sh.
write_invoke() {
  if ! {
    printf '#!/usr/bin/env bash\n'
    if [ "$see_also_count" -gt 0 ]; then
      printf '# See Also:\n'
      each_value --see-also print_see_also "$@"
    else
      printf '# Root node\n'
    fi
    printf '%s\n' "$command"
  } >"$dir/invoke.sh"; then
    die "cannot write $dir/invoke.sh"
  fi
  [ -x "$dir/invoke.sh" ] || chmod +x "$dir/invoke.sh" || die "cannot make $dir/invoke.sh executable"
}

# PATH is absolute under the root and TARGET relative, so split at the last '='.
make_link() {
  link_path=${1%=*} link_target=${1##*=}
  link_parent=${link_path%/*}
  if ! { [ -d "${link_parent:-/}" ] || mkdir -p "$link_parent"; } || ! ln -sfn -- "$link_target" "$link_path"; then
    die "cannot link $link_path"
  fi
}

# Tests before rm and mkdir: each avoided process counts when a queue runs a million jobs.
# install makes the job dir and an executable, empty invoke.sh in one process (not mkdir + chmod).
prepare_job_dir() {
  if [ -e "$dir/.gwc-done" ] || [ -L "$dir/.gwc-done" ]; then rm -f "$dir/.gwc-done"; fi
  if [ ! -x "$dir/invoke.sh" ]; then
    install -D -m 755 /dev/null "$dir/invoke.sh" 2>/dev/null || [ -d "$dir" ] || mkdir -p "$dir" || die "cannot create $dir"
  fi
  : >>"$dir/.gwc-attempt" || die "cannot write $dir/.gwc-attempt"
  printf '%s\n' "$config" >"$dir/job_config.json" || die "cannot write $dir/job_config.json"
  write_invoke "$@"
  each_value --link make_link "$@"
}

# Splits GWC_DEVICES into distinct, validated ids (space separated in device_list).
read_devices() {
  device_list='' device_count=0
  rd_ifs=$IFS
  IFS=,
  set -f
  # shellcheck disable=SC2086 # splitting on commas is the point
  set -- $GWC_DEVICES
  set +f
  IFS=$rd_ifs
  for rd_dev in "$@"; do
    case $rd_dev in
      '') continue ;;
      *[!A-Za-z0-9._-]*) die "bad device id '$rd_dev' in GWC_DEVICES (letters, digits, '.', '_', '-')" ;;
    esac
    case " $device_list " in *" $rd_dev "*) continue ;; esac
    device_list="$device_list $rd_dev"
    device_count=$((device_count + 1))
  done
}

# Takes $gpus free devices at once or none (no hold-and-wait, so no deadlock).
try_lease() {
  leased='' tl_fd=3
  for tl_dev in $device_list; do
    [ "$tl_fd" -le $((gpus + 2)) ] || break
    eval "exec $tl_fd>>\"\$lock_dir/device-\$tl_dev.lock\""
    if flock -n "$tl_fd"; then
      leased=${leased:+$leased,}$tl_dev
      tl_fd=$((tl_fd + 1))
    else
      eval "exec $tl_fd>&-"
    fi
  done
  [ "$tl_fd" -gt $((gpus + 2)) ] && return 0
  while [ "$tl_fd" -gt 3 ]; do
    tl_fd=$((tl_fd - 1))
    eval "exec $tl_fd>&-"
  done
  return 1
}

# GWC_DEVICES=auto: device_list holds the GPUs nvidia-smi shows without a compute
# process, gpu_total all it shows. Fails (changing nothing) when nvidia-smi is missing or fails.
query_idle_gpus() {
  command -v nvidia-smi >/dev/null 2>&1 || return 1
  qi_gpus=$(nvidia-smi --query-gpu=index,uuid --format=csv,noheader 2>/dev/null) || return 1
  qi_busy=$(nvidia-smi --query-compute-apps=gpu_uuid --format=csv,noheader 2>/dev/null) || return 1
  device_list='' device_count=0 gpu_total=0
  while IFS=', ' read -r qi_index qi_uuid; do
    case $qi_index in ''|*[!0-9]*) continue ;; esac
    gpu_total=$((gpu_total + 1))
    case $qi_busy in *"${qi_uuid:-no uuid}"*) continue ;; esac
    device_list="$device_list $qi_index"
    device_count=$((device_count + 1))
  done <<EOF
$qi_gpus
EOF
}

# Reads the devices to lease into device_list and gpu_total; false when there are none.
find_devices() {
  case $GWC_DEVICES in
    auto) query_idle_gpus || return 1 ;;
    *) read_devices; gpu_total=$device_count ;;
  esac
  [ "$gpu_total" -gt 0 ]
}

# The lease fds stay open in the job, so a device is busy exactly as long as the job lives.
# With auto, nvidia-smi is asked again while waiting (another user's jobs may end).
lease_gpus() {
  [ -n "${GWC_DEVICES:-}" ] || return 0
  find_devices || return 0
  if [ "$gpus" -eq 0 ]; then
    CUDA_VISIBLE_DEVICES=''
    export CUDA_VISIBLE_DEVICES
    return 0
  fi
  if [ "$gpus" -gt "$gpu_total" ]; then
    [ "$GWC_DEVICES" = auto ] && die "job $id needs $gpus GPUs but nvidia-smi shows $gpu_total"
    die "job $id needs $gpus GPUs but GWC_DEVICES lists $gpu_total ($GWC_DEVICES)"
  fi
  [ "$gpus" -le "$max_leases" ] || die "job $id needs $gpus GPUs; the runner leases at most $max_leases per job"
  lock_dir=${GWC_LOCK_DIR:-${TMPDIR:-/tmp}/gwc-locks-$(id -u)}
  if ! mkdir -p "$lock_dir" || [ ! -w "$lock_dir" ]; then die "cannot write lock dir $lock_dir"; fi
  until try_lease; do
    sleep 0.2 2>/dev/null || sleep 1
    if [ "$GWC_DEVICES" = auto ]; then query_idle_gpus || :; fi
  done
  CUDA_VISIBLE_DEVICES=$leased
  export CUDA_VISIBLE_DEVICES
}

# GNU env can restore default signal handling (coreutils 8.31+). A queue that runs
# many jobs probes once and exports GWC_ENV_DEFAULT_SIGNAL=1|0 to save a process per job.
has_default_signal() {
  case ${GWC_ENV_DEFAULT_SIGNAL:-} in
    1) return 0 ;;
    0) return 1 ;;
  esac
  env --default-signal=INT true >/dev/null 2>&1
}

# Runs invoke.sh in its own process group (so a signal reaches the whole job) with
# SIGINT/SIGQUIT restored (background children of sh start with them ignored).
# Without a preamble, bash runs invoke.sh directly: one shell fewer per job.
run_job() {
  if [ -n "${GWC_PREAMBLE:-}" ]; then
    # shellcheck disable=SC2016 # the inner bash expands these, not this shell
    set -- bash -c 'eval "${GWC_PREAMBLE:-}" && exec bash "$1"' gwc-job "$dir/invoke.sh"
  else
    set -- bash "$dir/invoke.sh"
  fi
  if command -v setsid >/dev/null 2>&1; then set -- setsid -w "$@"; fi
  if has_default_signal; then set -- env --default-signal=INT,QUIT "$@"; fi
  (
    if [ -n "$workdir" ]; then cd -- "$workdir" || exit 125; fi
    exec "$@"
  ) &
  child=$!
  # 2>/dev/null: dash reports a killed child ("Killed"); the runner's own message says it
  wait "$child" 2>/dev/null
  rc=$?
  child=''
}

main() {
  parse_args "$@"
  check_args
  trap cleanup EXIT
  trap 'on_signal TERM 143' TERM
  trap 'on_signal INT 130' INT
  trap 'on_signal HUP 129' HUP
  if [ "$redo" = 0 ]; then
    if marker_is_current; then exit 0; fi
    if can_adopt; then
      write_marker true
      say "adopted $id (outputs exist)"
      exit 0
    fi
  fi
  prepare_job_dir "$@"
  lease_gpus
  run_job
  if [ "$rc" -ne 0 ]; then
    say "$id failed with exit code $rc"
    exit "$rc"
  fi
  write_marker false
}

main "$@"
