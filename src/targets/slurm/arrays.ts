import { scheduledJobs, type Job, type JobGraph } from '../../graph/job-graph.js';
import type { SbatchOptions } from './sbatch-options.js';

/**
 * What an array waits for, per upstream array:
 * - `corr`: task i waits for task i (`aftercorr`);
 * - `all`: every task waits for the whole upstream array (`afterok:ID`);
 * - `ok`: every task waits for these upstream tasks (`afterok:ID_i:ID_j`).
 */
export type ArrayDependency =
  | { readonly kind: 'corr' | 'all'; readonly array: number }
  | { readonly kind: 'ok'; readonly array: number; readonly indices: readonly number[] };

/** One sbatch array: jobs of one node with the same sbatch options and the same dependency shape. */
export interface SlurmArray {
  /** Position in submission order; upstream arrays come first. */
  readonly number: number;
  readonly node: string;
  /** The job of each task index; holes (undefined) where an aligned array has no task. */
  readonly tasks: readonly (Job | undefined)[];
  /** How many tasks it has (the defined entries of {@link tasks}). */
  readonly size: number;
  readonly options: SbatchOptions;
  readonly dependencies: readonly ArrayDependency[];
}

/** Where a job runs: its array and task index. */
interface Slot {
  readonly array: number;
  readonly index: number;
}

interface OpenArray {
  readonly number: number;
  readonly node: string;
  readonly tasks: (Job | undefined)[];
  size: number;
  readonly options: SbatchOptions;
  readonly dependencies: readonly ArrayDependency[];
}

/** A job's place in the plan, decided before arrays are formed. */
interface Placement {
  readonly job: Job;
  readonly options: SbatchOptions;
  readonly upstream: readonly Slot[];
}

/** Nodes in an order where every node comes after the nodes its jobs depend on. */
function nodeOrder(graph: JobGraph, jobs: readonly Job[], nodeOf: ReadonlyMap<string, string>): string[] {
  const rank = new Map<string, number>(graph.nodes.map((node, i) => [node.name, i]));
  const after = new Map<string, Set<string>>();
  for (const job of jobs) {
    for (const dep of job.deps) {
      const up = nodeOf.get(dep);
      if (up === undefined || up === job.node) continue;
      let set = after.get(job.node);
      if (!set) after.set(job.node, (set = new Set()));
      set.add(up);
    }
  }
  const names = [...new Set(jobs.map((job) => job.node))].sort((a, b) => (rank.get(a) ?? 0) - (rank.get(b) ?? 0));
  const placed = new Set<string>();
  const order: string[] = [];
  while (order.length < names.length) {
    const next = names.find((name) => !placed.has(name) && [...(after.get(name) ?? [])].every((up) => placed.has(up)));
    if (next === undefined) throw new Error('internal: the job graph has a cycle between nodes');
    placed.add(next);
    order.push(next);
  }
  return order;
}

/**
 * An aligned job waits for task i of one or more upstream arrays, all at the same
 * index i: it can be task i of an array that depends on them with `aftercorr`.
 */
function alignedKey(placement: Placement): string | undefined {
  const { upstream } = placement;
  if (upstream.length === 0) return undefined;
  const index = (upstream[0] as Slot).index;
  const arrays = new Set<number>();
  for (const slot of upstream) {
    if (slot.index !== index || arrays.has(slot.array)) return undefined;
    arrays.add(slot.array);
  }
  return `${placement.options.signature}\0corr\0${[...arrays].sort((a, b) => a - b).join(',')}`;
}

function elementsKey(placement: Placement): string {
  const elements = placement.upstream.map((slot) => `${slot.array}_${slot.index}`).sort();
  return `${placement.options.signature}\0ok\0${elements.join(',')}`;
}

/**
 * The deps of a job that no other dep already waits for: waiting for track_i,
 * which waits for predict_j, covers predict_j too (and a failure of predict_j
 * still cancels the job, through track_i). Fewer deps let more jobs share an array.
 */
export function directDeps(job: Job, byId: ReadonlyMap<string, Job>): readonly string[] {
  if (job.deps.length < 2) return job.deps;
  const covered = new Set<string>();
  const stack: string[] = [];
  for (const id of job.deps) stack.push(...(byId.get(id)?.deps ?? []));
  while (stack.length) {
    const id = stack.pop() as string;
    if (covered.has(id)) continue;
    covered.add(id);
    stack.push(...(byId.get(id)?.deps ?? []));
  }
  return covered.size ? job.deps.filter((id) => !covered.has(id)) : job.deps;
}

