import { posix } from 'node:path';
import type { PipelineNode, Resources } from '../pipeline/pipeline.js';
import type { Value, ValueMap } from '../values/value.js';
import type { Job, JobKindToken, JobLink, JobStatus, RowOptions } from './job-graph.js';
import { commandText, type CommandPiece, type CommandPieces } from './render-command.js';
import { toJson } from '../values/py-format.js';
import { outputPathOf, perfEntries, type FinalLayout, type NodeOutputs, type OwnValues } from './configure-node.js';
import { hasKeysInOrder, hasMapKeysInOrder, sameItems } from '../values/keys.js';
import { ScalarPathMemo } from '../values/scalar-path-memo.js';

/** What every job of one node shares; one object per node keeps jobs small. */
export interface JobStage {
  readonly node: PipelineNode;
  /** The node's position in topological order. */
  readonly position: number;
  /** Hash of the node's command and argument template (see the build). */
  readonly fingerprint: string;
  /** Renders the node's commands, remembering the pieces its jobs share. */
  readonly commandPieces: CommandPieces;
  /** What a job's id starts with (`<node>_id_`): the rest is its hash digits. */
  readonly idPrefix: string;
  /** What a job's dir starts with, `<folder>/<idPrefix>`: the rest is its hash digits. */
  readonly dirHead: string;
  /** The node's outputs and what each default path appends to the job dir. */
  readonly outputs: NodeOutputs;
}

/** A job's status with its reason; the common ones are shared constants. */
export interface StatusDecision {
  readonly status: JobStatus;
  readonly reason: string;
  /** True when the artifacts run it (to_run, or done but still listed so reruns resolve). */
  readonly scheduled: boolean;
  /** Whether its results will exist once the artifacts ran (kwdagger's `will_exist`). */
  readonly willExist: boolean;
}

/** Everything known about a job when it is created. */
export interface JobInit extends Pick<Job, 'redo' | 'staleMarker' | 'defaultOutputs' | 'rowOptions'> {
  /** The hash digits of its process id: its id is the stage's `idPrefix` plus these, its dir the stage's `dirHead` plus these. */
  readonly digits: string;
  /** Where its final config's values are (shared by the node's jobs whose configs have the same keys). */
  readonly layout: FinalLayout;
  /** Its inputs' values, then the outputs' when the grid set a path (see `givenValues`). */
  readonly given: readonly Value[];
  /** Its algo id and own members, shared with the node's jobs of the same own config (see {@link OwnConfig}). */
  readonly own: OwnConfig;
  readonly stage: JobStage;
  readonly decision: StatusDecision;
  /** The direct predecessor jobs (data, shared inputs, ordering), without repeats: one job, or a list. */
  readonly predJobs: JobRecord | readonly JobRecord[];
  /** The keys of its part of job_config.json; their values are its own algo and perf values. */
  readonly configKeys: ConfigKeys;
  readonly firstRow: number;
}

/**
 * The keys of a job's own part of job_config.json: its algo keys (what the algo id
 * hashes), then its perf keys. Jobs of one node nearly always have the same keys, so
 * they share one object (see {@link configKeysOf}).
 */
export interface ConfigKeys {
  readonly algo: readonly string[];
  readonly perf: readonly string[];
  /** `"<node>.<key>": ` for each algo key, then each perf key: the JSON member heads. */
  readonly memberHeads: readonly string[];
  /** The members' text (`"<node>.<key>": <value>, …`) by the path of their values: a sweep repeats them. */
  readonly memberTexts: ScalarPathMemo;
}

/**
 * What the jobs of a node with the same own config share: the same algo config (so algo
 * id), config keys and perf params. A sweep gives each value of a node's params to many
 * jobs (one under each upstream job), so the text of their own job_config.json members
 * is made once, by the first job asked, not looked up per job.
 */
export class OwnConfig implements OwnValues {
  readonly algoId: string;
  readonly configKeys: ConfigKeys;
  /** The algo config of the first job made with it (the others' have equal values). */
  readonly algo: ValueMap;
  readonly perf: ReadonlyMap<string, Value>;
  readonly perfValues: readonly Value[];
  /** `"<node>.<key>": <value>, …`, once a job made it. */
  members: string | undefined;

