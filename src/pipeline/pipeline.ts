import type { Span } from '../diagnostics/diagnostic.js';
import type { Value, ValueMap } from '../values/value.js';

/** `<node>.<output>`: one end of an output → input edge. */
export interface OutputRef {
  readonly node: string;
  readonly output: string;
}

/** How an input gets its value. */
export type InputSource =
  /** An external value with a default (null when none). */
  | { readonly kind: 'value'; readonly default: Value }
  /** Connected to one output, or to several (fan-in: the value is a list). */
  | { readonly kind: 'from'; readonly refs: readonly OutputRef[]; readonly fanIn: boolean }
  /** The same external value as another node's input. */
  | { readonly kind: 'same_as'; readonly node: string; readonly input: string };

/** Compute resources of one job of a node. Every field is optional. */
export interface Resources {
  readonly cpus?: number;
  readonly gpus?: number;
  /** Slurm-style memory, e.g. `8G` or `500M`. */
  readonly mem?: string;
  /** Slurm-style wall time, e.g. `02:00:00`. */
  readonly time?: string;
  readonly partition?: string;
  readonly account?: string;
}

/**
 * One argument of an explicit argument template. Commands whose CLI is not
 * `--key=value` spell their arguments with these instead.
 */
export type ArgPiece =
  | { readonly kind: 'literal'; readonly text: string }
  /** `{name}`: the shell-quoted value of a param, input or output. */
  | { readonly kind: 'ref'; readonly key: string };
export type ArgTemplate = readonly (readonly ArgPiece[])[];

/** A node of the stage graph, normalized from the pipeline YAML. */
export interface PipelineNode {
  readonly name: string;
  /** Shell command prefix; arguments are appended. */
  readonly command: string;
  /** Explicit argument template; when absent every key is appended as `--key=value`. */
  readonly args?: ArgTemplate;
  /** Folder level under the root ('.' collapses). */
  readonly group: string;
  /** Extra grid prefixes this node reads (besides its own name). */
  readonly namespaces: readonly string[];
  readonly inputs: ReadonlyMap<string, InputSource>;
  /** Output name → path relative to the job dir ('.' is the job dir). */
  readonly outputs: ReadonlyMap<string, string>;
  readonly primaryOutput?: string;
  /** Algo params with defaults; `undefined` means declared without a default. */
  readonly params: ReadonlyMap<string, Value | undefined>;
  readonly perfParams: ReadonlyMap<string, Value | undefined>;
  readonly resources: Resources;
  /** Ordering-only dependencies: run after these nodes, no data passes. */
  readonly after: readonly string[];
  /** Free-form per-target options (e.g. slurm sbatch options), passed through. */
  readonly targetOptions: ValueMap;
  /** Where the node is written, for diagnostics. */
  readonly span?: Span;
}

/** The whole stage graph, nodes in topological order (ties broken by declaration order). */
export interface Pipeline {
  readonly nodes: readonly PipelineNode[];
  /** Directory the pipeline file lives in; commands run from here unless told otherwise. */
  readonly baseDir: string;
}
