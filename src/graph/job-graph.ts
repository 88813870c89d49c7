import type { Resources } from '../pipeline/pipeline.js';
import type { ValueMap } from '../values/value.js';
import type { CommandPiece, JobDirPiece } from './render-command.js';

export type { CommandPiece, JobDirPiece };

/**
 * Engine options a grid row sets for one node, keyed like the pipeline's per-node
 * `targetOptions` (`__slurm_options__` in the grid → `slurm_options`). Empty for most jobs.
 */
export type RowOptions = Readonly<Record<string, ValueMap>>;

/**
 * Status of a job at compile time.
 * - `to_run`: will run.
 * - `done`: its done marker is valid (or kwdagger left all its outputs and no attempt of ours).
 * - `disabled`: its node is disabled (`__enabled__: 0`).
 * - `skipped`: it cannot run because an ancestor is disabled and did not leave its outputs.
 */
export type JobStatus = 'to_run' | 'done' | 'disabled' | 'skipped';

/** A relative symlink the runner creates: `path` (under the root) points at `target`. */
export interface JobLink {
  readonly path: string;
  readonly target: string;
}

/**
 * What a job shares with the jobs of its node beside it that differ from it only in
 * their own config (see {@link Job.kind}): compared with `===`, never looked into.
 */
export type JobKindToken = object;

/** One unique job: a node configured by one or more grid rows, named by its process id. */
export interface Job {
  /**
   * The process id, e.g. `predict_id_vpqa8zhuivpa`: `<node>_id_` and hash digits (`0-9a-z`),
   * so only ASCII letters, digits, `_` and `.`. Unique in the graph.
   */
  readonly id: string;
  readonly node: string;
  readonly algoId: string;
  /** Absolute job directory: its node's {@link NodeSummary.folder}, `/`, its id. */
  readonly dir: string;
  /** Absolute path of the done marker: always `<dir>/.gwc-done`, where the runner writes it. */
  readonly marker: string;
  readonly status: JobStatus;
  /** Why it has that status (for `plan`). */
  readonly reason: string;
  /** True when the artifacts run it (to_run, or done but still listed so reruns resolve). */
  readonly scheduled: boolean;
  /** `__enabled__: redo`: ignore every cache. */
  readonly redo: boolean;
  /** A done marker exists on disk but its fingerprint differs: the job runs again although the marker file is there. */
  readonly staleMarker: boolean;
  /** Ids of the direct predecessor jobs (data, shared inputs, ordering), whatever their status. */
  readonly preds: readonly string[];
  /** Ids of the scheduled jobs this job waits for, sorted. */
  readonly deps: readonly string[];
  /** The direct predecessor jobs, in the order of {@link preds}. */
  readonly predecessors: readonly Job[];
  /** The jobs of {@link deps}, in the same order. */
  readonly depJobs: readonly Job[];
  /**
   * {@link predecessors}' lineages merged: every transitive predecessor, in topological
   * order of their nodes, then by id. A job with one predecessor shares that job's array
   * (its lineage), so the array may be used as a cache key.
   */
  readonly ancestors: readonly Job[];
  /** The node's final config (the values its command receives), in argv order. */
  readonly final: ValueMap;
  /** The exact shell command (executable plus quoted arguments), as written to invoke.sh. */
  readonly command: string;
  /**
   * {@link command} in pieces: the executable, then each argument (a list value's
   * words together) with its leading blank. Pieces jobs share are the same strings.
   * An argument that is a default output path, bare like the job dir, is a
   * {@link JobDirPiece} (`before + dir + after`), one object for all the node's jobs.
   */
  readonly commandPieces: readonly CommandPiece[];
  /** job_config.json's text (one line): {@link config} as JSON, ints and floats kept apart. */
  readonly configJson: string;
  /**
   * {@link configJson} in two parts: the JSON members its ancestors' configs give (one
   * string, shared by the jobs under one upstream job) and its own. configJson is
   * `{<inherited>, <own>}`, without the comma when either part is empty.
   */
  readonly configParts: { readonly inherited: string; readonly own: string };
  /**
   * Per piece of {@link commandPieces}, whether it is made from the job's own algo and
   * perf values alone (the rest come from its node, its inputs and its dir). Undefined
   * when the pieces are made from the whole final config, where any value may go into
   * any piece: with an argument template, an output path the grid set, or a default
   * output path that is no bare shell word. Jobs of one {@link kind} share the array.
   */
  readonly ownPieces: readonly boolean[] | undefined;
  /**
   * The same token for jobs of one node made one after another that differ only in
   * their own algo and perf values, so in id and dir: their status, flags, inputs,
   * predecessors, config keys, row options and where their final config's values come
   * from are the same. Their {@link commandPieces} then differ only where
   * {@link ownPieces} says, their {@link configParts} only in `own`.
   */
  readonly kind: JobKindToken;
  /** job_config.json: the requested config of this node and its ancestors, flat dotted keys. */
  readonly config: ValueMap;
  /** A hash of what produced the result; a marker with another fingerprint is stale. */
  readonly fingerprint: string;
  /** True when every output path is its node's default (the job dir plus the declared path): the grid set none. */
  readonly defaultOutputs: boolean;
  /** Absolute paths of the declared outputs, by name. */
  readonly outputs: Readonly<Record<string, string>>;
  /** The absolute path of one declared output (what {@link outputs} has for it, without building the record). */
  outputPath(name: string): string;
  /** Absolute paths of ancestor job dirs, for invoke.sh's "See Also". */
  readonly ancestorDirs: readonly string[];
  readonly links: readonly JobLink[];
  readonly resources: Resources;
  /** Engine options from the grid row that created the job (the first row when several collapse into it). */
  readonly rowOptions: RowOptions;
  /** Grid row numbers (0-based) that configure this job. */
  readonly rows: readonly number[];
}

/** Per-node counts shown by `plan`. */
export interface NodeSummary {
  readonly name: string;
  /** The absolute folder that holds the node's job dirs (each is `<folder>/<id>`). */
  readonly folder: string;
  readonly requestedRows: number;
  readonly uniqueJobs: number;
  readonly toRun: number;
  readonly done: number;
  readonly disabled: number;
  readonly skipped: number;
  /** Why jobs of this node are disabled or skipped. */
  readonly reasons: readonly string[];
  /** What one job of the node needs (cpus, gpus, mem, time, partition, account). */
  readonly resources: Resources;
  /** The pipeline's free-form per-engine options of the node (`slurm_options`, `argo`, `snakemake`). */
  readonly targetOptions: ValueMap;
}

/** The single IR every target reads: frozen, jobs in topological order. */
export interface JobGraph {
  readonly jobs: readonly Job[];
  readonly nodes: readonly NodeSummary[];
  /** Absolute result root. */
  readonly root: string;
  /** Absolute directory commands run from. */
  readonly workdir: string;
  /** Number of grid rows. */
  readonly rowCount: number;
  /** Engine options the grid sets for every job (its top-level `slurm_options`), keyed like {@link RowOptions}. */
  readonly gridOptions: RowOptions;
}

const SCHEDULED = new WeakMap<JobGraph, readonly Job[]>();

/** The jobs the artifacts contain, in topological order; found once per graph (it is frozen). */
export function scheduledJobs(graph: JobGraph): readonly Job[] {
  let jobs = SCHEDULED.get(graph);
  if (jobs === undefined) {
    jobs = Object.freeze(graph.jobs.filter((job) => job.scheduled));
    SCHEDULED.set(graph, jobs);
  }
  return jobs;
}
