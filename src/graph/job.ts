import { posix } from 'node:path';
import type { PipelineNode, Resources } from '../pipeline/pipeline.js';
import type { Value, ValueMap } from '../values/value.js';
import type { Job, JobLink, JobStatus, RowOptions } from './job-graph.js';
import { renderCommand } from './render-command.js';
import { toJson } from '../values/py-format.js';

/** Lookups a job needs to derive its command, config and links. */
export interface JobIndex {
  readonly jobs: ReadonlyMap<string, JobRecord>;
  readonly nodes: ReadonlyMap<string, PipelineNode>;
  /** Node name → position in topological order. */
  readonly order: ReadonlyMap<string, number>;
}

/** Everything known about a job when it is created. */
export interface JobInit
  extends Pick<Job, 'id' | 'node' | 'algoId' | 'dir' | 'status' | 'reason' | 'scheduled' | 'redo' | 'staleMarker' | 'preds' | 'deps' | 'final' | 'fingerprint' | 'rowOptions'> {
  /** What the algo id hashes; with the perf keys, the job's part of job_config.json. */
  readonly algo: ValueMap;
  readonly perfKeys: readonly string[];
  readonly firstRow: number;
  /** Whether its results will exist once the artifacts ran (kwdagger's `will_exist`). */
  readonly willExist: boolean;
}

export const MARKER_NAME = '.gwc-done';

/**
 * `path.posix.relative` for two normalized absolute paths, without resolving
 * against the working directory (a link per edge makes this hot): the common
 * whole-segment prefix is found in one scan.
 */
export function relativeTo(fromDir: string, to: string): string {
  if (fromDir === to) return '';
  const from = fromDir === '/' ? '' : fromDir;
  const target = to === '/' ? '' : to;
  // `common` ends at a '/' (or the end) shared by both paths.
  let common = 0;
  const limit = Math.min(from.length, target.length);
  for (let i = 0; i < limit && from.charCodeAt(i) === target.charCodeAt(i); i++) if (from.charCodeAt(i) === SLASH) common = i;
  if (limit === from.length && (target.length === limit || target.charCodeAt(limit) === SLASH) && from === target.slice(0, limit)) common = limit;
  else if (limit === target.length && from.charCodeAt(limit) === SLASH && target === from.slice(0, limit)) common = limit;
  let ups = 0;
  for (let i = common; i < from.length; i++) if (from.charCodeAt(i) === SLASH) ups++;
  const rest = target.slice(common + 1);
  if (ups === 0) return rest;
  const up = '../'.repeat(ups);
  return rest === '' ? up.slice(0, -1) : up + rest;
}

const SLASH = 47;

/**
 * A job of the IR. Heavy text (command, job config, links) is derived on
 * access from small stored fields, so a million-job graph fits in memory.
 */
export class JobRecord implements Job {
  readonly id: string;
  readonly node: string;
  readonly algoId: string;
  readonly dir: string;
  readonly status: JobStatus;
  readonly reason: string;
  readonly scheduled: boolean;
  readonly redo: boolean;
  readonly staleMarker: boolean;
  readonly deps: readonly string[];
  readonly preds: readonly string[];
  readonly final: ValueMap;
  readonly fingerprint: string;
  readonly rowOptions: RowOptions;
  /** Whether its results will exist once the artifacts ran; dependents of a job that won't are skipped. */
  readonly willExist: boolean;
  readonly #algo: ValueMap;
  readonly #perfKeys: readonly string[];
  /** One row number, or all of them once a second row configures the job (most jobs have one). */
  #rows: number | number[];
  readonly #index: JobIndex;
  #lineageCache: readonly JobRecord[] | undefined;
  #membersCache: string | undefined;

  constructor(init: JobInit, index: JobIndex) {
    this.id = init.id;
    this.node = init.node;
    this.algoId = init.algoId;
    this.dir = init.dir;
    this.status = init.status;
    this.reason = init.reason;
    this.scheduled = init.scheduled;
    this.redo = init.redo;
    this.staleMarker = init.staleMarker;
    this.deps = init.deps;
    this.preds = init.preds;
    this.final = init.final;
    this.fingerprint = init.fingerprint;
    this.rowOptions = init.rowOptions;
    this.willExist = init.willExist;
    this.#algo = init.algo;
    this.#perfKeys = init.perfKeys;
    this.#rows = init.firstRow;
    this.#index = index;
  }

