import { scheduledJobs, type Job, type JobGraph } from '../../graph/job-graph.js';
import { MAX_DAG_TASKS, MAX_TEMPLATES, WORKFLOW_SPEC_BUDGET } from './limits.js';
import { NameScope } from './names.js';

/**
 * How the jobs are laid out in Argo objects, within Argo's limits for any grid size.
 *
 * Jobs (in topological order) are cut into *chunks* of at most 200: one DAG template
 * each, whose tasks wait for their dependencies inside the chunk. A chunk waits for
 * the chunks that hold its other dependencies. Chunks are grouped into *parts* of at
 * most `jobsPerWorkflow` jobs and a spec budget: one workflow each. One part is
 * emitted as the Workflow itself; several become WorkflowTemplates that a parent
 * Workflow creates as child workflows, each after the parts it depends on.
 * Dependencies always point to earlier jobs, so chunk and part dependencies point
 * to earlier chunks and parts: the layout has no cycles.
 */
export interface ArgoPlan {
  /** Scheduled jobs in topological order. */
  readonly jobs: readonly Job[];
  /** The DAG task name of each job (unique within its part; also its key in the job table). */
  readonly taskNames: readonly string[];
  /** Index of each scheduled job by id. */
  readonly indexOf: ReadonlyMap<string, number>;
  /** The chunk of each job. */
  readonly chunkOf: Int32Array;
  readonly chunks: readonly ChunkPlan[];
  readonly parts: readonly PartPlan[];
}

export interface ChunkPlan {
  /** First job (index into {@link ArgoPlan.jobs}) and one past the last. */
  readonly start: number;
  readonly end: number;
  /** Chunk numbers (into {@link ArgoPlan.chunks}) of the same part it waits for, ascending. */
  readonly deps: readonly number[];
}

export interface PartPlan {
  /** First chunk and one past the last. */
  readonly firstChunk: number;
  readonly endChunk: number;
  /** Part numbers it waits for, ascending. */
  readonly deps: readonly number[];
}

/** Bytes a task entry takes besides its names (indentation, keys, quotes). */
const TASK_OVERHEAD = 120;
/** Bytes a dependency adds besides its name (quotes, comma, space). */
const DEPENDENCY_OVERHEAD = 4;
/** Bytes of a part's frame: metadata, volumes, one job template per node. */
const FRAME_BYTES = 4096;

interface Builder {
  readonly chunks: { start: number; end: number; deps: Set<number> }[];
  readonly parts: { firstChunk: number; endChunk: number; deps: Set<number> }[];
  names: NameScope;
  partJobs: number;
  partBytes: number;
}

/** Most chunks a part may hold: one template each, next to `main` and one template per node. */
export function maxChunksPerPart(graph: JobGraph): number {
  return Math.min(MAX_DAG_TASKS, MAX_TEMPLATES - 1 - graph.nodes.length);
}

/** Lays the scheduled jobs out in chunks and parts (see {@link ArgoPlan}). */
export function planWorkflows(graph: JobGraph, jobsPerWorkflow: number): ArgoPlan {
  const jobs = scheduledJobs(graph);
  const indexOf = new Map<string, number>();
  const chunkOf = new Int32Array(jobs.length);
  const taskNames = new Array<string>(jobs.length);
  const maxChunks = Math.max(1, maxChunksPerPart(graph));
  const b: Builder = { chunks: [], parts: [], names: new NameScope(), partJobs: 0, partBytes: FRAME_BYTES };
  for (let i = 0; i < jobs.length; i += 1) {
    const job = jobs[i] as Job;
    indexOf.set(job.id, i);
    const depIndexes = job.deps.map((id) => {
      const index = indexOf.get(id);
      if (index === undefined) throw new Error(`internal: job ${job.id} depends on ${id}, which is not scheduled before it`);
      return index;
    });
    const cost = taskCost(job, depIndexes, b, chunkOf, taskNames);
    const chunk = b.chunks.at(-1);
    const partFull = b.parts.length === 0 || b.partJobs >= jobsPerWorkflow || (b.partJobs > 0 && b.partBytes + cost > WORKFLOW_SPEC_BUDGET);
    if (partFull) startPart(b);
    if (partFull || !chunk || chunk.end - chunk.start >= MAX_DAG_TASKS) {
      const current = b.parts.at(-1) as Builder['parts'][number];
      if (current.endChunk - current.firstChunk >= maxChunks) startPart(b);
      b.chunks.push({ start: i, end: i, deps: new Set() });
      (b.parts.at(-1) as Builder['parts'][number]).endChunk += 1;
    }
    placeJob(i, job, depIndexes, b, chunkOf, taskNames);
  }
  return {
    jobs,
    taskNames,
    indexOf,
    chunkOf,
    chunks: b.chunks.map((c) => ({ start: c.start, end: c.end, deps: sortedNumbers(c.deps) })),
    parts: b.parts.map((p) => ({ firstChunk: p.firstChunk, endChunk: p.endChunk, deps: sortedNumbers(p.deps) })),
  };
}

