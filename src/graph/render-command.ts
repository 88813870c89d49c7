import type { ArgTemplate, PipelineNode } from '../pipeline/pipeline.js';
import { pyStr, toJson } from '../values/py-format.js';
import { hasKeysInOrder, sameItems } from '../values/keys.js';
import { isMemoScalar } from '../values/scalar-path-memo.js';
import { isValueList, isValueMap, type Value, type ValueMap } from '../values/value.js';
import { isShlexBare, shlexQuote } from './shlex-quote.js';
import type { FinalLayout, OwnValues } from './configure-node.js';

/** `--key=value` for one config entry, kwdagger style: lists become varargs, dicts one JSON word. */
function renderOption(key: string, value: Value): string {
  if (isValueList(value)) return [`--${key}`, ...value.map((v) => shlexQuote(pyStr(v)))].join(' ');
  if (isValueMap(value)) return `--${key}=${shlexQuote(toJson(value))}`;
  return `--${key}=${shlexQuote(pyStr(value))}`;
}

/** One word of an explicit argument template, with `{key}` pieces substituted. */
function renderWord(pieces: ArgTemplate[number], config: ValueMap): string[] {
  const only = pieces.length === 1 ? pieces[0] : undefined;
  if (only?.kind === 'ref' && isValueList(config[only.key] ?? null)) {
    return (config[only.key] as readonly Value[]).map((v) => shlexQuote(pyStr(v)));
  }
  const text = pieces.map((p) => (p.kind === 'literal' ? p.text : pyStr(config[p.key] ?? null))).join('');
  return [shlexQuote(text)];
}

/**
 * The exact shell command of a job: the node's command, then its arguments.
 * Without a template every final-config key is appended as `--key=value`, in the
 * order kwdagger uses (configured keys, then inputs, outputs, perf, algo).
 */
export function renderCommand(node: Pick<PipelineNode, 'command' | 'args'>, finalConfig: ValueMap): string {
  const words = node.args
    ? node.args.flatMap((pieces) => renderWord(pieces, finalConfig))
    : Object.keys(finalConfig).map((key) => renderOption(key, finalConfig[key] as Value));
  return words.length ? `${node.command} ${words.join(' ')}` : node.command;
}

/** Values a piece cache keeps per key; past that a key's pieces are rendered each time. */
const PIECES_PER_KEY = 1 << 12;

/**
 * A command piece that names a path in the job's own dir: its text is
 * `before + <job dir> + after`. One object per node and output, shared by its jobs.
 */
export interface JobDirPiece {
  readonly before: string;
  readonly after: string;
}

/** A piece of a job's command: text, or a {@link JobDirPiece}. */
export type CommandPiece = string | JobDirPiece;

/** The text of command pieces, the job dir put into its {@link JobDirPiece}s. */
export function commandText(pieces: readonly CommandPiece[], dir: string): string {
  let text = '';
  for (const piece of pieces) text += typeof piece === 'string' ? piece : piece.before + dir + piece.after;
  return text;
}

/** Where a node's job dirs are; each default output path is a job dir plus its output's suffix. */
export interface JobDirLayout {
  /** What every job dir of the node starts with: the rest is hash digits (0-9, a-z). */
  readonly prefix: string;
  /** Output name → what its default path appends to the job dir (`''` for the dir itself). */
  readonly suffixes: ReadonlyMap<string, string>;
}

/** The remembered pieces of one key: the last value's, and a bounded map. */
interface KeyPieces {
  lastValue: Value | undefined;
  lastPiece: string;
  readonly byValue: Map<Value, string>;
}

/**
 * {@link renderCommand} in pieces: the node's command, then one piece per argument
 * word group, each with its leading blank, so joined they are the command. A sweep
 * repeats most values across a node's jobs, so `--key=value` pieces are remembered by
 * key and value instead of quoted per job: a map for the values a key takes again and
 * again (params), the last value for those that come in runs (the output paths of the
 * upstream job, which the jobs under it read one after another).
 *
 * A job's own default output paths differ in every job but only by the job dir: when
 * the dir and the path's rest are bare shell words (so is the path, unquoted), the
 * piece is a {@link JobDirPiece}, the same object for all the node's jobs.
 */
export class CommandPieces {
  readonly #node: Pick<PipelineNode, 'command' | 'args' | 'outputs'>;
  readonly #byKey = new Map<string, KeyPieces>();
  /** Output name → its piece around the job dir, for the outputs whose default path is bare (given a bare dir). */
  readonly #dirPieces = new Map<string, JobDirPiece>();
  /** The steps of the last key list seen, for jobs with the grid's output paths [0] and with default ones [1]. */
  readonly #plans: [KeyPlan | undefined, KeyPlan | undefined] = [undefined, undefined];

  constructor(node: Pick<PipelineNode, 'command' | 'args' | 'outputs'>, layout?: JobDirLayout) {
    this.#node = node;
    // Hash digits are bare, so the dir is bare when its prefix is.
    if (layout === undefined || !isShlexBare(layout.prefix)) return;
    for (const [name, suffix] of layout.suffixes) {
      if (suffix === '' || isShlexBare(suffix)) this.#dirPieces.set(name, { before: ` --${name}=`, after: suffix });
    }
  }

