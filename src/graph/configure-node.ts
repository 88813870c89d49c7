import type { OutputRef, PipelineNode } from '../pipeline/pipeline.js';
import { isValueMap, type Value, type ValueMap } from '../values/value.js';
import type { RowOptions } from './job-graph.js';
import { referenceKey, type Route, type Router } from './routing.js';
import { hasKeysInOrder, hasMapKeysInOrder, sameItems } from '../values/keys.js';

/**
 * The keys one row routes to a node: their routes and, for each, the row key it
 * comes from. Rows of one matrix share one such object per node (see the build),
 * so what their keys are to the node is worked out once (see {@link nodeKeys}).
 */
export interface NodeKeys {
  readonly routes: readonly Route[];
  readonly keys: readonly string[];
  /** The node's names the routes set (scheduler keys left out), once each, in first-seen order. */
  readonly locals: readonly string[];
  /** Per route, the position of its name in {@link locals}; -1 for a scheduler key. */
  readonly localOf: readonly number[];
  readonly hasSchedulerKeys: boolean;
}

/** {@link NodeKeys} of routes and the row keys they come from. */
export function nodeKeys(routes: readonly Route[], keys: readonly string[]): NodeKeys {
  const locals: string[] = [];
  const localOf = routes.map((route) => {
    if (route.kind === 'special') return -1;
    const at = locals.indexOf(route.local);
    return at >= 0 ? at : locals.push(route.local) - 1;
  });
  return { routes, keys, locals, localOf, hasSchedulerKeys: localOf.includes(-1) };
}

/**
 * The keys a row sets for a node, in row order (kwdagger's `node.config`): the names
 * are the shape's, the values the row's. A key set twice keeps its first place and
 * its last value, as a dict does. Smaller than a `Map`, of which a million rows made one each.
 */
export class RequestedConfig {
  readonly keys: readonly string[];
  readonly values: readonly Value[];

  constructor(keys: readonly string[], values: readonly Value[]) {
    this.keys = keys;
    this.values = values;
  }

  get size(): number {
    return this.keys.length;
  }

  get(key: string): Value | undefined {
    const at = this.keys.indexOf(key);
    return at < 0 ? undefined : this.values[at];
  }

  has(key: string): boolean {
    return this.keys.includes(key);
  }
}

/** What the rest of the row tells a node: upstream outputs and shared inputs. */
export interface RowContext {
  /** The path an output of an upstream node has in this row. */
  outputPath(ref: OutputRef): string;
  /** The final value of another node's input in this row (for `same_as`). */
  inputValue(node: string, input: string): Value;
}

/** A node configured by one row, before its job directory is known. */
export interface ConfiguredNode {
  /** Keys the row set, in row order (kwdagger's `node.config`). */
  readonly requested: RequestedConfig;
  /** Its inputs as resolved, with the upstream nodes they connect (shared by rows that resolve them alike). */
  readonly resolved: ResolvedInputs;
  readonly perf: ReadonlyMap<string, Value>;
  /** What the algo id hashes: configured keys minus outputs and perf, unconnected inputs, algo defaults. */
  readonly algo: ValueMap;
  /** `__enabled__` as written, if the row set it. */
  readonly enabled?: Value;
  /** Engine options the row set (`__slurm_options__` → `slurm_options`); empty when none. */
  readonly rowOptions: RowOptions;
}

const NO_ROW_OPTIONS: RowOptions = Object.freeze({});

/** Grid keys that carry engine options, and the targetOptions key they map to. */
const ROW_OPTION_KEYS: Readonly<Record<string, string>> = { __slurm_options__: 'slurm_options' };

/** The row's values of one node's routed keys that are its own names (scheduler keys left out). */
function requestedConfig(routed: NodeKeys, row: ValueMap): RequestedConfig {
  const { keys, locals, localOf } = routed;
  const values = new Array<Value>(locals.length);
  for (let k = 0; k < keys.length; k++) {
    const at = localOf[k] as number;
    if (at >= 0) values[at] = row[keys[k] as string] as Value;
  }
  return new RequestedConfig(locals, values);
}

