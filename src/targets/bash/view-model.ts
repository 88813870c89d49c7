import { scheduledJobs, type Job, type JobGraph } from '../../graph/job-graph.js';
import { runnerArgs, runnerEnvironment } from '../shared/runtime.js';
import { shellQuote } from '../shared/shell-quote.js';
import type { TargetOptions } from '../target.js';
import { bashCommentText, bashWord } from './escape.js';

/** The script's head (settings and functions), pre-quoted for the template. */
export interface ScriptFrame {
  readonly version: string;
  readonly inputs: string;
  /** The queue name for a comment line. */
  readonly queueComment: string;
  /** The queue name as a JSON string, shell-quoted. */
  readonly nameJson: string;
  readonly total: number;
  /** The root without a trailing slash, shell-quoted. */
  readonly root: string;
  /** `[ -n "${NAME+set}" ] || NAME=value; export NAME` lines: the environment wins. */
  readonly exports: readonly string[];
}

/** Builds the head's view model. */
export function scriptFrame(graph: JobGraph, options: TargetOptions): ScriptFrame {
  return {
    version: bashCommentText(options.version),
    inputs: bashCommentText(options.inputs.join(', ')),
    queueComment: bashCommentText(JSON.stringify(options.queueName)),
    nameJson: shellQuote(JSON.stringify(options.queueName)),
    total: scheduledJobs(graph).length,
    root: shellQuote(rootPrefix(graph.root)),
    exports: runnerEnvironment(options).map(([name, value]) => `[ -n "\${${name}+set}" ] || ${name}=${shellQuote(value)}; export ${name}`),
  };
}

function rootPrefix(root: string): string {
  return root.replace(/\/+$/, '');
}

/** The banner comment and the `gwc_job` call of one job (the index counts from 1). */
export function jobLines(job: Job, index: number, total: number, graph: JobGraph, options: TargetOptions): string {
  const rootSlash = `${rootPrefix(graph.root)}/`;
  const words = runnerArgs(job, graph, options).map((arg) => bashWord(arg, rootSlash));
  const deps = job.deps.map((id) => ` ${shellQuote(id)}`).join('');
  return `\n### Command ${index} / ${total} - ${job.id}\ngwc_job ${index} ${shellQuote(job.id)}${deps} -- ${words.join(' ')}\n`;
}

/** Jobs whose missing dirs one `gwc_dirs` line makes: one mkdir per batch, not per job. */
export const DIR_BATCH = 64;

/** The `gwc_dirs` line for the jobs that follow it. */
export function dirsLine(jobs: readonly Job[], graph: JobGraph): string {
  const rootSlash = `${rootPrefix(graph.root)}/`;
  return `\ngwc_dirs ${jobs.map((job) => bashWord(job.dir, rootSlash)).join(' ')}\n`;
}

/** Every job's lines, in topological order, each batch after its `gwc_dirs` line. */
export function* allJobLines(graph: JobGraph, options: TargetOptions): Generator<string> {
  const jobs = scheduledJobs(graph);
  for (let start = 0; start < jobs.length; start += DIR_BATCH) {
    const batch = jobs.slice(start, start + DIR_BATCH);
    yield dirsLine(batch, graph);
    for (const [i, job] of batch.entries()) yield jobLines(job, start + i + 1, jobs.length, graph, options);
  }
}
