import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import { dependsEntry, dependsStream, mergedEntries, streamWithEntry, withEntry, type DependsEntries, type DependsEntry } from '../hash/depends-stream.js';
import { nodeDirectory, nodeIdMakers, type HashProfile, type NodeIdMakers } from '../hash/ids.js';
import type { OutputRef, Pipeline, PipelineNode } from '../pipeline/pipeline.js';
import { hasKeysInOrder } from '../values/keys.js';
import { toJson } from '../values/py-format.js';
import type { Value, ValueMap } from '../values/value.js';
import { configureNode, finalConfig, type ConfiguredNode, type RoutedValue, type RowContext } from './configure-node.js';
import { parseEnable, type EnableState } from './enable.js';
import { JobRecord, configKeysOf, type ConfigKeys, type JobStage, type StatusDecision } from './job.js';
import type { JobGraph, JobStatus, NodeSummary, RowOptions } from './job-graph.js';
import { CommandPieces } from './render-command.js';
import type { Route, Router } from './routing.js';
import { JobTable, digitsKey } from './job-table.js';

/** What is on disk for a job: a valid marker, outputs kwdagger left, a stale marker, or nothing. */
export type ProbeResult = 'done' | 'adoptable' | 'stale' | 'absent';

/** What a probe is told of a job. */
export interface ProbedJob {
  /** The job dir: `<folder>/<name>`. */
  readonly dir: string;
  /** The folder that holds the node's job dirs. */
  readonly folder: string;
  readonly name: string;
  readonly fingerprint: string;
  /** Its output paths, asked only when the dir exists (most jobs of a sweep have none yet). */
  outputs(): readonly string[];
}

/** Looks at a job's directory; injected so the graph builder stays free of disk access. */
export type JobProbe = (job: ProbedJob) => ProbeResult;

export interface BuildOptions {
  /** Absolute result root. */
  readonly root: string;
  /** Absolute directory commands run from. */
  readonly workdir: string;
  readonly profile: HashProfile;
  /** `--enable NODE=…` from the command line; a row's `__enabled__` wins. */
  readonly enable: ReadonlyMap<string, EnableState>;
  readonly skipExisting: boolean;
  readonly probe: JobProbe;
  /** Engine options the grid sets for every job (its top-level `slurm_options`). */
  readonly gridOptions?: RowOptions;
}

/** Where the keys of rows with one key list go: per node position, its routes and the row key of each. */
interface RowShape {
  readonly rowKeys: readonly string[];
  readonly routes: readonly (readonly Route[])[];
  readonly keys: readonly (readonly string[])[];
}

/** One node's job in the row being processed. */
class RowSlot {
  readonly job: JobRecord;
  readonly inputs: ReadonlyMap<string, Value>;
  /** The entries its `depends` extends (its one predecessor's), or all of them made already. */
  readonly #base: DependsEntries;
  readonly #own: DependsEntry | undefined;
  #depends: DependsEntries | undefined;

  constructor(job: JobRecord, inputs: ReadonlyMap<string, Value>, base: DependsEntries, own?: DependsEntry) {
    this.job = job;
    this.inputs = inputs;
    this.#base = base;
    this.#own = own;
  }

  /**
   * Node name → algo id of this job and all its ancestors (kwdagger's `depends`).
   * Made when a job downstream asks: a leaf node's million jobs never need theirs.
   */
  get depends(): DependsEntries {
    this.#depends ??= this.#own === undefined ? this.#base : withEntry(this.#base, this.#own);
    return this.#depends;
  }
}

interface NodeStats {
  rows: number;
  /** The node's jobs by status, counted as they are made (a status never changes): no pass over a million jobs. */
  readonly statuses: Record<JobStatus, number>;
  readonly reasons: Set<string>;
  readonly collapsedPerf: Set<string>;
  collapsedRows: number;
}

/**
 * Hash of what produced a result besides its params (which the id already names):
 * the node's command and argument template. One per node, so a marker goes stale
 * exactly when the command that made it changed.
 */