/** What the scheduler's own keys of a row say about a node. */
interface SchedulerKeys {
  readonly rowOptions: RowOptions;
  /** `__enabled__` as written, if the row set it. */
  readonly enabled?: Value;
}

const NO_SCHEDULER_KEYS: SchedulerKeys = Object.freeze({ rowOptions: NO_ROW_OPTIONS });

/** The scheduler keys among one node's routed keys (see {@link NodeKeys.localOf}: -1). */
function schedulerKeys(routed: NodeKeys, row: ValueMap): SchedulerKeys {
  const { routes, keys, localOf } = routed;
  let enabled: Value | undefined;
  let rowOptions = NO_ROW_OPTIONS;
  for (let k = 0; k < routes.length; k++) {
    if (localOf[k] !== -1) continue;
    const local = (routes[k] as Route).local;
    const value = row[keys[k] as string] as Value;
    if (local === '__enabled__' || local === 'enabled') enabled = value;
    else if (local in ROW_OPTION_KEYS && isValueMap(value)) {
      rowOptions = Object.freeze({ ...rowOptions, [ROW_OPTION_KEYS[local] as string]: value });
    }
  }
  return enabled === undefined ? { rowOptions } : { rowOptions, enabled };
}

function addPred(preds: string[], node: string): void {
  if (!preds.includes(node)) preds.push(node);
}

/** A node's inputs resolved for one row, and what resolving them found. */
export interface ResolvedInputs {
  readonly inputs: ReadonlyMap<string, Value>;
  /** The same names and values as lists, for the million final configs that copy them. */
  readonly names: readonly string[];
  readonly values: readonly Value[];
  /** Inputs with no connection: their values are part of the algo config. */
  readonly unconnected: readonly string[];
  /** Upstream nodes this row connects the node to (data, shared inputs, ordering), in first-seen order. */
  readonly preds: readonly string[];
}

/** Resolves every input: a configured value wins, then the connection, then the default. */
function resolveInputs(node: PipelineNode, requested: RequestedConfig, ctx: { row: RowContext; router: Router }): ResolvedInputs {
  const inputs = new Map<string, Value>();
  const unconnected: string[] = [];
  const preds: string[] = [];
  for (const [name, source] of node.inputs) {
    const configured = requested.get(name);
    const reference = typeof configured === 'string' ? ctx.router.references.get(referenceKey(node.name, name, configured)) : undefined;
    if (reference) {
      addPred(preds, reference.node);
      inputs.set(name, ctx.row.outputPath(reference));
    } else if (source.kind === 'from') {
      for (const ref of source.refs) addPred(preds, ref.node);
      const paths = source.refs.map((ref) => ctx.row.outputPath(ref));
      inputs.set(name, requested.has(name) ? (configured as Value) : source.fanIn ? paths : (paths[0] as string));
    } else if (source.kind === 'same_as') {
      addPred(preds, source.node);
      inputs.set(name, requested.has(name) ? (configured as Value) : ctx.row.inputValue(source.node, source.input));
    } else {
      unconnected.push(name);
      inputs.set(name, requested.has(name) ? (configured as Value) : source.default);
    }
  }
  for (const after of node.after) addPred(preds, after);
  return { inputs, names: [...inputs.keys()], values: [...inputs.values()], unconnected, preds };
}

/** kwdagger's `final_algo_config`. Reference-connected inputs count as connections, not values. */
function algoConfig(
  node: PipelineNode,
  requested: RequestedConfig,
  resolved: ResolvedInputs,
  router: Router,
): ValueMap {
  const algo: Record<string, Value> = {};
  for (let i = 0; i < requested.size; i++) {
    const key = requested.keys[i] as string;
    const value = requested.values[i] as Value;
    if (node.outputs.has(key) || node.perfParams.has(key)) continue;
    if (typeof value === 'string' && router.references.has(referenceKey(node.name, key, value))) continue;
    algo[key] = value;
  }
  for (const name of resolved.unconnected) algo[name] = resolved.inputs.get(name) ?? null;
  const defaults = paramDefaults(node);
  for (let i = 0; i < defaults.names.length; i++) {
    const key = defaults.names[i] as string;
    if (!(key in algo)) algo[key] = defaults.values[i] as Value;
  }
  return algo;
}

