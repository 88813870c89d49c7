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
  /** `[[ -v NAME ]] || NAME=value; export NAME` lines: the environment wins. */
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
    exports: runnerEnvironment(options).map(([name, value]) => `[[ -v ${name} ]] || ${name}=${shellQuote(value)}; export ${name}`),
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
  const redo = job.redo ? ' --redo' : '';
  return `\n### Command ${index} / ${total} - ${job.id}\ngwc_job ${index} ${shellQuote(job.id)}${deps}${redo} -- ${words.join(' ')}\n`;
}

/** Every job's lines, in topological order. */
export function* allJobLines(graph: JobGraph, options: TargetOptions): Generator<string> {
  const jobs = scheduledJobs(graph);
  for (const [i, job] of jobs.entries()) yield jobLines(job, i + 1, jobs.length, graph, options);
}
