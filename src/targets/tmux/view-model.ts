import { scheduledJobs, type Job, type JobGraph } from '../../graph/job-graph.js';
import { ChunkBuffer } from '../shared/chunks.js';
import { runnerArgs } from '../shared/runtime.js';
import type { Chunk, EmittedFile, TargetOptions } from '../target.js';
import { bashLineWord, commentText, shLineWord } from './escape.js';

/** Files the tmux target emits next to the runner. */
export const DRIVER_FILE = 'gwc-tmux.sh';
export const WORKER_FILE = 'gwc-tmux-worker.sh';
/** The job table's folder: chunk files of {@link TABLE_CHUNK} lines, and the roots file. */
export const JOBS_DIR = 'gwc-tmux-jobs';
export const ROOTS_FILE = `${JOBS_DIR}/roots.txt`;
/**
 * Jobs per chunk file. A worker holds one chunk in a bash array (read with `mapfile`, no
 * process): ready jobs mostly follow the table's order, so it seldom reads another.
 */
export const TABLE_CHUNK = 1000;

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
  readonly jobsDir: string;
  readonly rootsFile: string;
  readonly tableChunk: number;
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
    jobsDir: JOBS_DIR,
    rootsFile: ROOTS_FILE,
    tableChunk: TABLE_CHUNK,
    workerFile: WORKER_FILE,
  };
}

/** The path of chunk file `n` of the job table. */
export function chunkPath(n: number): string {
  return `${JOBS_DIR}/${String(n).padStart(6, '0')}.txt`;
}

/**
 * One line per job, in topological order; job `i` is line `i % TABLE_CHUNK` of chunk
 * `floor(i / TABLE_CHUNK)`:
 *   NDEPS SUCCESSORS ID RUNNER-ARGS...
 * SUCCESSORS is `-` or `INDEX:NDEPS,...` (each successor's index and how many jobs it waits
 * for); RUNNER-ARGS are sh words on one line (see {@link shLineWord}).
 */
export function jobLine(job: Job, successors: string, graph: JobGraph, options: TargetOptions): string {
  const words = runnerArgs(job, graph, options).map(shLineWord).join(' ');
  return `${job.deps.length} ${successors} ${job.id} ${words}\n`;
}

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

/** The job table's files: its chunks, then the roots file (the jobs that wait for nothing). */
export function jobTableFiles(graph: JobGraph, options: TargetOptions): EmittedFile[] {
  const jobs = scheduledJobs(graph);
  const successors = successorIndices(jobs);
  const files: EmittedFile[] = [];
  for (let start = 0; start < jobs.length; start += TABLE_CHUNK) {
    const end = Math.min(start + TABLE_CHUNK, jobs.length);
    files.push({ path: chunkPath(start / TABLE_CHUNK), content: { [Symbol.iterator]: () => chunkLines(jobs, successors, start, end, graph, options) } });
  }
  files.push({ path: ROOTS_FILE, content: { [Symbol.iterator]: () => rootLines(jobs) } });
  return files;
}

function* chunkLines(
  jobs: readonly Job[],
  successors: readonly number[][],
  start: number,
  end: number,
  graph: JobGraph,
  options: TargetOptions,
): Generator<Chunk> {
  const buffer = new ChunkBuffer();
  for (let i = start; i < end; i += 1) {
    const next = successors[i] as number[];
    const list = next.length ? next.map((k) => `${k}:${(jobs[k] as Job).deps.length}`).join(',') : '-';
    if (buffer.push(jobLine(jobs[i] as Job, list, graph, options))) yield buffer.take();
  }
  yield buffer.take();
}

function* rootLines(jobs: readonly Job[]): Generator<Chunk> {
  const buffer = new ChunkBuffer();
  for (let i = 0; i < jobs.length; i += 1) {
    if ((jobs[i] as Job).deps.length === 0 && buffer.push(`${i}\n`)) yield buffer.take();
  }
  yield buffer.take();
}