/** Per node, its algo params that have a default, as lists: iterating a map's entries makes an array per entry, per job. */
const PARAM_DEFAULTS = new WeakMap<PipelineNode, { readonly names: readonly string[]; readonly values: readonly Value[] }>();

function paramDefaults(node: PipelineNode): { readonly names: readonly string[]; readonly values: readonly Value[] } {
  let defaults = PARAM_DEFAULTS.get(node);
  if (defaults === undefined) {
    const withDefault = [...node.params].filter((entry): entry is [string, Value] => entry[1] !== undefined);
    defaults = { names: withDefault.map(([name]) => name), values: withDefault.map(([, value]) => value) };
    PARAM_DEFAULTS.set(node, defaults);
  }
  return defaults;
}

/** Per node, its perf params with their defaults: what a row that sets none of them gets (one map, not one per row). */
const DEFAULT_PERF = new WeakMap<PipelineNode, ReadonlyMap<string, Value>>();

function perfConfig(node: PipelineNode, requested: RequestedConfig): ReadonlyMap<string, Value> {
  if (!setsAnyPerf(node, requested)) {
    let defaults = DEFAULT_PERF.get(node);
    if (defaults === undefined) DEFAULT_PERF.set(node, (defaults = perfConfigOf(node, requested)));
    return defaults;
  }
  return perfConfigOf(node, requested);
}

function setsAnyPerf(node: PipelineNode, requested: RequestedConfig): boolean {
  if (node.perfParams.size === 0) return false;
  for (const key of requested.keys) if (node.perfParams.has(key)) return true;
  return false;
}

function perfConfigOf(node: PipelineNode, requested: RequestedConfig): Map<string, Value> {
  const perf = new Map<string, Value>();
  for (let i = 0; i < requested.size; i++) {
    const key = requested.keys[i] as string;
    if (node.perfParams.has(key)) perf.set(key, requested.values[i] as Value);
  }
  for (const [key, value] of node.perfParams) if (value !== undefined && !perf.has(key)) perf.set(key, value);
  return perf;
}

/**
 * Configures one node from the keys one row routes to it. `sameInputs`: the inputs
 * an earlier row resolved, when the caller knows this row resolves them alike (the
 * same upstream jobs, the same values for the inputs): a sweep of a node's params
 * then shares one resolution among all the jobs under one upstream job.
 */
export function configureNode(
  node: PipelineNode,
  routed: NodeKeys,
  row: ValueMap,
  ctx: { row: RowContext; router: Router },
  sameInputs?: ResolvedInputs,
): ConfiguredNode {
  const requested = requestedConfig(routed, row);
  // Most rows set no scheduler key for a node: then nothing is made for them.
  const { enabled, rowOptions } = routed.hasSchedulerKeys ? schedulerKeys(routed, row) : NO_SCHEDULER_KEYS;
  const resolved = sameInputs ?? resolveInputs(node, requested, ctx);
  const configured = {
    requested,
    rowOptions,
    resolved,
    perf: perfConfig(node, requested),
    algo: algoConfig(node, requested, resolved, ctx.router),
  };
  return enabled === undefined ? configured : { ...configured, enabled };
}

/** A job's own values that its final config reads: its algo config, and its perf values in the perf map's order. */
export interface OwnValues {
  readonly algo: ValueMap;
  readonly perfValues: readonly Value[];
}

