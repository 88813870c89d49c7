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
#    through `bash invoke.sh` and write the marker (atomically: a temp file, then mv)
#    only when it exits 0.
#
# A queue that runs many jobs from one sh process (the bash target, tmux workers) sources this
# file with GWC_RUN_LIBRARY=1 and calls `gwc_run ARGS...` per job: the same steps without a
# process for the runner. gwc_run returns the exit status below and never exits; the queue's
# traps call gwc_stop_job.
#
# Environment: GWC_DEVICES (comma list of GPU ids to lease, or `auto`: the GPUs nvidia-smi
# shows with no process, none when nvidia-smi is missing or fails; empty = no leasing),
# GWC_LOCK_DIR (lease lock files), GWC_PREAMBLE (shell text run before the job).
# Exit status: the job's, 0 when skipped or adopted, 125 when the runner itself fails.
#
# Every process started here costs milliseconds, and a queue may run a million jobs: a job
# that is done starts none, a new one starts two (bash for invoke.sh, mv for the marker),
# plus mkdir when its queue did not make its directory and ln for links not yet there.
# Steps are functions that return a status (125: the runner failed); only gwr_main exits.

# shellcheck disable=SC2317 # callbacks and trap handlers are called indirectly

# Job leases hold flock on fds 3..9: dash redirects single-digit fds only.
gwr_max_leases=7

gwr_say() { printf 'gwc: %s\n' "$*" >&2; }

# gwr_fail MESSAGE: says MESSAGE and returns 125; callers follow it with `return`.
gwr_fail() {
  gwr_say "$*"
  return 125
}

# gwr_program NAME: the path of NAME in PATH (NAME itself when none is found) into
# gwr_program_path. `exec NAME` in sh tries every PATH entry with execve, which costs more
# than these tests; the path is looked up once and then exec'd directly.
gwr_program() {
  gwr_program_path=$1
  pr_ifs=$IFS
  IFS=:
  set -f
  # shellcheck disable=SC2086 # splitting PATH on colons is the point
  for pr_dir in $PATH; do
    if [ -n "$pr_dir" ] && [ -f "$pr_dir/$1" ] && [ -x "$pr_dir/$1" ]; then
      gwr_program_path=$pr_dir/$1
      break
    fi
  done
  set +f
  IFS=$pr_ifs
}

gwr_reset() {
  gwr_dir='' gwr_id='' gwr_fp='' gwr_config='' gwr_workdir='' gwr_command=''
  gwr_gpus=0 gwr_redo=0 gwr_have_config=0 gwr_have_command=0
  gwr_output_count=0 gwr_outputs_missing=0 gwr_see_also_count=0
  gwr_child='' gwr_rc=0 gwr_device_list='' gwr_gpu_total=0
}

gwr_parse_args() {
  while [ $# -gt 0 ]; do
    case $1 in
      --redo) gwr_redo=1; shift; continue ;;
      --) [ $# -eq 2 ] || { gwr_fail 'expected exactly one COMMAND argument after --'; return; }
          gwr_command=$2; gwr_have_command=1; return 0 ;;
      --dir|--id|--fp|--config|--output|--see-also|--link|--gpus|--workdir)
        [ $# -ge 2 ] || { gwr_fail "option $1 needs a value"; return; } ;;
      *) gwr_fail "unknown option '$1'"; return ;;
    esac
    case $1 in
      --dir) gwr_dir=$2 ;;
      --id) gwr_id=$2 ;;
      --fp) gwr_fp=$2 ;;
      --config) gwr_config=$2; gwr_have_config=1 ;;
      --output) gwr_output_count=$((gwr_output_count + 1)); [ -e "$2" ] || gwr_outputs_missing=1 ;;
      --see-also) gwr_see_also_count=$((gwr_see_also_count + 1)) ;;
      --link) case $2 in *=*) ;; *) gwr_fail "--link needs PATH=TARGET, got '$2'"; return ;; esac ;;
      --gpus) gwr_gpus=$2 ;;
      --workdir) gwr_workdir=$2 ;;
    esac
    shift 2
  done
}

