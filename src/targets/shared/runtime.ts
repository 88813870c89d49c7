import type { Job, JobGraph } from '../../graph/job-graph.js';
import type { EmittedFile, TargetOptions } from '../target.js';
import { readTemplateFile } from './render.js';

/** File name of the done marker in a job dir (the runner writes `<dir>/.gwc-done`). */
export const MARKER_NAME = '.gwc-done';

/** File name of the per-job runner in the output directory. */
export const RUNNER_FILE = 'gwc-run.sh';

/** The runtime files every target ships next to its artifacts: the per-job runner. */
export function runtimeFiles(): EmittedFile[] {
  return [{ path: RUNNER_FILE, content: readTemplateFile(`runtime/${RUNNER_FILE}`), executable: true }];
}

/**
 * The variables of the runner's environment that the options set, in export order:
 * `GWC_DEVICES` (a comma list, or `auto`) and `GWC_PREAMBLE`. Artifacts export them
 * unless the environment that runs the artifact already sets them.
 */
export function runnerEnvironment(options: TargetOptions): [name: string, value: string][] {
  const env: [string, string][] = [];
  if (options.devicesAuto) env.push(['GWC_DEVICES', 'auto']);
  else if (options.devices.length > 0) env.push(['GWC_DEVICES', options.devices.join(',')]);
  if (options.preamble !== undefined) env.push(['GWC_PREAMBLE', options.preamble]);
  return env;
}

/**
 * The runner's argv for one job (what follows `sh gwc-run.sh`), unquoted: each
 * target quotes it its own way. The command is the last word, after `--`.
 */
export function runnerArgs(job: Job, graph: JobGraph, options: TargetOptions): string[] {
  const args = ['--dir', job.dir, '--id', job.id, '--fp', job.fingerprint, '--config', job.configJson];
  const outputs = job.outputs;
  for (const name of Object.keys(outputs).sort()) args.push('--output', outputs[name] as string);
  for (const dir of job.ancestorDirs) args.push('--see-also', dir);
  if (options.enableLinks) {
    for (const link of job.links) args.push('--link', `${link.path}=${link.target}`);
  }
  const gpus = job.resources.gpus ?? 0;
  if (gpus > 0) args.push('--gpus', String(gpus));
  if (job.redo) args.push('--redo');
  args.push('--workdir', graph.workdir, '--', job.command);
  return args;
}