/** Where a value of a final config comes from (see {@link FinalLayout}). */
const FROM_GIVEN = 0;
const FROM_PERF = 1;
const FROM_ALGO = 2;
/** An output at its default path: null among the kept values, the job dir plus its suffix in the config. */
const DEFAULT_PATH = 3;

/**
 * kwdagger's `final_config` as a plan, shared by a node's jobs whose configs have the
 * same keys: requested keys first (row order), then inputs, outputs, perf and algo
 * params; later groups overwrite values but keep positions. This is the argv order of
 * the default command rendering. A job keeps no config object of its own (a million
 * of them were a quarter of what a sweep's jobs keep): its values are read where they
 * are, from the job's {@link givenValues} (shared by the jobs under one upstream job)
 * and its own algo and perf values (shared by the jobs of one own config).
 *
 * Every requested key is an input, output, perf or algo key (the grid refuses others,
 * and scheduler keys are not requested), so a later group always gives its value.
 */
export class FinalLayout {
  readonly keys: readonly string[];
  readonly #sources: Uint8Array;
  /** Per key: its index in the given values or perf values, or its output's index for a default path. */
  readonly #indexes: Int32Array;
  /** Per key: the index of the output it names, or -1. */
  readonly #outputs: Int32Array;
  readonly #inputCount: number;
  readonly #defaultOutputs: boolean;
  // What the layout was made from: the next job of the node nearly always has the same.
  readonly #requestedKeys: readonly string[];
  readonly #inputNames: readonly string[];
  readonly #perfNames: readonly string[];
  readonly #algoKeys: readonly string[];

  constructor(configured: ConfiguredNode, outputs: NodeOutputs, defaultOutputs: boolean) {
    const { requested, resolved, algo } = configured;
    const perfNames = perfEntries(configured.perf).names;
    const algoKeys = Object.keys(algo);
    const at = new Map<string, number>();
    const keys: string[] = [];
    const sources: number[] = [];
    const indexes: number[] = [];
    const outputOf: number[] = [];
    const place = (key: string): number => {
      let i = at.get(key);
      if (i === undefined) {
        at.set(key, (i = keys.push(key) - 1));
        sources.push(-1);
        indexes.push(0);
        outputOf.push(-1);
      }
      return i;
    };
    const set = (key: string, source: number, index: number, output = -1): void => {
      const i = place(key);
      sources[i] = source;
      indexes[i] = index;
      outputOf[i] = output;
    };
    for (const key of requested.keys) place(key);
    resolved.names.forEach((name, i) => set(name, FROM_GIVEN, i));
    const inputCount = resolved.names.length;
    outputs.names.forEach((name, j) => (defaultOutputs ? set(name, DEFAULT_PATH, j, j) : set(name, FROM_GIVEN, inputCount + j, j)));
    perfNames.forEach((name, k) => set(name, FROM_PERF, k));
    for (const key of algoKeys) set(key, FROM_ALGO, 0);
    const unset = keys.find((_, i) => sources[i] === -1);
    if (unset !== undefined) throw new Error(`internal: requested key "${unset}" is no input, output, perf or algo key of its node`);
    this.keys = keys;
    this.#sources = Uint8Array.from(sources);
    this.#indexes = Int32Array.from(indexes);
    this.#outputs = Int32Array.from(outputOf);
    this.#inputCount = inputCount;
    this.#defaultOutputs = defaultOutputs;
    this.#requestedKeys = requested.keys;
    this.#inputNames = resolved.names;
    this.#perfNames = perfNames;
    this.#algoKeys = algoKeys;
  }

  /**
   * Per piece of a command made from this layout (the executable, then one per key):
   * whether the piece is made from the job's own perf or algo values alone.
   */
  get ownPieces(): readonly boolean[] {
    this.#ownPieces ??= Object.freeze([false, ...Array.from(this.#sources, (source) => source === FROM_PERF || source === FROM_ALGO)]);
    return this.#ownPieces;
  }

  #ownPieces: readonly boolean[] | undefined;