gwr_check_args() {
  case $gwr_dir in /*) ;; *) gwr_fail "--dir must be an absolute path, got '$gwr_dir'"; return ;; esac
  [ -n "$gwr_id" ] || { gwr_fail 'missing --id'; return; }
  [ -n "$gwr_fp" ] || { gwr_fail 'missing --fp'; return; }
  [ "$gwr_have_config" = 1 ] || { gwr_fail 'missing --config'; return; }
  [ "$gwr_have_command" = 1 ] || { gwr_fail 'missing -- COMMAND'; return; }
  case $gwr_id$gwr_fp in
    *[\"\\]*|*[[:cntrl:]]*) gwr_fail '--id and --fp must not contain quotes, backslashes or control characters'; return ;;
  esac
  case $gwr_gpus in ''|*[!0-9]*) gwr_fail "--gpus needs a whole number, got '$gwr_gpus'"; return ;; esac
}

# gwr_each_value OPTION CALLBACK ARGS...: calls CALLBACK with the value of every OPTION in
# ARGS and stops at the first that fails, returning its status.
gwr_each_value() {
  ev_option=$1 ev_callback=$2
  shift 2
  while [ $# -gt 0 ]; do
    case $1 in
      --) return 0 ;;
      --redo) shift ;;
      *) if [ "$1" = "$ev_option" ]; then "$ev_callback" "$2" || return; fi
         shift 2 ;;
    esac
  done
}

# The marker is one line; a shell builtin reads it, so a finished job starts no process.
gwr_marker_is_current() {
  [ -f "$gwr_dir/.gwc-done" ] || return 1
  mc_line=''
  IFS= read -r mc_line <"$gwr_dir/.gwc-done" || [ -n "$mc_line" ] || return 1
  case $mc_line in *"\"fingerprint\": \"$gwr_fp\""*) return 0 ;; esac
  return 1
}

gwr_write_marker() {
  if ! printf '{"process_id": "%s", "fingerprint": "%s", "adopted": %s}\n' "$gwr_id" "$gwr_fp" "$1" \
    >"$gwr_dir/.gwc-done.tmp.$$" || ! "$gwr_mv" -f "$gwr_dir/.gwc-done.tmp.$$" "$gwr_dir/.gwc-done"; then
    gwr_fail "cannot write $gwr_dir/.gwc-done"
    return
  fi
}

gwr_can_adopt() {
  [ ! -e "$gwr_dir/.gwc-done" ] && [ ! -e "$gwr_dir/.gwc-attempt" ] \
    && [ "$gwr_output_count" -gt 0 ] && [ "$gwr_outputs_missing" = 0 ]
}

gwr_print_see_also() { printf '# %s\n' "$1"; }

# job_config.json and invoke.sh are written in place: only the marker says a job is done,
# and a job stopped while they are written has none, so its next run rewrites them.
# invoke.sh is run as `bash invoke.sh` (as kwdagger's): no chmod, one process fewer.
gwr_write_invoke() {
  if ! {
    printf '#!/usr/bin/env bash\n'
    if [ "$gwr_see_also_count" -gt 0 ]; then
      printf '# See Also:\n'
      gwr_each_value --see-also gwr_print_see_also "$@"
    else
      printf '# Root node\n'
    fi
    printf '%s\n' "$gwr_command"
  } >"$gwr_dir/invoke.sh"; then
    gwr_fail "cannot write $gwr_dir/invoke.sh"
    return
  fi
}

# PATH is absolute under the root and TARGET relative, so split at the last '='.
# Links depend only on ids, so one that exists already is the right one.
gwr_make_link() {
  ml_path=${1%=*} ml_target=${1##*=}
  [ -L "$ml_path" ] && return 0
  ml_parent=${ml_path%/*}
  if ! { [ -d "${ml_parent:-/}" ] || mkdir -p "$ml_parent"; } || ! ln -sfn -- "$ml_target" "$ml_path"; then
    gwr_fail "cannot link $ml_path"
    return
  fi
}

# Tests before rm and mkdir: queues make job dirs in batches, so most jobs need neither.
gwr_prepare_job_dir() {
  if [ -e "$gwr_dir/.gwc-done" ] || [ -L "$gwr_dir/.gwc-done" ]; then
    rm -f "$gwr_dir/.gwc-done" || { gwr_fail "cannot remove $gwr_dir/.gwc-done"; return; }
  fi
  if [ ! -d "$gwr_dir" ]; then mkdir -p "$gwr_dir" || { gwr_fail "cannot create $gwr_dir"; return; }; fi
  : >>"$gwr_dir/.gwc-attempt" || { gwr_fail "cannot write $gwr_dir/.gwc-attempt"; return; }
  printf '%s\n' "$gwr_config" >"$gwr_dir/job_config.json" || { gwr_fail "cannot write $gwr_dir/job_config.json"; return; }
  gwr_write_invoke "$@" || return
  gwr_each_value --link gwr_make_link "$@"
}

# Splits GWC_DEVICES into distinct, validated ids (space separated in gwr_device_list).
gwr_read_devices() {
  gwr_device_list='' rd_count=0
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
      *[!A-Za-z0-9._-]*) gwr_fail "bad device id '$rd_dev' in GWC_DEVICES (letters, digits, '.', '_', '-')"; return ;;
    esac
    case " $gwr_device_list " in *" $rd_dev "*) continue ;; esac
    gwr_device_list="$gwr_device_list $rd_dev"
    rd_count=$((rd_count + 1))
  done
  gwr_gpu_total=$rd_count
}

# GWC_DEVICES=auto: gwr_device_list holds the GPUs nvidia-smi shows without a compute
# process, gwr_gpu_total all it shows. Fails (changing nothing) when nvidia-smi is missing or fails.
gwr_query_idle_gpus() {
  command -v nvidia-smi >/dev/null 2>&1 || return 1
  qi_gpus=$(nvidia-smi --query-gpu=index,uuid --format=csv,noheader 2>/dev/null) || return 1
  qi_busy=$(nvidia-smi --query-compute-apps=gpu_uuid --format=csv,noheader 2>/dev/null) || return 1
  gwr_device_list='' gwr_gpu_total=0
  while IFS=', ' read -r qi_index qi_uuid; do
    case $qi_index in ''|*[!0-9]*) continue ;; esac
    gwr_gpu_total=$((gwr_gpu_total + 1))
    case $qi_busy in *"${qi_uuid:-no uuid}"*) continue ;; esac
    gwr_device_list="$gwr_device_list $qi_index"
  done <<EOF_GPUS
$qi_gpus
EOF_GPUS
}

# Before the job starts: reads the devices into gwr_device_list and gwr_gpu_total
# (none: gwr_gpu_total=0) and checks the job can ever get the GPUs it asks for.
gwr_check_devices() {
  gwr_gpu_total=0
  [ -n "${GWC_DEVICES:-}" ] || return 0
  case $GWC_DEVICES in
    auto) gwr_query_idle_gpus || gwr_gpu_total=0 ;;
    *) gwr_read_devices || return ;;
  esac
  [ "$gwr_gpu_total" -gt 0 ] || return 0
  if [ "$gwr_gpus" -gt "$gwr_gpu_total" ]; then
    [ "$GWC_DEVICES" = auto ] && { gwr_fail "job $gwr_id needs $gwr_gpus GPUs but nvidia-smi shows $gwr_gpu_total"; return; }
    gwr_fail "job $gwr_id needs $gwr_gpus GPUs but GWC_DEVICES lists $gwr_gpu_total ($GWC_DEVICES)"
    return
  fi
  [ "$gwr_gpus" -le "$gwr_max_leases" ] \
    || gwr_fail "job $gwr_id needs $gwr_gpus GPUs; the runner leases at most $gwr_max_leases per job"
}

# Takes $gwr_gpus free devices at once or none (no hold-and-wait, so no deadlock).
gwr_try_lease() {
  gwr_leased='' tl_fd=3
  for tl_dev in $gwr_device_list; do
    [ "$tl_fd" -le $((gwr_gpus + 2)) ] || break
    eval "exec $tl_fd>>\"\$gwr_lock_dir/device-\$tl_dev.lock\""
    if flock -n "$tl_fd"; then
      gwr_leased=${gwr_leased:+$gwr_leased,}$tl_dev
      tl_fd=$((tl_fd + 1))
    else
      eval "exec $tl_fd>&-"
    fi
  done
  [ "$tl_fd" -gt $((gwr_gpus + 2)) ] && return 0
  while [ "$tl_fd" -gt 3 ]; do
    tl_fd=$((tl_fd - 1))
    eval "exec $tl_fd>&-"
  done
  return 1
}

# In the job's own process, before bash starts: the lease fds stay open in the job, so a
# device is busy exactly as long as the job lives. With auto, nvidia-smi is asked again
# while waiting (another user's jobs may end).
gwr_lease_gpus() {
  [ "$gwr_gpu_total" -gt 0 ] || return 0
  if [ "$gwr_gpus" -eq 0 ]; then
    CUDA_VISIBLE_DEVICES=''
    export CUDA_VISIBLE_DEVICES
    return 0
  fi
  gwr_lock_dir=${GWC_LOCK_DIR:-${TMPDIR:-/tmp}/gwc-locks-$(id -u)}
  if ! mkdir -p "$gwr_lock_dir" || [ ! -w "$gwr_lock_dir" ]; then gwr_fail "cannot write lock dir $gwr_lock_dir"; return; fi
  until gwr_try_lease; do
    sleep 0.2 2>/dev/null || sleep 1
    if [ "$GWC_DEVICES" = auto ]; then gwr_query_idle_gpus || :; fi
  done
  CUDA_VISIBLE_DEVICES=$gwr_leased
  export CUDA_VISIBLE_DEVICES
}

# The job runs as `bash invoke.sh` in the background, so a signal reaches the runner at once
# and gwr_stop_job passes it on, with /dev/null as stdin (a job cannot stop its queue by reading
# the terminal). Its process closes the caller's fds 3..9, takes its GPU leases, goes to the
# workdir, then becomes bash (exec: no extra process).
gwr_run_job() {
  (
    exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-
    gwr_start_job
  ) </dev/null &
  gwr_child=$!
  # 2>/dev/null: dash reports a killed child ("Killed"); the runner's own message says it
  wait "$gwr_child" 2>/dev/null
  gwr_rc=$?
  gwr_child=''
}

gwr_start_job() {
  gwr_lease_gpus || return
  if [ -n "$gwr_workdir" ]; then cd -- "$gwr_workdir" || return 125; fi
  if [ -n "${GWC_PREAMBLE:-}" ]; then
    # shellcheck disable=SC2016 # the inner bash expands these, not this shell
    exec "$gwr_bash" -c 'eval "${GWC_PREAMBLE:-}" && exec bash "$1"' gwc-job "$gwr_dir/invoke.sh"
  fi
  exec "$gwr_bash" "$gwr_dir/invoke.sh"
}

# gwr_job_tree PID: PID and every process below it (from /proc; PID alone without it).
gwr_job_tree() {
  jt_pids=" $1 " jt_grew=1
  [ -r /proc/self/stat ] || jt_grew=0
  while [ "$jt_grew" = 1 ]; do
    jt_grew=0
    for jt_stat in /proc/[0-9]*/stat; do
      jt_line=''
      { IFS= read -r jt_line <"$jt_stat"; } 2>/dev/null || continue
      jt_pid=${jt_line%% *}
      case $jt_pids in *" $jt_pid "*) continue ;; esac
      # after the command name (which may hold spaces and parentheses): state, then parent
      jt_rest=${jt_line##*) }
      jt_rest=${jt_rest#* }
      case $jt_pids in *" ${jt_rest%% *} "*) jt_pids="$jt_pids$jt_pid " jt_grew=1 ;; esac
    done
  done
}