  /**
   * Whether {@link of} reads the output paths in the final config: unless the command
   * has no argument template and every output is at its default path with a piece
   * around the job dir.
   */
  readsOutputPaths(defaultOutputs: boolean): boolean {
    return this.#node.args !== undefined || !defaultOutputs || this.#dirPieces.size < this.#node.outputs.size;
  }

  /**
   * The pieces of a job's command. `defaultOutputs`: every output of the job has its
   * default path (the grid set none), so output values are the job dir plus a suffix.
   */
  of(finalConfig: ValueMap, defaultOutputs = false): CommandPiece[] {
    const node = this.#node;
    if (node.args) return [node.command, ...node.args.flatMap((pieces) => renderWord(pieces, finalConfig)).map((word) => ` ${word}`)];
    const plan = this.#planFor(finalConfig, defaultOutputs).steps;
    const pieces = this.#piecesFor(plan);
    for (let i = 0; i < plan.length; i++) {
      const step = plan[i] as KeyStep;
      pieces[i + 1] = step.dirPiece ?? this.#option(step, finalConfig[step.key] as Value);
    }
    return pieces;
  }

  /**
   * {@link of} a final config read where its values are (see `FinalLayout`), when the
   * pieces need no output path ({@link readsOutputPaths} is false): no config is made.
   */
  ofLayout(layout: FinalLayout, given: readonly Value[], own: OwnValues, defaultOutputs: boolean): CommandPiece[] {
    const plan = this.#planForLayout(layout, defaultOutputs).steps;
    const pieces = this.#piecesFor(plan);
    for (let i = 0; i < plan.length; i++) {
      const step = plan[i] as KeyStep;
      pieces[i + 1] = step.dirPiece ?? this.#option(step, layout.valueAt(i, given, own));
    }
    return pieces;
  }

  /** The pieces array for a plan, the command in place. */
  #piecesFor(plan: readonly KeyStep[]): CommandPiece[] {
    const pieces = new Array<CommandPiece>(plan.length + 1);
    pieces[0] = this.#node.command;
    return pieces;
  }

  /** The steps for the keys of `finalConfig`: a node's jobs nearly always have the same keys, so the last list is checked first. */
  #planFor(finalConfig: ValueMap, defaultOutputs: boolean): KeyPlan {
    const last = this.#plans[defaultOutputs ? 1 : 0];
    if (last !== undefined && hasKeysInOrder(finalConfig, last.keys)) return last;
    return this.#newPlan(Object.keys(finalConfig), defaultOutputs);
  }

  /** {@link #planFor} the keys of a layout: the same list object means the same keys. */
  #planForLayout(layout: FinalLayout, defaultOutputs: boolean): KeyPlan {
    const last = this.#plans[defaultOutputs ? 1 : 0];
    if (last !== undefined && sameItems(last.keys, layout.keys)) return last;
    return this.#newPlan(layout.keys, defaultOutputs);
  }

  #newPlan(keys: readonly string[], defaultOutputs: boolean): KeyPlan {
    const plan = { keys, steps: keys.map((key) => this.#step(key, defaultOutputs)) };
    this.#plans[defaultOutputs ? 1 : 0] = plan;
    return plan;
  }

  #step(key: string, defaultOutputs: boolean): KeyStep {
    const dirPiece = defaultOutputs ? this.#dirPieces.get(key) : undefined;
    // Output paths are not remembered: each job has its own.
    if (this.#node.outputs.has(key)) return { key, dirPiece, remembered: undefined };
    let remembered = this.#byKey.get(key);
    if (remembered === undefined) this.#byKey.set(key, (remembered = { lastValue: undefined, lastPiece: '', byValue: new Map() }));
    return { key, dirPiece, remembered };
  }

  #option(step: KeyStep, value: Value): string {
    const remembered = step.remembered;
    // Lists and mappings are not remembered, nor -0 (a Map takes it for 0).
    if (remembered === undefined || !isMemoScalar(value)) return ` ${renderOption(step.key, value)}`;
    if (remembered.lastValue === value) return remembered.lastPiece;
    let piece = remembered.byValue.get(value);
    if (piece === undefined) {
      piece = ` ${renderOption(step.key, value)}`;
      if (remembered.byValue.size < PIECES_PER_KEY) remembered.byValue.set(value, piece);
    }
    remembered.lastValue = value;
    remembered.lastPiece = piece;
    return piece;
  }
}

/** How one key of a final config becomes its piece: around the job dir, remembered by value, or rendered (output paths the grid set). */
interface KeyStep {
  readonly key: string;
  readonly dirPiece: JobDirPiece | undefined;
  readonly remembered: KeyPieces | undefined;
}

/** The steps for one key list, and the list. */
interface KeyPlan {
  readonly keys: readonly string[];
  readonly steps: readonly KeyStep[];
}
