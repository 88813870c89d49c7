import { error, type Diagnostic } from '../../diagnostics/diagnostic.js';
import { scheduledJobs, type JobGraph } from '../../graph/job-graph.js';
import { chunked } from '../shared/chunks.js';
import { createRenderer, type TemplateRenderer } from '../shared/render.js';
import { runtimeFiles } from '../shared/runtime.js';
import type { EmittedFile, FileContent, Target, TargetOptions } from '../target.js';
import { isBashSafeId } from './escape.js';
import { allJobLines, scriptFrame } from './view-model.js';

/** The script's file name in the output directory. */
export const SCRIPT_NAME = 'run.sh';

let renderer: TemplateRenderer | undefined;

function render(name: string, view: object): string {
  renderer ??= createRenderer('bash');
  return renderer.render(name, view);
}

/** The script as chunks, regenerated on every iteration so a 1M-job script never sits in memory. */
function scriptContent(graph: JobGraph, options: TargetOptions): FileContent {
  return {
    *[Symbol.iterator]() {
      yield render('run.sh', scriptFrame(graph, options));
      yield* chunked(allJobLines(graph, options));
      yield render('run-end', {});
    },
  };
}

/** Job ids name files under job_info/; the compiler's ids always qualify, hand-built graphs may not. */
export function validateBash(graph: JobGraph): Diagnostic[] {
  const bad = scheduledJobs(graph).find((job) => !isBashSafeId(job.id));
  if (!bad) return [];
  return [
    error('E_OPTION', `the bash target cannot name status files after job "${bad.id}"`, {
      found: JSON.stringify(bad.id),
      expected: 'job ids made of letters, digits, . _ -',
    }),
  ];
}

/**
 * The bash target: one serial script in the spirit of cmd_queue's serial backend (POSIX sh,
 * since sh starts processes faster than bash), with
 * per-job status files, dependents of a failed job skipped, and finished jobs skipped
 * through the runner, so a rerun picks up where the last run stopped.
 * @see https://www.gnu.org/software/bash/manual/bash.html
 */
export const bashTarget: Target = {
  name: 'bash',
  description: 'one shell script that runs the jobs one after the other (the seed\'s --backend=serial)',
  validate: (graph) => validateBash(graph),
  emit(graph, options): EmittedFile[] {
    return [{ path: SCRIPT_NAME, content: scriptContent(graph, options), executable: true }, ...runtimeFiles()];
  },
  runCommand: () => ['sh', SCRIPT_NAME],
};