  constructor(algoId: string, configKeys: ConfigKeys, algo: ValueMap, perf: ReadonlyMap<string, Value>) {
    this.algoId = algoId;
    this.configKeys = configKeys;
    this.algo = algo;
    this.perf = perf;
    this.perfValues = perfEntries(perf).values;
  }
}

/** Member texts a node's {@link ConfigKeys} remember; past that they start over. */
const REMEMBERED_MEMBER_TEXTS = 1 << 16;

/** The {@link ConfigKeys} of a node's job (its algo config and perf params), `last` itself when its keys are the same. */
export function configKeysOf(node: string, algo: ValueMap, perf: ReadonlyMap<string, Value>, last: ConfigKeys | undefined): ConfigKeys {
  if (last && hasKeysInOrder(algo, last.algo) && hasMapKeysInOrder(perf, last.perf)) return last;
  const algoKeys = Object.keys(algo);
  const perfKeys = [...perf.keys()];
  const memberHeads = [...algoKeys, ...perfKeys].map((key) => `${JSON.stringify(`${node}.${key}`)}: `);
  return { algo: algoKeys, perf: perfKeys, memberHeads, memberTexts: new ScalarPathMemo(REMEMBERED_MEMBER_TEXTS) };
}

const NO_JOBS: readonly JobRecord[] = Object.freeze([]);

/**
 * What the jobs of a node nearly all share; one object for a run of equal ones keeps a
 * million jobs small. A sweep's jobs under one upstream job share their predecessors and
 * given values too, so those are kept here rather than once per job.
 */
interface JobKind {
  readonly stage: JobStage;
  readonly decision: StatusDecision;
  /** {@link REDO}, {@link STALE_MARKER} and {@link DEFAULT_OUTPUTS} bits. */
  readonly flags: number;
  readonly configKeys: ConfigKeys;
  readonly rowOptions: RowOptions;
  readonly layout: FinalLayout;
  /** What its final config reads besides its own values (see `givenValues`). */
  readonly given: readonly Value[];
  /** Direct predecessors: one job (most jobs, in a chain), several, or none. */
  readonly preds: JobRecord | readonly JobRecord[] | undefined;
}

/** Predecessors as a kind keeps them: one job alone, a list of several, or none. */
function predsOf(preds: JobRecord | readonly JobRecord[]): JobRecord | readonly JobRecord[] | undefined {
  return preds instanceof JobRecord ? preds : preds.length === 0 ? undefined : preds.length === 1 ? preds[0] : preds;
}

/** Whether two kinds' predecessors are the same jobs (a fan-in job's list is made per job). */
function samePreds(a: JobKind['preds'], b: JobKind['preds']): boolean {
  return a === b || (Array.isArray(a) && Array.isArray(b) && sameItems(a, b));
}

function kindOf(init: JobInit, previous: JobKind | undefined): JobKind {
  const preds = predsOf(init.predJobs);
  const flags = (init.redo ? REDO : 0) | (init.staleMarker ? STALE_MARKER : 0) | (init.defaultOutputs ? DEFAULT_OUTPUTS : 0);
  if (
    previous &&
    previous.stage === init.stage &&
    previous.decision === init.decision &&
    previous.flags === flags &&
    previous.configKeys === init.configKeys &&
    previous.rowOptions === init.rowOptions &&
    previous.layout === init.layout &&
    previous.given === init.given &&
    samePreds(previous.preds, preds)
  ) {
    return previous;
  }
  const { stage, decision, configKeys, rowOptions, layout, given } = init;
  return { stage, decision, flags, configKeys, rowOptions, layout, given, preds };
}

/** Text and lists a job keeps for its descendants (see {@link JobRecord}). */
interface UpstreamCache {
  /** Its dir and output paths, made once: descendants ask for them again and again. */
  dir?: string;
  outputPaths?: Record<string, string>;
  /** `[this job]`: what a job whose one predecessor is this job gives as its predecessors. */
  alone?: readonly JobRecord[];
  lineage?: readonly JobRecord[];
  lineageMembers?: string;
}

