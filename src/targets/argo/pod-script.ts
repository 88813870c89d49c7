/**
 * How a job reaches its pod without Argo's templating ever seeing user text.
 *
 * Argo substitutes `{{...}}` tags everywhere in a template and offers no escape
 * (argo-workflows issue #8253), so commands, configs and paths never appear in the
 * Workflow. Each job's runner arguments live in a *job table*: ConfigMaps whose
 * keys are task names and whose values are the shell-quoted arguments of
 * gwc-run.sh. The tables are mounted into every job pod (a projected volume), the
 * runner and the preamble come from another ConfigMap, and the only parameter a
 * task passes is its own name, which is a DNS label.
 */

/** Where the ConfigMaps are mounted in a job pod. */
export const MOUNT_DIR = '/gwc';
export const RUNNER_MOUNT = `${MOUNT_DIR}/run`;
export const JOBS_MOUNT = `${MOUNT_DIR}/jobs`;
/** Key of the preamble (`--virtualenv-cmd`) in the runner ConfigMap. */
export const PREAMBLE_KEY = 'preamble';
/** The job template's only input parameter: the job's key in the job table. */
export const JOB_PARAMETER = 'job';

/**
 * The job pod's `sh -c` script; `$1` is the job's key. It reads the job's arguments
 * from the job table, evaluates them as the shell words they were quoted as, and
 * runs the runner, which skips the job when its done marker on the volume is current.
 * `GWC_MOUNT` only moves the mount point for tests that run the script outside a pod.
 */
export const POD_SCRIPT = `set -eu
m=\${GWC_MOUNT:-${MOUNT_DIR}}
if [ -f "$m/run/${PREAMBLE_KEY}" ]; then GWC_PREAMBLE=$(cat "$m/run/${PREAMBLE_KEY}"); export GWC_PREAMBLE; fi
args=$(cat "$m/jobs/$1")
eval "set -- $args"
exec sh "$m/run/gwc-run.sh" "$@"
`;

/** The container's command; its argument is the job parameter. */
export const POD_COMMAND = ['sh', '-c', POD_SCRIPT, 'gwc-job'] as const;
/** The one Argo tag a job template holds. */
export const JOB_ARGUMENT = `{{inputs.parameters.${JOB_PARAMETER}}}`;
