import { error, type Diagnostic } from '../../diagnostics/diagnostic.js';
import { scheduledJobs, type JobGraph } from '../../graph/job-graph.js';
import { createRenderer, type TemplateRenderer } from '../shared/render.js';
import { runtimeFiles } from '../shared/runtime.js';
import type { EmittedFile, Target, TargetOptions } from '../target.js';
import { isQueueJobId, isTmuxQueueName } from './escape.js';
import { DRIVER_FILE, WORKER_FILE, jobTableFiles, scriptView } from './view-model.js';

let renderer: TemplateRenderer | undefined;

function render(name: string, graph: JobGraph, options: TargetOptions): string {
  renderer ??= createRenderer('tmux');
  return renderer.render(name, scriptView(graph, options));
}

/** Checks that the queue name can name tmux sessions and every job id can name a file. */
export function validateTmux(graph: JobGraph, options: TargetOptions): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  if (!isTmuxQueueName(options.queueName)) {
    diagnostics.push(
      error('E_OPTION', `the tmux target cannot name sessions after queue "${options.queueName}"`, {
        found: JSON.stringify(options.queueName),
        expected: 'a queue name made of letters, digits, _ and -',
        hint: 'pass another --queue-name (tmux rewrites "." and ":" in session names)',
      }),
    );
  }
  const bad = scheduledJobs(graph).find((job) => !isQueueJobId(job.id));
  if (bad) {
    diagnostics.push(
      error('E_OPTION', `the tmux target cannot name a status file after job "${bad.id}"`, {
        found: JSON.stringify(bad.id),
        expected: 'job ids made of letters, digits, _ . - (not starting with . or -)',
      }),
    );
  }
  return diagnostics;
}

/**
 * The tmux target: a driver that starts `--workers` detached tmux sessions, each running a
 * worker that pulls ready jobs from a queue shared through files (claimed with O_EXCL), and runs them
 * through gwc-run.sh. Results land in job_info/ next to the scripts.
 * @see https://man7.org/linux/man-pages/man1/tmux.1.html
 */
export const tmuxTarget: Target = {
  name: 'tmux',
  description: 'detached tmux worker sessions pulling ready jobs from a shared queue; finished jobs are skipped',
  validate: (graph, options) => validateTmux(graph, options),
  emit(graph, options): EmittedFile[] {
    return [
      { path: DRIVER_FILE, content: render(DRIVER_FILE, graph, options), executable: true },
      { path: WORKER_FILE, content: render(WORKER_FILE, graph, options), executable: true },
      ...jobTableFiles(graph, options),
      ...runtimeFiles(),
    ];
  },
  runCommand: () => ['bash', DRIVER_FILE, 'start', '--wait'],
};
