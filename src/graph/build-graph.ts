import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { warning, type Diagnostic } from '../diagnostics/diagnostic.js';
import {
  appendsEntry,
  dependsEntry,
  dependsStream,
  mergedEntries,
  streamHead,
  streamTail,
  streamWithEntry,
  withEntry,
  type DependsEntries,
  type DependsEntry,
} from '../hash/depends-stream.js';
import { FIRST_OF_ITS_DIGITS, RING_SLOTS } from '../hash/digits-channel.js';
import { DigitsThread, PLACE_UNKNOWN, type DigitsThreadOptions } from '../hash/digits-thread.js';
import { DigitsTable, digitsKey } from '../hash/digits-table.js';
import { hashFormat, nodeDirectory, nodeIdMakers, type HashProfile, type NodeIdMakers } from '../hash/ids.js';
import { ScalarConfigMemo } from '../hash/scalar-memo.js';
import type { OutputRef, Pipeline, PipelineNode } from '../pipeline/pipeline.js';
import { hasKeysInOrder } from '../values/keys.js';
import { hasMemoScalarValues } from '../values/scalar-path-memo.js';
import { toJson } from '../values/py-format.js';
import type { Value, ValueMap } from '../values/value.js';
import { FinalLayout, configureNode, givenValues, hasDefaultOutputs, nodeKeys, outputPathOf, type ConfiguredNode, type NodeKeys, type ResolvedInputs, type RowContext } from './configure-node.js';
import { parseEnable, type EnableState } from './enable.js';
import { JobRecord, OwnConfig, configKeysOf, type ConfigKeys, type JobStage, type StatusDecision } from './job.js';
import type { JobGraph, JobStatus, NodeSummary, RowOptions } from './job-graph.js';
import { CommandPieces } from './render-command.js';
import type { Route, Router } from './routing.js';

/** What is on disk for a job: a valid marker, outputs kwdagger left, a stale marker, or nothing. */
export type ProbeResult = 'done' | 'adoptable' | 'stale' | 'absent';

/** What a probe is told of a job, during its call (the probe must not keep it). */
export interface ProbedJob {
  /** The job dir: `<folder>/<name>`. */
  readonly dir: string;
  /** The folder that holds the node's job dirs. */
  readonly folder: string;
  /** The job's id, its dir's last segment (made when asked: ask after the folder). */
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
  /** When leaf jobs' ids are hashed on a second thread (see `digits-channel.ts`). */
  readonly offload?: OffloadOptions;
}

export interface OffloadOptions {
  /** Leaf jobs hashed on this thread before the second one starts: small graphs never start it. Default {@link OFFLOAD_AFTER}. */
  readonly after?: number;
  readonly thread?: DigitsThreadOptions;
}

/** Leaf jobs hashed here before a hashing thread is started: it pays off for large sweeps only. */
export const OFFLOAD_AFTER = 20_000;

/** Where the keys of rows with one key list go: per node position, its routes and the row key of each. */
interface RowShape {
  readonly rowKeys: readonly string[];
  readonly nodes: readonly ShapeKeys[];
}

/** The keys of a row shape routed to one node. */
interface ShapeKeys extends NodeKeys {
  /** Positions in `keys` of those that set one of the node's inputs: the values its inputs depend on. */
  readonly inputKeys: readonly number[];
}

/**
 * A leaf job whose process-id digits are being hashed on the other thread. It is made
 * (or found among the node's jobs) once they are back, in the order the rows asked:
 * nothing downstream reads a leaf job, so only the graph's job order waits for it.
 */
class PendingJob {
  readonly makers: NodeMakers;
  readonly configured: ConfiguredNode;
  readonly preds: readonly RowSlot[];
  readonly own: OwnEntry;
  readonly row: number;
  /** Its place in the graph's job order, kept for it (the place of the row that asked first). */
  readonly orderAt: number;
  /** Later rows that configured the same job before it was made. */
  #laterRows: number[] | undefined;
  #job: JobRecord | undefined;

  constructor(makers: NodeMakers, configured: ConfiguredNode, preds: readonly RowSlot[], own: OwnEntry, row: number, orderAt: number) {
    this.makers = makers;
    this.configured = configured;
    this.preds = preds;
    this.own = own;
    this.row = row;
    this.orderAt = orderAt;
  }