  /** Whether a job configured so has this layout (checked per job: no key list is made). */
  fits(configured: ConfiguredNode, defaultOutputs: boolean): boolean {
    return (
      this.#defaultOutputs === defaultOutputs &&
      this.#requestedKeys === configured.requested.keys &&
      sameItems(this.#inputNames, configured.resolved.names) &&
      hasMapKeysInOrder(configured.perf, this.#perfNames) &&
      hasKeysInOrder(configured.algo, this.#algoKeys)
    );
  }

  /** The value of key `i`: null for an output at its default path. */
  valueAt(i: number, given: readonly Value[], own: OwnValues): Value {
    const index = this.#indexes[i] as number;
    switch (this.#sources[i]) {
      case FROM_GIVEN:
        return given[index] as Value;
      case FROM_PERF:
        return own.perfValues[index] as Value;
      case FROM_ALGO:
        return own.algo[this.keys[i] as string] as Value;
      default:
        return null;
    }
  }

  /** The index of the output key `i` names (see {@link NodeOutputs}), or -1. */
  outputAt(i: number): number {
    return this.#outputs[i] as number;
  }

  /** The value of output `j`: the grid's path, or null for its default path. */
  outputValue(j: number, given: readonly Value[]): Value {
    return this.#defaultOutputs ? null : (given[this.#inputCount + j] as Value);
  }

  /** The final config, each output's value made a path (`dir`: the job dir). */
  config(given: readonly Value[], own: OwnValues, dir: string, outputs: NodeOutputs): ValueMap {
    const final: Record<string, Value> = {};
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) {
      const value = this.valueAt(i, given, own);
      const output = this.#outputs[i] as number;
      final[keys[i] as string] = output < 0 ? value : outputPathOf(value, dir, outputs.suffixes[output] as string);
    }
    return final;
  }
}

/**
 * What a job's final config reads besides its own values: its inputs' values, and when
 * the grid sets an output's path, every output's value after them (null for a default path).
 * Jobs whose outputs are at their default paths share their resolution's list.
 */
export function givenValues(configured: ConfiguredNode, outputs: NodeOutputs, defaultOutputs: boolean): readonly Value[] {
  const { resolved, requested } = configured;
  if (defaultOutputs) return resolved.values;
  return [...resolved.values, ...outputs.names.map((name) => outputOverride(requested.get(name)))];
}

/** A node's outputs, and what each one's default path appends to the job dir (`/<path>`, or '' for '.'). */
export interface NodeOutputs {
  readonly names: readonly string[];
  readonly suffixes: readonly string[];
}

/** Perf maps as lists, made once per map: rows that set no perf param share their node's (see {@link perfConfig}). */
const PERF_ENTRIES = new WeakMap<ReadonlyMap<string, Value>, { readonly names: readonly string[]; readonly values: readonly Value[] }>();

export function perfEntries(perf: ReadonlyMap<string, Value>): { readonly names: readonly string[]; readonly values: readonly Value[] } {
  let entries = PERF_ENTRIES.get(perf);
  if (entries === undefined) PERF_ENTRIES.set(perf, (entries = { names: [...perf.keys()], values: [...perf.values()] }));
  return entries;
}

/** An output's value: the grid's path when it set a text, else null, for the default path under the job dir (see {@link outputPathOf}). */
function outputOverride(override: Value | undefined): string | null {
  return typeof override === 'string' ? override : null;
}

/** An output's path from its value (see {@link FinalLayout.outputValue}): the grid's path, or its default, the job dir plus the output's suffix. */
export function outputPathOf(value: Value | undefined, dir: string, suffix: string): string {
  return typeof value === 'string' ? value : dir + suffix;
}

/** Whether every output of a job is at its default path (the grid overrides none with a text). */
export function hasDefaultOutputs(configured: ConfiguredNode, outputs: NodeOutputs): boolean {
  if (configured.requested.size === 0) return true;
  for (const name of outputs.names) if (typeof configured.requested.get(name) === 'string') return false;
  return true;
}
