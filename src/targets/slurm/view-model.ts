import type { Job, JobGraph } from '../../graph/job-graph.js';
import { RUNNER_FILE, runnerArgs } from '../shared/runtime.js';
import { shellJoin, shellQuote } from '../shared/shell-quote.js';
import type { TargetOptions } from '../target.js';
import type { ValueMap } from '../../values/value.js';
import type { ArrayDependency, SlurmArray } from './arrays.js';
import { commentText, indexRanges, sbatchPathText, tableLine } from './escape.js';
import { DEFAULT_MAX_ARRAY_SIZE, type SlurmTargetOptions } from './options.js';
import { mergeSbatchOptions, nodeSlurmOptions, rowSlurmOptions, type SbatchOptions } from './sbatch-options.js';

/** The head of submit.sh, pre-quoted for the template. */
export interface SubmitFrame {
  readonly version: string;
  readonly inputs: string;
  readonly outDir: string;
  /** The queue name as a JSON string, shell-quoted. */
  readonly queueJson: string;
  readonly workers: number;
  readonly jobCount: number;
  readonly arrayCount: number;
  /** Directories the logs go to, created before anything is submitted. */
  readonly logDirs: readonly string[];
}

/** What gwc-task.sh, cancel.sh and wait.sh need, pre-quoted. */
export interface HelperView {
  readonly version: string;
  readonly outDir: string;
  readonly runner: string;
  /** The shell-quoted preamble, '' for none. */
  readonly preamble: string;
}

/** Log directory of a node's tasks, relative to the output directory. */
export function logDir(node: string): string {
  return `logs/${node}`;
}

/** The slurm settings in force: the CLI's, or none (e.g. for the benchmark). */
export function slurmSettings(options: TargetOptions): SlurmTargetOptions {
  return (options.settings as SlurmTargetOptions | undefined) ?? {};
}

/** sbatch options for every job: the grid's top-level `slurm_options`, then `--slurm_options` (later wins). */
export function globalSbatchOptions(graph: JobGraph, options: TargetOptions): ValueMap | undefined {
  const fromGrid = graph.gridOptions['slurm_options'];
  const fromFlag = slurmSettings(options).options;
  return fromGrid || fromFlag ? { ...fromGrid, ...fromFlag } : undefined;
}

export function maxArraySize(options: TargetOptions): number {
  return slurmSettings(options).maxArraySize ?? DEFAULT_MAX_ARRAY_SIZE;
}

/** Computes each job's sbatch options, once per node for jobs without grid options. */
export function sbatchOptionsOf(graph: JobGraph, options: TargetOptions): (job: Job) => SbatchOptions {
  const nodes = new Map(graph.nodes.map((node) => [node.name, node]));
  const cache = new Map<string, Map<object, SbatchOptions>>();
  const global = globalSbatchOptions(graph, options);
  return (job) => {
    const row = rowSlurmOptions(job);
    let byResources = cache.get(job.node);
    if (!byResources) cache.set(job.node, (byResources = new Map()));
    const cached = row ? undefined : byResources.get(job.resources);
    if (cached) return cached;
    const merged = mergeSbatchOptions({
      defaults: [
        ['job-name', `${options.queueName}-${job.node}`],
        ['output', `${sbatchPathText(options.outDir)}/${logDir(job.node)}/%A_%a.log`],
      ],
      ...(global ? { global } : {}),
      resources: job.resources,
      ...optional('node', nodeSlurmOptions(nodes.get(job.node))),
      ...optional('row', row),
    });
    if (!row) byResources.set(job.resources, merged);
    return merged;
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

export function submitFrame(options: TargetOptions, arrays: readonly SlurmArray[]): SubmitFrame {
  const nodes = [...new Set(arrays.map((array) => array.node))];
  return {
    version: commentText(options.version),
    inputs: commentText(options.inputs.join(', ')),
    outDir: shellQuote(options.outDir),
    queueJson: shellQuote(JSON.stringify(options.queueName)),
    workers: options.workers,
    jobCount: arrays.reduce((sum, array) => sum + array.size, 0),
    arrayCount: arrays.length,
    logDirs: nodes.map((node) => shellQuote(logDir(node))),
  };
}

export function helperView(options: TargetOptions): HelperView {
  return {
    version: commentText(options.version),
    outDir: shellQuote(options.outDir),
    runner: shellQuote(`${options.outDir}/${RUNNER_FILE}`),
    preamble: options.preamble !== undefined ? shellQuote(options.preamble) : '',
  };
}

function dependencyWord(dependency: ArrayDependency): string {
  if (dependency.kind === 'ok') return `ok:${dependency.array}:${indexRanges(dependency.indices)}`;
  return `${dependency.kind}:${dependency.array}`;
}

/** The submit.sh line of one array: `submit_array NUMBER NODE DEPENDENCY... -- SBATCH_OPTION...`. */
export function submitLine(array: SlurmArray): string {
  const words = ['submit_array', String(array.number), array.node, ...array.dependencies.map(dependencyWord), '--'];
  return `${shellJoin(words)} ${shellJoin(array.options.words)}\n`;
}

/** The job table of one array: line i + 1 holds task i's runner argv; holes are empty lines. */
export function tableText(array: SlurmArray, graph: JobGraph, options: TargetOptions): string {
  const lines = new Array<string>(array.tasks.length);
  for (let i = 0; i < array.tasks.length; i += 1) {
    const job = array.tasks[i];
    lines[i] = job ? tableLine(runnerArgs(job, graph, options)) : '';
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}