  addRow(row: number): void {
    if (this.#job !== undefined) this.#job.addRow(row);
    else (this.#laterRows ??= []).push(row);
  }

  /** Once made: the job, which gets the rows that came meanwhile. */
  resolve(job: JobRecord): void {
    this.#job = job;
    const rows = this.#laterRows;
    if (rows === undefined) return;
    for (const row of rows) job.addRow(row);
    this.#laterRows = undefined;
  }
}

/** One node's job in the row being processed. */
class RowSlot {
  /** The job, or for a leaf node a job still being hashed (nothing reads a leaf job's fields in a row). */
  readonly job: JobRecord | PendingJob;
  /** Its inputs as this row resolved them; the next row may share them (see `configureNode`). */
  readonly resolved: ResolvedInputs;
  /** The entries its `depends` extends (its one predecessor's), or all of them made already. */
  readonly #base: DependsEntries;
  readonly #own: DependsEntry | undefined;
  #depends: DependsEntries | undefined;

  constructor(job: JobRecord | PendingJob, resolved: ResolvedInputs, base: DependsEntries, own?: DependsEntry) {
    this.job = job;
    this.resolved = resolved;
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

/** The row added last: the next row may share its jobs and resolved inputs. One object, refilled per row. */
class PreviousRow {
  row: ValueMap;
  shape: RowShape;
  /** Its jobs by node position: one of the two arrays the builder takes turns filling. */
  slots: RowSlot[];

  constructor(row: ValueMap, shape: RowShape, slots: RowSlot[]) {
    this.row = row;
    this.shape = shape;
    this.slots = slots;
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
  readonly jobs: DigitsTable<JobRecord>;
  /** `<root>/<group>/<node>/`: a job dir is this plus the process id. */
  readonly dirPrefix: string;
  /** {@link dirPrefix} without its slash. */
  readonly folder: string;
  readonly stage: JobStage;
  /** The node's own `depends` entry for an algo config, its algo id the value (remembered: a sweep repeats them). */
  readonly ownEntry: (algo: ValueMap) => OwnEntry;
  /** What `--enable` says of the node (a row's `__enabled__` wins). */
  readonly enabled: EnableState;
}

/**
 * A node's own `depends` entry, with the {@link OwnConfig} last made for it: the jobs of
 * one algo config of scalars share theirs (one field, where a map by entry was a lookup per job).
 */
interface OwnEntry extends DependsEntry {
  ownConfig: OwnConfig | undefined;
}

/** Entries a node remembers; past that it starts over. */
const REMEMBERED_ENTRIES = 1 << 16;

/**
 * A node's own `depends` entry for its algo config (the algo id is its value).
 * Remembered by the config's values: a sweep repeats them, and one lookup then
 * finds the entry, where the algo id's memo and a map by id would take two.
 */
function ownEntryMaker(nodeName: string, algoId: (algo: ValueMap) => string): (algo: ValueMap) => OwnEntry {
  const byValues = new ScalarConfigMemo<OwnEntry>(REMEMBERED_ENTRIES);
  const byId = new Map<string, OwnEntry>();
  return (algo) => {
    let entry = byValues.find(algo);
    if (entry !== undefined) return entry;
    const id = algoId(algo);
    entry = byId.get(id);
    if (entry === undefined) {
      if (byId.size >= REMEMBERED_ENTRIES) byId.clear();
      const { key, value, pair } = dependsEntry(nodeName, id);
      byId.set(id, (entry = { key, value, pair, ownConfig: undefined }));
    }
    byValues.remember(entry);
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
  // What `path.posix.join(dir, rel)` appends to a job dir for each output ('' for '.').
  const outputs = { names: [...outputSuffixes.keys()], suffixes: [...outputSuffixes.values()] };
  return {
    ...ids,
    // A job's id is the process prefix plus its digits.
    jobs: new DigitsTable((job, digits) => job.digits === digits),
    dirPrefix,
    folder: dirPrefix.slice(0, -1),
    stage: {
      node,
      position,
      fingerprint: fingerprintOf(node),
      commandPieces: new CommandPieces(node, layout),
      idPrefix: ids.processPrefix,
      dirHead: dirPrefix + ids.processPrefix,
      outputs,
    },
    ownEntry: ownEntryMaker(node.name, ids.algoId),
    enabled: options.enable.get(node.name) ?? true,
  };
}

/** A piece of a leaf job's `depends` stream sent to the hashing thread: its upstream job's entries, or its own entry. */
type StreamPiece = DependsEntries | DependsEntry;

function pieceText(piece: StreamPiece): string {
  return isEntries(piece) ? streamHead(piece) : streamTail(piece);
}

function isEntries(piece: StreamPiece): piece is DependsEntries {
  return Array.isArray(piece);
}

/** Whether two configs have the same values (`Object.is`: `true` is not `1`) at `keys`. */
function sameValues(a: ValueMap, b: ValueMap, keys: readonly string[]): boolean {
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (!Object.is(a[key], b[key])) return false;
  }
  return true;
}

/** The job of a slot some node reads from: never a leaf's, so never pending. */
function recordOf(slot: RowSlot): JobRecord {
  return slot.job as JobRecord;
}

/** The first predecessor whose results will not exist, if any (a loop: no closure per job). */
function missingUpstream(preds: readonly RowSlot[]): JobRecord | undefined {
  for (let i = 0; i < preds.length; i++) {
    const job = recordOf(preds[i] as RowSlot);
    if (!job.willExist) return job;
  }
  return undefined;
}

function decideStatus(node: string, enabled: EnableState, preds: readonly RowSlot[], probe: ProbeResult, skipExisting: boolean): StatusDecision {
  const doesExist = probe === 'done' || probe === 'adoptable';
  if (enabled === false) {
    return { status: 'disabled', reason: `node "${node}" is disabled`, scheduled: false, willExist: doesExist };
  }
  if (skipExisting && enabled !== 'redo' && doesExist) {
    return { status: 'done', reason: 'results exist (--skip-existing: left out of the artifacts)', scheduled: false, willExist: true };
  }
  const upstream = doesExist ? undefined : missingUpstream(preds);
  if (upstream !== undefined) {
    const why = `upstream "${upstream.node}" is ${upstream.status} and its results do not exist`;
    return { status: 'skipped', reason: why, scheduled: false, willExist: false };
  }
  if (enabled === 'redo') return { status: 'to_run', reason: 'redo: every cache is bypassed', scheduled: true, willExist: true };
  return PROBED[probe];
}

/** {@link ProbedJob} for the job being made, refilled for each: the probe reads it during its call only. */
class ProbedJobSlot implements ProbedJob {
  folder = '';
  fingerprint = '';
  #digits = '';
  #makers: NodeMakers | undefined;
  #layout: FinalLayout | undefined;
  #given: readonly Value[] = [];

  /** The id, made when asked: a probe asks only when the folder exists. */
  get name(): string {
    return (this.#makers as NodeMakers).processPrefix + this.#digits;
  }

  get dir(): string {
    return (this.#makers as NodeMakers).stage.dirHead + this.#digits;
  }

  fill(digits: string, makers: NodeMakers, layout: FinalLayout, given: readonly Value[]): this {
    this.#digits = digits;
    this.#makers = makers;
    this.folder = makers.folder;
    this.fingerprint = makers.stage.fingerprint;
    this.#layout = layout;
    this.#given = given;
    return this;
  }

  /** Bound: a probe may take it out of the object. */
  readonly outputs = (): readonly string[] => {
    const { suffixes } = (this.#makers as NodeMakers).stage.outputs;
    const layout = this.#layout as FinalLayout;
    const dir = this.dir;
    return suffixes.map((suffix, j) => outputPathOf(layout.outputValue(j, this.#given), dir, suffix));
  };
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
  /** The jobs in the order they were made; a place is empty while its leaf job hashes (for good if it was a repeat). */
  #order: (JobRecord | undefined)[] = [];
  /** Places of {@link #order} left empty by pending jobs that turned out to be repeats. */
  #emptyPlaces = 0;
  readonly #stats: NodeStats[];
  readonly #position: ReadonlyMap<string, number>;
  /** Per node, the nodes whose jobs it can read from in a row (links and grid references). */
  readonly #upstream: readonly (readonly number[])[];
  readonly #makers: readonly NodeMakers[];
  /** Per node, whether no node reads its jobs in a row: then its ids may be hashed on the other thread. */
  readonly #isLeaf: readonly boolean[];
  /** Per node position, the config keys of its last job made (the next one's nearly always). */
  readonly #lastConfigKeys: (ConfigKeys | undefined)[] = [];
  /** Per node position, its last job made: the next one may share parts with it. */
  readonly #lastJob: (JobRecord | undefined)[] = [];
  #previous: PreviousRow | undefined;
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
    const read = new Set(this.#upstream.flat());
    this.#isLeaf = pipeline.nodes.map((_, i) => !read.has(i));
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
    if (previous === undefined || !this.#sameUpstream(i, slots, previous, shape)) return undefined;
    const keys = (shape.nodes[i] as ShapeKeys).keys;
    const beforeKeys = (previous.shape.nodes[i] as ShapeKeys).keys;
    for (let k = 0; k < keys.length; k++) if (row[keys[k] as string] !== previous.row[beforeKeys[k] as string]) return undefined;
    return previous.slots[i];
  }

  /**
   * The inputs node `i` resolved in the previous row, when this row resolves them alike:
   * the same routes and upstream jobs, and the same values for the keys that set inputs.
   */
  #sameInputs(i: number, row: ValueMap, shape: RowShape, slots: readonly RowSlot[]): ResolvedInputs | undefined {
    const previous = this.#previous;
    if (previous === undefined || !this.#sameUpstream(i, slots, previous, shape)) return undefined;
    const { keys, inputKeys } = shape.nodes[i] as ShapeKeys;
    const beforeKeys = (previous.shape.nodes[i] as ShapeKeys).keys;
    for (const k of inputKeys) if (row[keys[k] as string] !== previous.row[beforeKeys[k] as string]) return undefined;
    return (previous.slots[i] as RowSlot).resolved;
  }

  /** Whether node `i` has the previous row's routes and upstream jobs in this row. */
  #sameUpstream(i: number, slots: readonly RowSlot[], previous: PreviousRow, shape: RowShape): boolean {
    if (shape !== previous.shape) {
      const routes = (shape.nodes[i] as ShapeKeys).routes;
      const before = (previous.shape.nodes[i] as ShapeKeys).routes;
      if (routes.length !== before.length) return false;
      for (let k = 0; k < routes.length; k++) if (routes[k] !== before[k]) return false;
    }
    for (const j of this.#upstream[i] as readonly number[]) if (slots[j] !== previous.slots[j]) return false;
    return true;
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
    const nodes = this.#pipeline.nodes.map((node, i): ShapeKeys => {
      const nodeRoutes = routes[i] as Route[];
      const inputKeys = nodeRoutes.flatMap((route, k) => (route.kind !== 'special' && node.inputs.has(route.local) ? [k] : []));
      return { ...nodeKeys(nodeRoutes, keys[i] as string[]), inputKeys };
    });
    this.#lastShape = { rowKeys, nodes };
    return this.#lastShape;
  }

  /** The jobs of the row being added, by node position; what {@link #context} reads. */
  #slots: RowSlot[] = [];
  readonly #context: RowContext = {
    outputPath: (ref: OutputRef) => recordOf(this.#slotOf(ref.node)).outputPath(ref.output),
    inputValue: (node: string, input: string) => this.#slotOf(node).resolved.inputs.get(input) ?? null,
  };

  readonly #configureContext: { readonly row: RowContext; readonly router: Router };

  #slotOf(name: string): RowSlot {
    return this.#slots[this.#position.get(name) as number] as RowSlot;
  }

  /** Per node position, the last list of predecessor slots made, and the names it was made for. */
  readonly #lastPredSlots: ({ readonly names: readonly string[]; readonly slots: RowSlot[] } | undefined)[] = [];

  /**
   * The slots of node `i`'s predecessors in this row. Rows that share a resolution share
   * its list of names, and under one upstream job its slots too: the last list is reused.
   */
  #predSlots(i: number, names: readonly string[]): readonly RowSlot[] {
    const last = this.#lastPredSlots[i];
    if (last !== undefined && last.names === names && this.#hasSlots(last.slots, names)) return last.slots;
    const slots = names.map((name) => this.#slotOf(name));
    this.#lastPredSlots[i] = { names, slots };
    return slots;
  }

  /** Whether `slots` are this row's slots of the nodes `names` (a loop: no closure per job). */
  #hasSlots(slots: readonly RowSlot[], names: readonly string[]): boolean {
    for (let k = 0; k < slots.length; k++) if (slots[k] !== this.#slotOf(names[k] as string)) return false;
    return true;
  }

  /** The slots array the next row fills: the one the row before the previous one filled (a million rows, two arrays). */
  #spareSlots: RowSlot[] = [];

  addRow(row: ValueMap): void {
    const rowIndex = this.#rows++;
    const shape = this.#shapeOf(row);
    // Filled in node order: what a node reads of this row (its upstream slots) is filled before it.
    const slots = this.#spareSlots;
    this.#slots = slots;
    const nodes = this.#pipeline.nodes;
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i] as PipelineNode;
      const reused = this.#reusable(i, row, shape, slots);
      if (reused) {
        reused.job.addRow(rowIndex);
        (this.#stats[i] as NodeStats).rows += 1;
        slots[i] = reused;
        continue;
      }
      const sameInputs = this.#sameInputs(i, row, shape, slots);
      const configured = configureNode(node, shape.nodes[i] as ShapeKeys, row, this.#configureContext, sameInputs);
      slots[i] = this.#jobFor(node, configured, this.#predSlots(i, configured.resolved.preds), rowIndex);
    }
    const previous = this.#previous;
    if (previous === undefined) {
      this.#previous = new PreviousRow(row, shape, slots);
      this.#spareSlots = [];
      return;
    }
    this.#spareSlots = previous.slots;
    previous.row = row;
    previous.shape = shape;
    previous.slots = slots;
  }

  #jobFor(node: PipelineNode, configured: ConfiguredNode, preds: readonly RowSlot[], rowIndex: number): RowSlot {
    const position = this.#position.get(node.name) as number;
    const stats = this.#stats[position] as NodeStats;
    stats.rows += 1;
    const makers = this.#makers[position] as NodeMakers;
    const own = makers.ownEntry(configured.algo);
    const only = preds.length === 1 ? (preds[0] as RowSlot) : undefined;
    // One predecessor: the entries are made only if a job downstream asks (see RowSlot).
    const entries = only ? undefined : mergedEntries(preds.map((pred) => pred.depends), own);
    const thread = this.#isLeaf[position] === true ? this.#digitsThread() : undefined;
    let job: JobRecord | PendingJob;
    if (thread === undefined) {
      const stream = only ? streamWithEntry(only.depends, own) : dependsStream(entries as DependsEntries);
      job = this.#settle(makers, configured, preds, own, rowIndex, makers.processDigits(stream));
    } else {
      if (thread.full) this.#settleOldest(thread);
      const place = this.#order.length;
      // The upstream job's entries and the own entry go over as two pieces: each crosses once.
      if (only && appendsEntry(only.depends, own)) thread.push(only.depends, own, position, place);
      else thread.pushText(only ? streamWithEntry(only.depends, own) : dependsStream(entries as DependsEntries), position, place);
      job = new PendingJob(makers, configured, preds, own, rowIndex, place);
      // Its place in the order is kept: jobs made before it settles go after it.
      this.#order.push(undefined);
      this.#pending[(this.#pendingHead + this.#pendingCount++) % RING_SLOTS] = job;
    }
    return only ? new RowSlot(job, configured.resolved, only.depends, own) : new RowSlot(job, configured.resolved, entries as DependsEntries);
  }

  /**
   * The job of process-id `digits`: found among the node's jobs, or made now and put in
   * the job order (at `orderAt`, the place a pending job kept, else at the end).
   */
  #settle(makers: NodeMakers, configured: ConfiguredNode, preds: readonly RowSlot[], own: OwnEntry, rowIndex: number, digits: string, orderAt?: number): JobRecord {
    const key = digitsKey(digits);
    let job = makers.jobs.get(key, digits);
    if (job) {
      job.addRow(rowIndex);
      this.#notePerfCollapse(this.#stats[makers.stage.position] as NodeStats, job, configured);
      if (orderAt !== undefined) this.#emptyPlaces += 1;
      return job;
    }
    job = this.#createJob(makers, configured, preds, digits, own, rowIndex);
    if (orderAt === undefined) this.#order.push(job);
    else this.#order[orderAt] = job;
    makers.jobs.add(key, job);
    return job;
  }

  /**
   * What went to the hashing thread, oldest at {@link #pendingHead}: a ring as long as the
   * thread's. A leaf job, or (undefined) a job made before, whose digits the thread records.
   */
  readonly #pending = new Array<PendingJob | undefined>(RING_SLOTS);
  #pendingHead = 0;
  #pendingCount = 0;
  /** Leaf jobs hashed on this thread so far, until the hashing thread starts. */
  #leafJobsHashed = 0;
  #thread: DigitsThread<StreamPiece> | undefined;
  /** Where the job order stood when leaf jobs started going to the thread (-1: not yet). */
  #handedOverAt = -1;
  /** Whether the node tables hold every leaf job again, after the thread stopped answering. */
  #tablesComplete = true;

  /**
   * The hashing thread, once it answers: started when enough leaf jobs showed this is a
   * large sweep, and told then of the leaf jobs made so far. From then on it tells which
   * leaf jobs repeat one (the node tables keep the others' jobs only).
   */
  #digitsThread(): DigitsThread<StreamPiece> | undefined {
    const thread = this.#thread;
    if (thread === undefined) {
      const offload = this.#options.offload;
      if (++this.#leafJobsHashed > (offload?.after ?? OFFLOAD_AFTER)) {
        this.#thread = new DigitsThread(hashFormat(this.#options.profile), pieceText, (this.#makers[0] as NodeMakers).processDigits, offload?.thread);
      }
      return undefined;
    }
    if (this.#handedOverAt >= 0) return thread;
    if (!thread.sending) return undefined;
    this.#handedOverAt = this.#order.length;
    this.#order.forEach((job, place) => {
      const position = job === undefined ? -1 : (this.#position.get(job.node) as number);
      if (job === undefined || !this.#isLeaf[position]) return;
      if (thread.full) this.#settleOldest(thread);
      thread.pushDigits(job.digits, position, place);
      this.#pendingCount += 1;
    });
    return thread;
  }

  #settleOldest(thread: DigitsThread<StreamPiece>): void {
    const pending = this.#pending[this.#pendingHead];
    this.#pending[this.#pendingHead] = undefined;
    this.#pendingHead = (this.#pendingHead + 1) % RING_SLOTS;
    this.#pendingCount -= 1;
    const digits = thread.take();
    if (pending !== undefined) pending.resolve(this.#settlePending(pending, digits, thread.firstPlace));
  }

  /** The job of a leaf job whose digits came back, with the place of the first job that has them. */
  #settlePending(pending: PendingJob, digits: string, firstPlace: number): JobRecord {
    const { makers, configured, row, orderAt } = pending;
    if (firstPlace === PLACE_UNKNOWN) {
      // The thread stopped answering: the node tables answer again, once they hold every leaf job.
      this.#completeTables();
      return this.#settle(makers, configured, pending.preds, pending.own, row, digits, orderAt);
    }
    if (firstPlace === FIRST_OF_ITS_DIGITS) {
      const job = this.#createJob(makers, configured, pending.preds, digits, pending.own, row);
      this.#order[orderAt] = job;
      this.#tablesComplete = false;
      return job;
    }
    const job = this.#order[firstPlace] as JobRecord;
    job.addRow(row);
    this.#notePerfCollapse(this.#stats[makers.stage.position] as NodeStats, job, configured);
    this.#emptyPlaces += 1;
    return job;
  }

  /** Puts the leaf jobs the thread answered for into their node tables. */
  #completeTables(): void {
    if (this.#tablesComplete) return;
    this.#tablesComplete = true;
    for (let place = this.#handedOverAt; place < this.#order.length; place++) {
      const job = this.#order[place];
      const position = job === undefined ? -1 : (this.#position.get(job.node) as number);
      if (job === undefined || !this.#isLeaf[position]) continue;
      const digits = job.digits;
      const makers = this.#makers[position] as NodeMakers;
      const key = digitsKey(digits);
      if (makers.jobs.get(key, digits) === undefined) makers.jobs.add(key, job);
    }
  }

  #settleAll(): void {
    const thread = this.#thread;
    if (thread === undefined) return;
    while (this.#pendingCount > 0) this.#settleOldest(thread);
  }

  #notePerfCollapse(stats: NodeStats, job: JobRecord, configured: ConfiguredNode): void {
    let differs = false;
    for (const [key, value] of configured.perf) {
      if (toJson(value) !== toJson(job.valueOf(key) ?? null)) {
        stats.collapsedPerf.add(key);
        differs = true;
      }
    }
    if (differs) stats.collapsedRows += 1;
  }

  /** What the probe is told of each job: one object, refilled per job (the probe keeps nothing). */
  readonly #probed = new ProbedJobSlot();

  /** A new job of the node of `makers`, whose process id ends in `digits`. */
  #createJob(makers: NodeMakers, configured: ConfiguredNode, preds: readonly RowSlot[], digits: string, own: OwnEntry, rowIndex: number): JobRecord {
    const { stage } = makers;
    const node = stage.node;
    // No dir is made: the job keeps its digits (see JobRecord), and no config object (see FinalLayout).
    const defaultOutputs = hasDefaultOutputs(configured, stage.outputs);
    const layout = this.#finalLayout(stage.position, configured, defaultOutputs);
    const given = givenValues(configured, stage.outputs, defaultOutputs);
    const fromCli = makers.enabled;
    // Values were validated before the build; an unreadable one cannot reach here.
    const enabledState = configured.enabled === undefined ? fromCli : (parseEnable(configured.enabled) ?? fromCli);
    const probe = this.#options.probe(this.#probed.fill(digits, makers, layout, given));
    const decision = decideStatus(node.name, enabledState, preds, probe, this.#options.skipExisting);
    const stats = this.#stats[stage.position] as NodeStats;
    stats.statuses[decision.status] += 1;
    const configKeys = this.#configKeys(makers, configured);
    if (decision.status === 'disabled' || decision.status === 'skipped') stats.reasons.add(decision.reason);
    const job = new JobRecord(
      {
        stage,
        own: this.#ownConfig(own, configKeys, configured),
        digits,
        decision,
        redo: enabledState === 'redo',
        staleMarker: probe === 'stale',
        defaultOutputs,
        predJobs: preds.length === 1 ? recordOf(preds[0] as RowSlot) : [...new Set(preds.map(recordOf))],
        layout,
        given,
        configKeys,
        rowOptions: configured.rowOptions,
        firstRow: rowIndex,
      },
      this.#lastJob[stage.position],
    );
    this.#lastJob[stage.position] = job;
    return job;
  }

  /** Per node position, the final layout of its last job made (the next one's nearly always). */
  readonly #lastLayout: (FinalLayout | undefined)[] = [];

  #finalLayout(position: number, configured: ConfiguredNode, defaultOutputs: boolean): FinalLayout {
    const last = this.#lastLayout[position];
    if (last !== undefined && last.fits(configured, defaultOutputs)) return last;
    const layout = new FinalLayout(configured, (this.#makers[position] as NodeMakers).stage.outputs, defaultOutputs);
    this.#lastLayout[position] = layout;
    return layout;
  }

  /**
   * The {@link OwnConfig} of a job: shared with the jobs of the same algo config when its
   * values are the same scalars (a mapping's keys may come in another order) and the config
   * keys and perf params are the same objects. An equal algo id is not enough: ubelt hashes
   * `true` as it hashes `1`, and the job's config and command must still say `true`.
   */
  #ownConfig(own: OwnEntry, configKeys: ConfigKeys, configured: ConfiguredNode): OwnConfig {
    const shared = own.ownConfig;
    if (
      shared !== undefined &&
      shared.configKeys === configKeys &&
      shared.perf === configured.perf &&
      sameValues(shared.algo, configured.algo, configKeys.algo)
    ) {
      return shared;
    }
    const made = new OwnConfig(own.value, configKeys, configured.algo, configured.perf);
    if (hasMemoScalarValues(configured.algo)) own.ownConfig = made;
    return made;
  }

  /** The config keys of a job, shared with the node's previous job when they are the same (they nearly always are). */
  #configKeys(makers: NodeMakers, configured: ConfiguredNode): ConfigKeys {
    const { node, position } = makers.stage;
    const keys = configKeysOf(node.name, configured.algo, configured.perf, this.#lastConfigKeys[position]);
    this.#lastConfigKeys[position] = keys;
    return keys;
  }

  /** Stops the hashing thread, if one started (also when the build failed). */
  close(): void {
    this.#thread?.close();
  }

  #summaries(): NodeSummary[] {
    return this.#pipeline.nodes.map((node, i) => {
      const stats = this.#stats[i] as NodeStats;
      const count = stats.statuses;
      return Object.freeze({
        name: node.name,
        folder: (this.#makers[i] as NodeMakers).folder,
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
    this.#settleAll();
    this.close();
    if (this.#emptyPlaces > 0) this.#order = this.#order.filter((job) => job !== undefined);
    const graph: JobGraph = Object.freeze({
      jobs: Object.freeze(this.#order as JobRecord[]),
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
  try {
    for (const row of rows) builder.addRow(row);
    return builder.finish();
  } finally {
    builder.close();
  }
}