/** Plans the arrays of a graph: see {@link planArrays}. */
class ArrayPlanner {
  readonly arrays: OpenArray[] = [];
  readonly #slots = new Map<string, Slot>();
  readonly #open = new Map<string, OpenArray>();

  constructor(
    readonly maxArraySize: number,
    readonly optionsOf: (job: Job) => SbatchOptions,
    readonly byId: ReadonlyMap<string, Job>,
  ) {}

  placeNode(jobs: readonly Job[]): void {
    const placements = jobs.map((job) => ({ job, options: this.optionsOf(job), upstream: directDeps(job, this.byId).map((id) => this.#slot(id)) }));
    const claims = new Map<string, number>();
    const aligned = placements.map((p) => {
      const key = alignedKey(p);
      if (key !== undefined) {
        const claim = `${key}\0${(p.upstream[0] as Slot).index}`;
        claims.set(claim, (claims.get(claim) ?? 0) + 1);
      }
      return key;
    });
    this.#open.clear();
    placements.forEach((p, i) => {
      const key = aligned[i];
      // Two jobs waiting for the same upstream task cannot share its index: they wait for that task instead.
      if (key !== undefined && claims.get(`${key}\0${(p.upstream[0] as Slot).index}`) === 1) this.#placeAligned(p, key);
      else this.#placeDense(p);
    });
  }

  #slot(id: string): Slot {
    const slot = this.#slots.get(id);
    if (!slot) throw new Error(`internal: job depends on ${id}, which no earlier array holds`);
    return slot;
  }

  #newArray(p: Placement, dependencies: readonly ArrayDependency[]): OpenArray {
    const array: OpenArray = { number: this.arrays.length, node: p.job.node, tasks: [], size: 0, options: p.options, dependencies };
    this.arrays.push(array);
    return array;
  }

  #add(array: OpenArray, index: number, job: Job): void {
    array.tasks[index] = job;
    array.size += 1;
    this.#slots.set(job.id, { array: array.number, index });
  }

  #placeAligned(p: Placement, key: string): void {
    let array = this.#open.get(key);
    if (!array) {
      const upstream = [...new Set(p.upstream.map((slot) => slot.array))].sort((a, b) => a - b);
      array = this.#newArray(p, upstream.map((number) => ({ kind: 'corr', array: number })));
      this.#open.set(key, array);
    }
    this.#add(array, (p.upstream[0] as Slot).index, p.job);
  }

  #placeDense(p: Placement): void {
    const key = elementsKey(p);
    let array = this.#open.get(key);
    if (!array || array.size >= this.maxArraySize) {
      array = this.#newArray(p, this.#elementDependencies(p.upstream));
      this.#open.set(key, array);
    }
    this.#add(array, array.size, p.job);
  }

  /** `afterok` on the exact upstream tasks, or on the whole array when every task of it is needed. */
  #elementDependencies(upstream: readonly Slot[]): ArrayDependency[] {
    const byArray = new Map<number, number[]>();
    for (const slot of upstream) {
      const list = byArray.get(slot.array);
      if (list) list.push(slot.index);
      else byArray.set(slot.array, [slot.index]);
    }
    return [...byArray.entries()]
      .sort(([a], [b]) => a - b)
      .map(([number, indices]) => {
        const unique = [...new Set(indices)].sort((a, b) => a - b);
        return unique.length === (this.arrays[number] as OpenArray).size
          ? { kind: 'all' as const, array: number }
          : { kind: 'ok' as const, array: number, indices: unique };
      });
  }
}

/**
 * Splits the scheduled jobs into sbatch arrays, node by node in dependency order.
 * Jobs of a node go to one array when they have the same sbatch options and either
 * wait for the very same upstream tasks (dense indices 0..n-1, split at
 * `maxArraySize`), or each wait for task i of the same upstream arrays (task i,
 * `aftercorr`). So a failed task cancels exactly its descendants.
 */
export function planArrays(graph: JobGraph, maxArraySize: number, optionsOf: (job: Job) => SbatchOptions): SlurmArray[] {
  const jobs = scheduledJobs(graph);
  const byNode = new Map<string, Job[]>();
  const nodeOf = new Map<string, string>();
  const byId = new Map<string, Job>();
  for (const job of jobs) {
    nodeOf.set(job.id, job.node);
    byId.set(job.id, job);
    const list = byNode.get(job.node);
    if (list) list.push(job);
    else byNode.set(job.node, [job]);
  }
  const planner = new ArrayPlanner(maxArraySize, optionsOf, byId);
  for (const node of nodeOrder(graph, jobs, nodeOf)) planner.placeNode(byNode.get(node) ?? []);
  return planner.arrays;
}