# gwc_stop_job (gwr_stop_job): stops the job, all of it. It shares the runner's process group
# (every engine starts the runner in its own) and ignores SIGINT, as a background job of a
# non-interactive shell does, so its whole process tree gets SIGTERM. It leaves no marker.
gwr_stop_job() {
  [ -n "$gwr_child" ] || return 0
  gwr_job_tree "$gwr_child"
  for sj_pid in $jt_pids; do kill -s TERM "$sj_pid" 2>/dev/null; done
  wait "$gwr_child" 2>/dev/null
  gwr_child=''
}

# gwr_find_programs: the paths of bash and mv, once per process (a queue runs many jobs).
gwr_find_programs() {
  [ -z "${gwr_bash:-}" ] || return 0
  gwr_program bash
  gwr_bash=$gwr_program_path
  gwr_program mv
  gwr_mv=$gwr_program_path
}

# gwc_run ARGS...: one job, as described at the top; returns its exit status.
gwc_run() {
  gwr_reset
  gwr_parse_args "$@" || return
  gwr_check_args || return
  if [ "$gwr_redo" = 0 ]; then
    gwr_marker_is_current && return 0
    if gwr_can_adopt; then
      gwr_find_programs
      gwr_write_marker true || return
      gwr_say "adopted $gwr_id (outputs exist)"
      return 0
    fi
  fi
  gwr_check_devices || return
  gwr_find_programs
  gwr_prepare_job_dir "$@" || return
  gwr_run_job
  if [ "$gwr_rc" -ne 0 ]; then
    gwr_say "$gwr_id failed with exit code $gwr_rc"
    return "$gwr_rc"
  fi
  gwr_write_marker false
}

# Only the marker goes through a temp file; test first so a finished job costs no rm.
gwr_cleanup() {
  if [ -n "${gwr_dir:-}" ] && [ -e "$gwr_dir/.gwc-done.tmp.$$" ]; then rm -f "$gwr_dir/.gwc-done.tmp.$$"; fi
}

gwr_on_signal() {
  trap '' TERM INT HUP
  gwr_stop_job
  exit "$1"
}

gwr_main() {
  set -u
  gwr_reset
  trap gwr_cleanup EXIT
  trap 'gwr_on_signal 143' TERM
  trap 'gwr_on_signal 130' INT
  trap 'gwr_on_signal 129' HUP
  gwc_run "$@"
  exit
}

gwc_stop_job() { gwr_stop_job; }

if [ "${GWC_RUN_LIBRARY:-0}" = 1 ]; then gwr_reset; else gwr_main "$@"; fi
