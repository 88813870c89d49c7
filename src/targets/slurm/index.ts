import type { Diagnostic } from '../../diagnostics/diagnostic.js';
import type { JobGraph } from '../../graph/job-graph.js';
import { createRenderer, type TemplateRenderer } from '../shared/render.js';
import { ChunkBuffer } from '../shared/chunks.js';
import { runtimeFiles } from '../shared/runtime.js';
import type { EmittedFile, FileContent, Target, TargetOptions } from '../target.js';
import { planArrays, type SlurmArray } from './arrays.js';
import { validateSlurmOptions } from './sbatch-options.js';
import { SLURM_FLAGS, resolveSlurmSettings } from './options.js';
import { globalSbatchOptions, helperView, maxArraySize, sbatchOptionsOf, submitFrame, submitLine, tableText } from './view-model.js';

let renderer: TemplateRenderer | undefined;

function render(name: string, view: object): string {
  renderer ??= createRenderer('slurm');
  return renderer.render(name, view);
}

/** submit.sh: the functions, then one line per array, in chunks. */
function submitContent(options: TargetOptions, arrays: readonly SlurmArray[]): FileContent {
  return {
    *[Symbol.iterator]() {
      yield render('submit.sh', submitFrame(options, arrays));
      const buffer = new ChunkBuffer();
      for (const array of arrays) if (buffer.push(submitLine(array))) yield buffer.take();
      buffer.push('finish\n');
      yield buffer.take();
    },
  };
}

/** One table per array, each built only when it is written. */
function tableFiles(graph: JobGraph, options: TargetOptions, arrays: readonly SlurmArray[]): EmittedFile[] {
  return arrays.map((array) => ({
    path: `tables/${array.number}.jobs`,
    content: { *[Symbol.iterator]() { yield tableText(array, graph, options); } },
  }));
}

export function validateSlurm(graph: JobGraph, options: TargetOptions): Diagnostic[] {
  return validateSlurmOptions(graph, globalSbatchOptions(graph, options));
}

/**
 * The Slurm target: one sbatch array per node (split by options, dependency shape
 * and MaxArraySize), submitted by submit.sh with element-wise dependencies.
 * @see https://slurm.schedmd.com/job_array.html
 */
export const slurmTarget: Target = {
  name: 'slurm',
  description: 'Slurm job arrays submitted by submit.sh (sbatch --array, aftercorr/afterok); done jobs are not submitted',
  validate: (graph, options) => validateSlurm(graph, options),
  flags: SLURM_FLAGS,
  resolveSettings: resolveSlurmSettings,
  emit(graph, options): EmittedFile[] {
    const arrays = planArrays(graph, maxArraySize(options), sbatchOptionsOf(graph, options));
    const helpers = helperView(options);
    return [
      { path: 'submit.sh', content: submitContent(options, arrays), executable: true },
      { path: 'gwc-task.sh', content: render('gwc-task.sh', helpers), executable: true },
      { path: 'cancel.sh', content: render('cancel.sh', helpers), executable: true },
      { path: 'wait.sh', content: render('wait.sh', helpers), executable: true },
      ...tableFiles(graph, options, arrays),
      ...runtimeFiles(),
    ];
  },
  runCommand: () => ['bash', 'submit.sh'],
};