const REDO = 1;
const STALE_MARKER = 2;
const DEFAULT_OUTPUTS = 4;

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
  /** Its algo id, and its own members once made: shared with jobs of the same own config. */
  readonly #own: OwnConfig;
  /**
   * The hash digits of its process id. Its id and dir are made from them when asked,
   * not kept: a million kept dirs (and default output paths, which hold the dir) were
   * a third of what a sweep's jobs keep, and what the garbage collector copies twice.
   */
  readonly digits: string;
  /** Stage, status, flags, config keys and row options: shared with the node's previous job when equal. */
  readonly #kind: JobKind;
  /**
   * One row number (most jobs have one), or runs of consecutive rows as `[first, end)`
   * pairs: an upstream job is configured by a block of rows in product order, so a job
   * shared by a million rows keeps one pair, not a million numbers.
   */
  #rows: number | number[];
  /** What descendants ask for, made on first request: most jobs have none and never get one. */
  #upstream: UpstreamCache | undefined;

  /** `previous`: the node's job made before this one, whose shared parts this one may reuse. */
  constructor(init: JobInit, previous?: JobRecord) {
    this.#own = init.own;
    this.digits = init.digits;
    this.#kind = kindOf(init, previous === undefined ? undefined : previous.#kind);
    this.#rows = init.firstRow;
  }

  get algoId(): string {
    return this.#own.algoId;
  }

  get id(): string {
    return this.#kind.stage.idPrefix + this.digits;
  }

  /** Its dir: made on each ask, but kept once descendants ask for it (an upstream job's is asked for by every job under it). */
  get dir(): string {
    const cache = this.#upstream;
    if (cache !== undefined) return (cache.dir ??= this.#kind.stage.dirHead + this.digits);
    return this.#kind.stage.dirHead + this.digits;
  }

  /** The final config its command receives, made on each ask (see `FinalLayout`). */
  get final(): ValueMap {
    const { layout, stage } = this.#kind;
    return layout.config(this.#kind.given, this.#own, this.dir, stage.outputs);
  }

  /** The value of a final config key (null for an output at its default path), without making the config. */
  valueOf(key: string): Value | undefined {
    const layout = this.#kind.layout;
    const i = layout.keys.indexOf(key);
    return i < 0 ? undefined : layout.valueAt(i, this.#kind.given, this.#own);
  }

  /** The value of output `j` (see `NodeOutputs`): the grid's path, or null for its default path. */
  #outputValue(j: number): Value {
    return this.#kind.layout.outputValue(j, this.#kind.given);
  }

  get rowOptions(): RowOptions {
    return this.#kind.rowOptions;
  }

  get node(): string {
    return this.#kind.stage.node.name;
  }

  get fingerprint(): string {
    return this.#kind.stage.fingerprint;
  }

  get status(): JobStatus {
    return this.#kind.decision.status;
  }

  get reason(): string {
    return this.#kind.decision.reason;
  }

  get scheduled(): boolean {
    return this.#kind.decision.scheduled;
  }

  /** Whether its results will exist once the artifacts ran; dependents of a job that won't are skipped. */
  get willExist(): boolean {
    return this.#kind.decision.willExist;
  }

  get redo(): boolean {
    return (this.#kind.flags & REDO) !== 0;
  }

  get staleMarker(): boolean {
    return (this.#kind.flags & STALE_MARKER) !== 0;
  }

  get defaultOutputs(): boolean {
    return (this.#kind.flags & DEFAULT_OUTPUTS) !== 0;
  }

  get predecessors(): readonly JobRecord[] {
    const preds = this.#kind.preds;
    return preds === undefined ? NO_JOBS : preds instanceof JobRecord ? preds.#alone() : preds;
  }

  get preds(): readonly string[] {
    return this.predecessors.map((job) => job.id);
  }

  get depJobs(): readonly JobRecord[] {
    const preds = this.#kind.preds;
    if (preds === undefined || !this.scheduled) return NO_JOBS;
    if (preds instanceof JobRecord) return preds.scheduled ? preds.#alone() : NO_JOBS;
    const jobs = preds.filter((job) => job.scheduled);
    return jobs.length < 2 ? jobs : jobs.sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  get deps(): readonly string[] {
    return this.depJobs.map((job) => job.id);
  }

  get marker(): string {
    return `${this.dir}/${MARKER_NAME}`;
  }

  get resources(): Resources {
    return this.#kind.stage.node.resources;
  }

  /** The path of one output (its final config value: the default path or the grid's override). */
  outputPath(name: string): string {
    const { names, suffixes } = this.#kind.stage.outputs;
    const j = names.indexOf(name);
    const value = this.#outputValue(j);
    if (typeof value === 'string') return value;
    const cache = this.#upstream;
    const paths = cache === undefined ? undefined : (cache.outputPaths ??= {});
    const known = paths?.[name];
    if (known !== undefined) return known;
    const path = outputPathOf(value, this.dir, suffixes[j] as string);
    if (paths !== undefined) paths[name] = path;
    return path;
  }

  get outputs(): Readonly<Record<string, string>> {
    const { names, suffixes } = this.#kind.stage.outputs;
    const outputs: Record<string, string> = {};
    // The dir made once for all of them (each ask makes it anew).
    const dir = this.dir;
    for (let i = 0; i < names.length; i++) {
      const name = names[i] as string;
      outputs[name] = outputPathOf(this.#outputValue(i), dir, suffixes[i] as string);
    }
    return outputs;
  }

  /** Records another grid row that configures this same job. */
  addRow(row: number): void {
    const rows = this.#rows;
    if (typeof rows === 'number') this.#rows = rows + 1 === row ? [rows, row + 1] : [rows, rows + 1, row, row + 1];
    else if (rows[rows.length - 1] === row) rows[rows.length - 1] = row + 1;
    else rows.push(row, row + 1);
  }

  get rows(): readonly number[] {
    const rows = this.#rows;
    if (typeof rows === 'number') return [rows];
    const all: number[] = [];
    for (let i = 0; i < rows.length; i += 2) for (let row = rows[i] as number; row < (rows[i + 1] as number); row++) all.push(row);
    return all;
  }

  get commandPieces(): readonly CommandPiece[] {
    const { stage, layout } = this.#kind;
    const { commandPieces } = stage;
    const defaultOutputs = this.defaultOutputs;
    // Pieces of default outputs around the job dir need no path: then the values where they are do.
    if (commandPieces.readsOutputPaths(defaultOutputs)) return commandPieces.of(this.final, defaultOutputs);
    return commandPieces.ofLayout(layout, this.#kind.given, this.#own, defaultOutputs);
  }

  get command(): string {
    return commandText(this.commandPieces, this.dir);
  }

  get ownPieces(): readonly boolean[] | undefined {
    const { stage, layout } = this.#kind;
    return stage.commandPieces.readsOutputPaths(this.defaultOutputs) ? undefined : layout.ownPieces;
  }

  get kind(): JobKindToken {
    return this.#kind;
  }

  /**
   * Transitive predecessor jobs, in topological order of their nodes, then by id.
   * Built from the predecessors' own (cached) lineages: upstream jobs are shared
   * by many descendants, leaf jobs are asked once.
   */
  get ancestors(): readonly JobRecord[] {
    const preds = this.#kind.preds;
    if (preds === undefined) return [];
    // One predecessor (a chain): its lineage is already in order.
    if (preds instanceof JobRecord) return preds.#lineage();
    const seen = new Map<string, JobRecord>();
    for (const pred of preds) for (const job of pred.#lineage()) seen.set(job.id, job);
    return [...seen.values()].sort((a, b) => a.#kind.stage.position - b.#kind.stage.position || (a.id < b.id ? -1 : 1));
  }

  /** `[this]`, one frozen array shared by the jobs whose one predecessor this is (asked for per job and target). */
  #alone(): readonly JobRecord[] {
    const cache = (this.#upstream ??= {});
    cache.alone ??= Object.freeze([this]);
    return cache.alone;
  }

  /** This job's ancestors and itself, cached because descendants ask for it. */
  #lineage(): readonly JobRecord[] {
    const cache = (this.#upstream ??= {});
    cache.lineage ??= [...this.ancestors, this];
    return cache.lineage;
  }

  get ancestorDirs(): readonly string[] {
    return this.ancestors.map((job) => job.dir);
  }

  /** This job's resolved params (algo then perf), keyed `<node>.<param>`. */
  ownConfig(): [string, Value][] {
    const node = this.node;
    const { algo, perf } = this.#kind.configKeys;
    return [...algo, ...perf].map((key, i) => [`${node}.${key}`, this.#ownValue(i)]);
  }

  /** The value of the i-th key of {@link ConfigKeys}: algo keys, then perf keys. */
  #ownValue(i: number): Value {
    const { algo, perf } = this.#kind.configKeys;
    // The final config holds every algo value (written last there) and every perf value; outputs are neither.
    return i < algo.length ? (this.valueOf(algo[i] as string) as Value) : (this.valueOf(perf[i - algo.length] as string) ?? null);
  }

  /**
   * {@link ownConfig} as JSON members (`"a.p": 1, …`), kept in the job's {@link OwnConfig}.
   * Jobs whose values are the same scalars share one text (see {@link ConfigKeys.memberTexts}).
   */
  #configMembers(): string {
    const cached = this.#own.members;
    if (cached !== undefined) return cached;
    const { memberHeads, memberTexts } = this.#kind.configKeys;
    let members = memberHeads.length === 0 ? '' : memberTexts.find(this, memberHeads.length, JobRecord.#ownValueOf);
    if (members === undefined) {
      members = '';
      for (let i = 0; i < memberHeads.length; i++) members += `${i === 0 ? '' : ', '}${memberHeads[i] as string}${toJson(this.#ownValue(i))}`;
      memberTexts.remember(members);
    }
    this.#own.members = members;
    return members;
  }

  static #ownValueOf(job: JobRecord, i: number): Value {
    return job.#ownValue(i);
  }

  get config(): ValueMap {
    const entries = [...this.ancestors, this].flatMap((job) => job.ownConfig());
    return Object.fromEntries(entries);
  }

  get configJson(): string {
    return `{${this.#membersWith(this.#configMembers())}}`;
  }

  get configParts(): { readonly inherited: string; readonly own: string } {
    return { inherited: this.#inheritedMembers(), own: this.#configMembers() };
  }

  /** The JSON members of the ancestors' configs. */
  #inheritedMembers(): string {
    const preds = this.#kind.preds;
    // A chain: the predecessor's lineage text is cached and shared by its successors.
    return preds instanceof JobRecord ? preds.#lineageMembers() : this.ancestors.map((job) => job.#configMembers()).filter((m) => m !== '').join(', ');
  }

  /** The JSON members of the ancestors' configs followed by `own`. */
  #membersWith(own: string): string {
    const upstream = this.#inheritedMembers();
    return upstream === '' ? own : own === '' ? upstream : `${upstream}, ${own}`;
  }

  /** JSON members of the configs of this job's lineage (ancestors, then itself), cached for successors. */
  #lineageMembers(): string {
    const cache = (this.#upstream ??= {});
    cache.lineageMembers ??= this.#membersWith(this.#configMembers());
    return cache.lineageMembers;
  }

  get links(): readonly JobLink[] {
    const links: JobLink[] = [];
    // Made once here: each ask makes them anew.
    const dir = this.dir;
    const id = this.id;
    for (const pred of this.predecessors) {
      const predLink = `${dir}/.pred/${pred.node}/${pred.id}`;
      const succLink = `${pred.dir}/.succ/${this.node}/${id}`;
      links.push({ path: predLink, target: relativeTo(posix.dirname(predLink), pred.dir) });
      links.push({ path: succLink, target: relativeTo(posix.dirname(succLink), dir) });
    }
    return links;
  }
}