function startPart(b: Builder): void {
  b.parts.push({ firstChunk: b.chunks.length, endChunk: b.chunks.length, deps: new Set() });
  b.names = new NameScope();
  b.partJobs = 0;
  b.partBytes = FRAME_BYTES;
}

/** Estimated bytes of the job's task entry if it joins the current chunk. */
function taskCost(job: Job, deps: readonly number[], b: Builder, chunkOf: Int32Array, names: readonly string[]): number {
  let cost = TASK_OVERHEAD + 2 * job.id.length + job.node.length;
  const current = b.chunks.length - 1;
  for (const d of deps) if (chunkOf[d] === current) cost += (names[d] as string).length + DEPENDENCY_OVERHEAD;
  return cost;
}

/** Adds job `i` to the last chunk and part: its name, and the chunk and part dependencies it brings. */
function placeJob(i: number, job: Job, deps: readonly number[], b: Builder, chunkOf: Int32Array, names: string[]): void {
  const chunkIndex = b.chunks.length - 1;
  const chunk = b.chunks[chunkIndex] as Builder['chunks'][number];
  const part = b.parts[b.parts.length - 1] as Builder['parts'][number];
  chunkOf[i] = chunkIndex;
  chunk.end = i + 1;
  names[i] = b.names.claim(job.id);
  let cost = TASK_OVERHEAD + 2 * (names[i] as string).length + job.node.length;
  for (const d of deps) {
    const depChunk = chunkOf[d] as number;
    if (depChunk === chunkIndex) {
      cost += (names[d] as string).length + DEPENDENCY_OVERHEAD;
    } else if (depChunk >= part.firstChunk) {
      chunk.deps.add(depChunk);
    } else {
      part.deps.add(partOfChunk(b, depChunk));
    }
  }
  b.partJobs += 1;
  b.partBytes += cost;
}

/** The part a chunk belongs to: parts are few, so a binary search over their first chunks. */
function partOfChunk(b: Builder, chunk: number): number {
  let lo = 0;
  let hi = b.parts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((b.parts[mid] as Builder['parts'][number]).firstChunk <= chunk) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function sortedNumbers(set: ReadonlySet<number>): number[] {
  return [...set].sort((x, y) => x - y);
}

/**
 * Parts grouped for the parent workflow's DAG: at most 200 tasks per DAG template,
 * so more than 200 parts go into group templates of consecutive parts.
 */
export interface PartGroup {
  readonly firstPart: number;
  readonly endPart: number;
  /** Group numbers it waits for, ascending. */
  readonly deps: readonly number[];
}

/** Groups of consecutive parts; one group when they fit one DAG. */
export function groupParts(parts: readonly PartPlan[]): PartGroup[] {
  const groups: PartGroup[] = [];
  for (let first = 0; first < parts.length; first += MAX_DAG_TASKS) {
    const end = Math.min(parts.length, first + MAX_DAG_TASKS);
    const deps = new Set<number>();
    for (let p = first; p < end; p += 1) {
      for (const d of (parts[p] as PartPlan).deps) if (d < first) deps.add(Math.floor(d / MAX_DAG_TASKS));
    }
    groups.push({ firstPart: first, endPart: end, deps: sortedNumbers(deps) });
  }
  return groups;
}

/** Most parts the parent can run: 200 groups of 200 parts, less the parent's two other templates. */
export const MAX_PARTS = (MAX_TEMPLATES - 2) * MAX_DAG_TASKS;
