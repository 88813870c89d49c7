import { Buffer } from 'node:buffer';
import { scheduledJobs, type Job, type JobGraph } from '../../graph/job-graph.js';
import { ChunkBuffer } from '../shared/chunks.js';
import { runnerArgs } from '../shared/runtime.js';
import type { TargetOptions } from '../target.js';
import { bashLineWord, commentText } from './escape.js';

/** Files the tmux target emits next to the runner. */
export const DRIVER_FILE = 'gwc-tmux.sh';
export const WORKER_FILE = 'gwc-tmux-worker.sh';
export const JOBS_FILE = 'gwc-tmux-jobs.txt';

/** What the driver and worker templates need, already quoted for bash. */
export interface ScriptView {
  readonly version: string;
  readonly inputs: string;
  readonly queueName: string;
  /** Sessions started: `--workers`, but never more than there are jobs. */
  readonly workers: number;
  readonly total: number;
  /** `GWC_DEVICES`'s default as a bash word, '' when no devices were given. */
  readonly devices: string;
  /** `GWC_PREAMBLE`'s default as a bash word, '' when none was given. */
  readonly preamble: string;
  readonly jobsFile: string;
  readonly workerFile: string;
}

export function scriptView(graph: JobGraph, options: TargetOptions): ScriptView {
  const total = scheduledJobs(graph).length;
  return {
    version: commentText(options.version),
    inputs: commentText(options.inputs.join(', ')),
    queueName: options.queueName,
    workers: Math.min(options.workers, total),
    total,
    devices: options.devices.length > 0 ? bashLineWord(options.devices.join(',')) : '',
    preamble: options.preamble !== undefined ? bashLineWord(options.preamble) : '',
    jobsFile: JOBS_FILE,
    workerFile: WORKER_FILE,
  };
}

/**
 * The job table's first line. Then one line per job, in reverse topological order:
 *   NDEPS SUCCESSORS ID RUNNER-ARGS...
 * SUCCESSORS is `-` or `OFFSET:NDEPS,...` (the byte offset of each successor's line and how many
 * jobs it waits for), RUNNER-ARGS are bash words. Successors come first in the file, so their
 * offsets are known when a line is written. The last line is `R` and the offsets of the jobs
 * that wait for nothing, in topological order: the queue's first ready jobs.
 */
export const JOBS_HEADER =
  '# gwc-tmux job table: NDEPS SUCCESSORS(offset:ndeps,...|-) ID RUNNER-ARGS, last line R ROOT-OFFSETS\n';

/** Successor indices of every job (indices into `jobs`), each list in topological order. */
function successorIndices(jobs: readonly Job[]): number[][] {
  const index = new Map<string, number>();
  jobs.forEach((job, i) => index.set(job.id, i));
  const successors = jobs.map((): number[] => []);
  jobs.forEach((job, i) => {
    for (const dep of job.deps) {
      const d = index.get(dep);
      if (d === undefined) throw new Error(`internal: job ${job.id} depends on unscheduled job ${dep}`);
      (successors[d] as number[]).push(i);
    }
  });
  return successors;
}

/** One job's line of the table, given the byte offsets of its successors' lines. */
export function jobLine(job: Job, successors: string, graph: JobGraph, options: TargetOptions): string {
  const words = runnerArgs(job, graph, options).map(bashLineWord).join(' ');
  return `${job.deps.length} ${successors} ${job.id} ${words}\n`;
}

/** The job table in {@link ChunkBuffer} chunks; a million jobs never sit in one string. */
export function* jobTableChunks(graph: JobGraph, options: TargetOptions): Generator<string> {
  const jobs = scheduledJobs(graph);
  const successors = successorIndices(jobs);
  const offsets = new Array<number>(jobs.length).fill(0);
  let offset = Buffer.byteLength(JOBS_HEADER);
  const buffer = new ChunkBuffer();
  buffer.push(JOBS_HEADER);
  for (let i = jobs.length - 1; i >= 0; i -= 1) {
    const job = jobs[i] as Job;
    const next = successors[i] as number[];
    const list = next.length ? next.map((k) => `${offsets[k]}:${(jobs[k] as Job).deps.length}`).join(',') : '-';
    const line = jobLine(job, list, graph, options);
    offsets[i] = offset;
    offset += Buffer.byteLength(line);
    if (buffer.push(line)) yield buffer.take();
  }
  let roots = 'R';
  jobs.forEach((job, i) => {
    if (job.deps.length === 0) roots += ` ${offsets[i]}`;
  });
  buffer.push(`${roots}\n`);
  yield buffer.take();
}