  get marker(): string {
    return `${this.dir}/${MARKER_NAME}`;
  }

  get resources(): Resources {
    return this.#stage().resources;
  }

  /** The path of one output (its final config value: the default path or the grid's override). */
  outputPath(name: string): string {
    return this.final[name] as string;
  }

  get outputs(): Readonly<Record<string, string>> {
    return Object.fromEntries([...this.#stage().outputs.keys()].map((name) => [name, this.outputPath(name)]));
  }

  #stage(): PipelineNode {
    const node = this.#index.nodes.get(this.node);
    if (!node) throw new Error(`internal: job ${this.id} names unknown node ${this.node}`);
    return node;
  }

  /** Records another grid row that configures this same job. */
  addRow(row: number): void {
    if (typeof this.#rows === 'number') this.#rows = [this.#rows, row];
    else this.#rows.push(row);
  }

  get rows(): readonly number[] {
    return typeof this.#rows === 'number' ? [this.#rows] : this.#rows;
  }

  get command(): string {
    return renderCommand(this.#stage(), this.final);
  }

  /**
   * Transitive predecessor jobs, in topological order of their nodes, then by id.
   * Built from the predecessors' own (cached) lineages: upstream jobs are shared
   * by many descendants, leaf jobs are asked once.
   */
  get ancestors(): readonly JobRecord[] {
    if (this.preds.length === 1) {
      // One predecessor (a chain): its lineage is already in order.
      const pred = this.#index.jobs.get(this.preds[0] as string);
      return pred ? pred.#lineage() : [];
    }
    const seen = new Map<string, JobRecord>();
    for (const predId of this.preds) {
      const pred = this.#index.jobs.get(predId);
      if (!pred) continue;
      for (const job of pred.#lineage()) seen.set(job.id, job);
    }
    const order = this.#index.order;
    return [...seen.values()].sort((a, b) => (order.get(a.node) ?? 0) - (order.get(b.node) ?? 0) || (a.id < b.id ? -1 : 1));
  }

  /** This job's ancestors and itself, cached because descendants ask for it. */
  #lineage(): readonly JobRecord[] {
    this.#lineageCache ??= [...this.ancestors, this];
    return this.#lineageCache;
  }

  get ancestorDirs(): readonly string[] {
    return this.ancestors.map((job) => job.dir);
  }

  /** This job's resolved params (algo then perf), keyed `<node>.<param>`. */
  ownConfig(): [string, Value][] {
    const entries: [string, Value][] = Object.keys(this.#algo).map((k) => [`${this.node}.${k}`, this.#algo[k] as Value]);
    for (const k of this.#perfKeys) entries.push([`${this.node}.${k}`, this.final[k] ?? null]);
    return entries;
  }

  /** {@link ownConfig} as JSON members (`"a.p": 1, …`), cached when a descendant asks. */
  #configMembers(cache: boolean): string {
    if (this.#membersCache !== undefined) return this.#membersCache;
    const members = this.ownConfig()
      .map(([k, v]) => `${JSON.stringify(k)}: ${toJson(v)}`)
      .join(', ');
    if (cache) this.#membersCache = members;
    return members;
  }

  get config(): ValueMap {
    const entries = [...this.ancestors, this].flatMap((job) => job.ownConfig());
    return Object.fromEntries(entries);
  }

  get configJson(): string {
    const members = this.ancestors.map((job) => job.#configMembers(true));
    members.push(this.#configMembers(false));
    return `{${members.filter((m) => m !== '').join(', ')}}`;
  }

  get links(): readonly JobLink[] {
    const links: JobLink[] = [];
    for (const predId of this.preds) {
      const pred = this.#index.jobs.get(predId);
      if (!pred) continue;
      const predLink = `${this.dir}/.pred/${pred.node}/${pred.id}`;
      const succLink = `${pred.dir}/.succ/${this.node}/${this.id}`;
      links.push({ path: predLink, target: relativeTo(posix.dirname(predLink), pred.dir) });
      links.push({ path: succLink, target: relativeTo(posix.dirname(succLink), this.dir) });
    }
    return links;
  }
}