function fingerprintOf(node: PipelineNode): string {
  const text = toJson([node.command, node.args ? JSON.stringify(node.args) : null]);
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** What a node's jobs share: id makers, the folder of their dirs, output path suffixes. */
interface NodeMakers extends NodeIdMakers {
  /** The node's jobs by the digits of their process ids. */
  readonly jobs: JobTable<JobRecord>;
  /** `<root>/<group>/<node>/`: a job dir is this plus the process id. */
  readonly dirPrefix: string;
  /** {@link dirPrefix} without its slash. */
  readonly folder: string;
  /** Output name → what `path.posix.join(dir, rel)` appends to the dir ('' for '.'). */
  readonly outputSuffixes: ReadonlyMap<string, string>;
  readonly stage: JobStage;
  /** The node's own `depends` entry for one of its algo ids (remembered: a sweep repeats them). */
  readonly dependsEntry: (algoId: string) => DependsEntry;
}

/** Entries a node remembers by algo id; past that it starts over. */
const REMEMBERED_ENTRIES = 1 << 16;

function dependsEntryMaker(nodeName: string): (algoId: string) => DependsEntry {
  const entries = new Map<string, DependsEntry>();
  return (algoId) => {
    let entry = entries.get(algoId);
    if (entry === undefined) {
      if (entries.size >= REMEMBERED_ENTRIES) entries.clear();
      entries.set(algoId, (entry = dependsEntry(nodeName, algoId)));
    }
    return entry;
  };
}

function nodeMakers(node: PipelineNode, position: number, options: BuildOptions): NodeMakers {
  const outputSuffixes = new Map<string, string>();
  for (const [name, rel] of node.outputs) {
    const normal = posix.normalize(rel);
    outputSuffixes.set(name, normal === '.' ? '' : `/${normal}`);
  }
  const ids = nodeIdMakers(node.name, options.profile);
  const dirPrefix = `${nodeDirectory(options.root, node.group, node.name, options.profile)}/`;
  // A job dir is the prefix plus the id, which starts with the process prefix.
  const layout = { prefix: dirPrefix + ids.processPrefix, suffixes: outputSuffixes };
  return {
    ...ids,
    // A job's id is the process prefix plus its digits.
    jobs: new JobTable((job, digits) => job.id.length === ids.processPrefix.length + digits.length && job.id.endsWith(digits)),
    dirPrefix,
    folder: dirPrefix.slice(0, -1),
    outputSuffixes,
    stage: { node, position, fingerprint: fingerprintOf(node), commandPieces: new CommandPieces(node, layout) },
    dependsEntry: dependsEntryMaker(node.name),
  };
}

/** A job's output paths, and whether all are the default ones (the grid set none). */
function outputPaths(makers: NodeMakers, dir: string, requested: ReadonlyMap<string, Value>): { paths: Map<string, string>; defaults: boolean } {
  const paths = new Map<string, string>();
  let defaults = true;
  for (const [name, suffix] of makers.outputSuffixes) {
    const override = requested.get(name);
    if (typeof override === 'string') defaults = false;
    paths.set(name, typeof override === 'string' ? override : dir + suffix);
  }
  return { paths, defaults };
}

function decideStatus(input: {
  node: string;
  enabled: EnableState;
  preds: readonly RowSlot[];
  probe: ProbeResult;
  skipExisting: boolean;
}): StatusDecision {
  const doesExist = input.probe === 'done' || input.probe === 'adoptable';
  if (input.enabled === false) {
    return { status: 'disabled', reason: `node "${input.node}" is disabled`, scheduled: false, willExist: doesExist };
  }
  if (input.skipExisting && input.enabled !== 'redo' && doesExist) {
    return { status: 'done', reason: 'results exist (--skip-existing: left out of the artifacts)', scheduled: false, willExist: true };
  }
  const missing = input.preds.find((p) => !p.job.willExist);
  if (missing && !doesExist) {
    const why = `upstream "${missing.job.node}" is ${missing.job.status} and its results do not exist`;
    return { status: 'skipped', reason: why, scheduled: false, willExist: false };
  }
  if (input.enabled === 'redo') return { status: 'to_run', reason: 'redo: every cache is bypassed', scheduled: true, willExist: true };
  return PROBED[input.probe];
}

const PROBED: Readonly<Record<ProbeResult, StatusDecision>> = {
  done: { status: 'done', reason: 'done marker is valid', scheduled: true, willExist: true },
  adoptable: { status: 'done', reason: 'outputs exist without a done marker (adopted when run)', scheduled: true, willExist: true },
  stale: { status: 'to_run', reason: 'done marker is stale (its fingerprint differs)', scheduled: true, willExist: true },
  absent: { status: 'to_run', reason: 'not run yet', scheduled: true, willExist: true },
};

/** Builds the job graph: configures every node for every row, names jobs by process id and merges duplicates. */
export class GraphBuilder {
  readonly #pipeline: Pipeline;
  readonly #router: Router;
  readonly #options: BuildOptions;
  readonly #order: JobRecord[] = [];
  readonly #stats: NodeStats[];
  readonly #position: ReadonlyMap<string, number>;
  /** Per node, the nodes whose jobs it can read from in a row (links and grid references). */
  readonly #upstream: readonly (readonly number[])[];
  readonly #makers: readonly NodeMakers[];
  readonly #lastConfigKeys = new Map<NodeMakers, ConfigKeys>();
  /** Per node position, its last job made: the next one may share parts with it. */
  readonly #lastJob: (JobRecord | undefined)[] = [];
  #previous: { readonly row: ValueMap; readonly shape: RowShape; readonly slots: readonly RowSlot[] } | undefined;
  #lastShape: RowShape | undefined;
  #rows = 0;

  constructor(pipeline: Pipeline, router: Router, options: BuildOptions) {
    this.#pipeline = pipeline;
    this.#router = router;
    this.#options = options;
    this.#position = new Map(pipeline.nodes.map((n, i) => [n.name, i]));
    this.#stats = pipeline.nodes.map(() => ({ rows: 0, statuses: { to_run: 0, done: 0, disabled: 0, skipped: 0 }, reasons: new Set(), collapsedPerf: new Set(), collapsedRows: 0 }));
    this.#upstream = pipeline.nodes.map((node) => this.#upstreamOf(node));
    this.#makers = pipeline.nodes.map((node, i) => nodeMakers(node, i, options));
    this.#configureContext = { row: this.#context, router: router };
  }

  #upstreamOf(node: PipelineNode): number[] {
    const names = new Set(node.after);
    for (const source of node.inputs.values()) {
      if (source.kind === 'from') for (const ref of source.refs) names.add(ref.node);
      if (source.kind === 'same_as') names.add(source.node);
    }
    for (const [key, ref] of this.#router.references) if (key.startsWith(`${node.name}\0`)) names.add(ref.node);
    return [...names].map((name) => this.#position.get(name) as number);
  }

  /**
   * A node whose routed keys and upstream jobs equal the previous row's gets the
   * previous row's job again. Product order changes the last keys fastest, so
   * upstream nodes are configured once per distinct value, not once per row.
   */
  #reusable(i: number, row: ValueMap, shape: RowShape, slots: readonly RowSlot[]): RowSlot | undefined {
    const previous = this.#previous;
    if (!previous) return undefined;
    const [keys, beforeKeys] = [shape.keys[i] as readonly string[], previous.shape.keys[i] as readonly string[]];
    if (shape !== previous.shape) {
      const [routes, before] = [shape.routes[i] as readonly Route[], previous.shape.routes[i] as readonly Route[]];
      if (routes.length !== before.length) return undefined;
      for (let k = 0; k < routes.length; k++) if (routes[k] !== before[k]) return undefined;
    }
    for (let k = 0; k < keys.length; k++) if (row[keys[k] as string] !== previous.row[beforeKeys[k] as string]) return undefined;
    for (const j of this.#upstream[i] as readonly number[]) if (slots[j] !== previous.slots[j]) return undefined;
    return previous.slots[i];
  }

  /**
   * Where one row's keys go, by node. Rows of one matrix have the same keys in the
   * same order, so the routes of the last row's keys are nearly always the answer.
   */
  #shapeOf(row: ValueMap): RowShape {
    const last = this.#lastShape;
    if (last && hasKeysInOrder(row, last.rowKeys)) return last;
    const rowKeys = Object.keys(row);
    const routes: Route[][] = this.#pipeline.nodes.map(() => []);
    const keys: string[][] = this.#pipeline.nodes.map(() => []);
    for (const key of rowKeys) {
      for (const route of this.#router.routes.get(key) ?? []) {
        const position = this.#position.get(route.node) as number;
        routes[position]?.push(route);
        keys[position]?.push(key);
      }
    }
    this.#lastShape = { rowKeys, routes, keys };
    return this.#lastShape;
  }

  /** The keys one row routes to node `i`, with their values. */
  #routedValues(i: number, row: ValueMap, shape: RowShape): RoutedValue[] {
    const routes = shape.routes[i] as readonly Route[];
    const keys = shape.keys[i] as readonly string[];
    const values = new Array<RoutedValue>(routes.length);
    for (let k = 0; k < routes.length; k++) values[k] = { route: routes[k] as Route, value: row[keys[k] as string] as Value };
    return values;
  }

  /** The jobs of the row being added, by node position; what {@link #context} reads. */
  #slots: RowSlot[] = [];
  readonly #context: RowContext = {
    outputPath: (ref: OutputRef) => this.#slotOf(ref.node).job.outputPath(ref.output),
    inputValue: (node: string, input: string) => this.#slotOf(node).inputs.get(input) ?? null,
  };

  readonly #configureContext: { readonly row: RowContext; readonly router: Router };

  #slotOf(name: string): RowSlot {
    return this.#slots[this.#position.get(name) as number] as RowSlot;
  }

  addRow(row: ValueMap): void {
    const rowIndex = this.#rows++;
    const shape = this.#shapeOf(row);
    const slots: RowSlot[] = [];
    this.#slots = slots;
    const nodes = this.#pipeline.nodes;
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i] as PipelineNode;
      const reused = this.#reusable(i, row, shape, slots);
      if (reused) {
        reused.job.addRow(rowIndex);
        (this.#stats[i] as NodeStats).rows += 1;
        slots.push(reused);
        continue;
      }
      const configured = configureNode(node, this.#routedValues(i, row, shape), this.#configureContext);
      slots.push(this.#jobFor(node, configured, configured.preds.map((name) => this.#slotOf(name)), rowIndex));
    }
    this.#previous = { row, shape, slots };
  }

  #jobFor(node: PipelineNode, configured: ConfiguredNode, preds: readonly RowSlot[], rowIndex: number): RowSlot {
    const position = this.#position.get(node.name) as number;
    const stats = this.#stats[position] as NodeStats;
    stats.rows += 1;
    const makers = this.#makers[position] as NodeMakers;
    const ownAlgoId = makers.algoId(configured.algo);
    const own = makers.dependsEntry(ownAlgoId);
    const only = preds.length === 1 ? (preds[0] as RowSlot) : undefined;
    // One predecessor: the entries are made only if a job downstream asks (see RowSlot).
    const entries = only ? undefined : mergedEntries(preds.map((pred) => pred.depends), own);
    const digits = makers.processDigits(only ? streamWithEntry(only.depends, own) : dependsStream(entries as DependsEntries));
    const key = digitsKey(digits);
    let job = makers.jobs.get(key, digits);
    if (job) {
      job.addRow(rowIndex);
      this.#notePerfCollapse(stats, job, configured);
    } else {
      job = this.#createJob({ node, configured, preds, digits, algoId: ownAlgoId, rowIndex, stats, makers });
      makers.jobs.add(key, job);
    }
    return only ? new RowSlot(job, configured.inputs, only.depends, own) : new RowSlot(job, configured.inputs, entries as DependsEntries);
  }

  #notePerfCollapse(stats: NodeStats, job: JobRecord, configured: ConfiguredNode): void {
    let differs = false;
    for (const [key, value] of configured.perf) {
      if (toJson(value) !== toJson(job.final[key] ?? null)) {
        stats.collapsedPerf.add(key);
        differs = true;
      }
    }
    if (differs) stats.collapsedRows += 1;
  }

  #createJob(args: {
    node: PipelineNode;
    configured: ConfiguredNode;
    preds: readonly RowSlot[];
    /** The hash digits of its process id. */
    digits: string;
    algoId: string;
    rowIndex: number;
    stats: NodeStats;
    makers: NodeMakers;
  }): JobRecord {
    const { node, configured, preds, makers } = args;
    const fingerprint = makers.stage.fingerprint;
    // One flat string, the id a slice of it: a `+` of long strings is a tree of them,
    // which the first target to scan each would copy flat again, a million small
    // copies for the collector to move (join builds the text flat at once).
    const dir = [makers.dirPrefix, makers.processPrefix, args.digits].join('');
    const id = dir.slice(makers.dirPrefix.length);
    const { paths: outputs, defaults: defaultOutputs } = outputPaths(makers, dir, configured.requested);
    const fromCli = this.#options.enable.get(node.name) ?? true;
    // Values were validated before the build; an unreadable one cannot reach here.
    const enabledState = configured.enabled === undefined ? fromCli : (parseEnable(configured.enabled) ?? fromCli);
    const probe = this.#options.probe({ dir, folder: makers.folder, name: id, fingerprint, outputs: () => [...outputs.values()] });
    const decision = decideStatus({ node: node.name, enabled: enabledState, preds, probe, skipExisting: this.#options.skipExisting });
    args.stats.statuses[decision.status] += 1;
    if (decision.status === 'disabled' || decision.status === 'skipped') args.stats.reasons.add(decision.reason);
    const predJobs = preds.length === 1 ? [(preds[0] as RowSlot).job] : [...new Set(preds.map((p) => p.job))];
    const job = new JobRecord(
      {
        id,
        stage: makers.stage,
        algoId: args.algoId,
        dir,
        decision,
        redo: enabledState === 'redo',
        staleMarker: probe === 'stale',
        defaultOutputs,
        predJobs,
        final: finalConfig(configured, outputs),
        configKeys: this.#configKeys(makers, configured),
        rowOptions: configured.rowOptions,
        firstRow: args.rowIndex,
      },
      this.#lastJob[makers.stage.position],
    );
    this.#lastJob[makers.stage.position] = job;
    this.#order.push(job);
    return job;
  }

  /** The config keys of a job, shared with the node's previous job when they are the same (they nearly always are). */
  #configKeys(makers: NodeMakers, configured: ConfiguredNode): ConfigKeys {
    const keys = configKeysOf(makers.stage.node.name, configured.algo, configured.perf, this.#lastConfigKeys.get(makers));
    this.#lastConfigKeys.set(makers, keys);
    return keys;
  }

  #summaries(): NodeSummary[] {
    return this.#pipeline.nodes.map((node, i) => {
      const stats = this.#stats[i] as NodeStats;
      const count = stats.statuses;
      return Object.freeze({
        name: node.name,
        requestedRows: stats.rows,
        uniqueJobs: count.to_run + count.done + count.disabled + count.skipped,
        toRun: count.to_run,
        done: count.done,
        disabled: count.disabled,
        skipped: count.skipped,
        reasons: [...stats.reasons].sort(),
        resources: node.resources,
        targetOptions: node.targetOptions,
      });
    });
  }

  #warnings(): Diagnostic[] {
    return this.#pipeline.nodes.flatMap((node, i) => {
      const stats = this.#stats[i] as NodeStats;
      if (stats.collapsedPerf.size === 0) return [];
      const params = [...stats.collapsedPerf].sort().map((p) => `"${p}"`).join(', ');
      return [
        warning('W_PERF_COLLAPSE', `${stats.collapsedRows === 1 ? '1 grid row' : `${stats.collapsedRows} grid rows`} of node "${node.name}" ${stats.collapsedRows === 1 ? 'collapses' : 'collapse'} into jobs of other rows`, {
          ...(node.span ? { span: node.span } : {}),
          found: `rows that differ only in the perf param(s) ${params}`,
          expected: 'rows that differ in an algo param or input (perf params never enter the id)',
          hint: `the first row's value of ${params} is used; vary an algo param, or declare ${params} under params if it changes results`,
        }),
      ];
    });
  }

  /** The frozen graph and the warnings gathered while building it. */
  finish(): { graph: JobGraph; diagnostics: Diagnostic[] } {
    const graph: JobGraph = Object.freeze({
      jobs: Object.freeze(this.#order),
      nodes: Object.freeze(this.#summaries()),
      root: this.#options.root,
      workdir: this.#options.workdir,
      rowCount: this.#rows,
      gridOptions: this.#options.gridOptions ?? {},
    });
    return { graph, diagnostics: this.#warnings() };
  }
}

/** Builds the job graph of a pipeline for every row of a grid. */
export function buildGraph(
  pipeline: Pipeline,
  router: Router,
  rows: Iterable<ValueMap>,
  options: BuildOptions,
): { graph: JobGraph; diagnostics: Diagnostic[] } {
  const builder = new GraphBuilder(pipeline, router, options);
  for (const row of rows) builder.addRow(row);
  return builder.finish();
}
