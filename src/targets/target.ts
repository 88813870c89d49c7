import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { JobGraph } from '../graph/job-graph.js';

/** A piece of a file: text, or text already encoded as UTF-8. */
export type Chunk = string | Uint8Array;

/** File content: a string, or chunks produced on demand so huge artifacts never sit in one string. */
export type FileContent = string | Iterable<Chunk>;

/** One emitted file; `path` is relative to the output directory. */
export interface EmittedFile {
  readonly path: string;
  readonly content: FileContent;
  /** Make the file executable. */
  readonly executable?: boolean;
}

/** Options every target receives; resolved once by the CLI. */
export interface TargetOptions {
  /** geowatch-compile version, for header lines. */
  readonly version: string;
  /** Input file names as the user gave them, for header lines. */
  readonly inputs: readonly string[];
  /** Directory the artifacts are written to (absolute); artifacts may refer to their runtime files through it. */
  readonly outDir: string;
  /** Parallel workers (`--workers`, `--queue_size`). */
  readonly workers: number;
  /** GPU device ids to lease to jobs, empty for none. */
  readonly devices: readonly string[];
  /** `auto`: ask nvidia-smi for idle GPUs at run time. */
  readonly devicesAuto: boolean;
  readonly queueName: string;
  /** A command run before each job (e.g. `conda activate env`). */
  readonly preamble?: string;
  /** Write `.pred/` and `.succ/` links. */
  readonly enableLinks: boolean;
  /**
   * The compiled target's own settings, made by its {@link Target.resolveSettings} from
   * its {@link Target.flags}; absent when the target has none (it then uses its defaults).
   */
  readonly settings?: unknown;
}

/** A command-line flag a target adds, in commander's spelling (`--image <ref>`). */
export interface TargetFlag {
  readonly flags: string;
  /** One line for `--help`; by convention it starts with the target's name (`argo: ...`). */
  readonly description: string;
}

/** A compile target: validates and emits files for one engine. It never writes. */
export interface Target {
  readonly name: string;
  /** One line for `--help`. */
  readonly description: string;
  validate?(graph: JobGraph, options: TargetOptions): readonly Diagnostic[];
  emit(graph: JobGraph, options: TargetOptions): readonly EmittedFile[];
  /** Flags only this target reads; the CLI offers them, and `resolveSettings` reads them. */
  readonly flags?: readonly TargetFlag[];
  /**
   * Turns the parsed flags (commander's camelCase names, values as given) into this
   * target's {@link TargetOptions.settings}; problems go to `diagnostics` as E_OPTION.
   */
  resolveSettings?(flags: Readonly<Record<string, unknown>>, diagnostics: Diagnostic[]): unknown;
  /** How to run what was emitted, shown when `--run=0`; the argv `--run=1` executes from the output dir. */
  runCommand(options: TargetOptions): readonly string[];
}
