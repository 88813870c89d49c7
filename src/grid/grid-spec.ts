import type { Diagnostic, SourceText, Span } from '../diagnostics/diagnostic.js';
import type { Value, ValueMap } from '../values/value.js';

/**
 * How include/exclude combine with the product: `kwdagger` (include first, then
 * exclude, exactly as kwdagger's `extended_github_action_matrix`) or `github`
 * (GitHub Actions' documented `strategy.matrix` rules).
 */
export type GridSemantics = 'kwdagger' | 'github';

export const GRID_SEMANTICS: readonly GridSemantics[] = ['kwdagger', 'github'];

/** Top-level keys the scheduler pops before the grid is expanded. */
export interface GridOptions {
  /** Global sbatch options (kwdagger v3 `slurm_options`). */
  readonly slurmOptions?: ValueMap;
  /** Stop after this many rows in total. */
  readonly maxConfigs?: number;
  /** The pipeline to run, when the grid names it. */
  readonly pipeline?: string;
}

/** Command-line settings that win over the grid's own `grid_semantics` and `max_configs`. */
export interface GridOverrides {
  readonly semantics?: GridSemantics;
  /** At least 1. */
  readonly maxConfigs?: number;
}

/** One param of a matrix or submatrix entry: a key and its alternatives. */
export interface GridAxis {
  readonly key: string;
  readonly keySpan?: Span;
  /** The alternatives, in order; never empty (an empty list is refused). */
  readonly values: readonly Value[];
}

/** One written key: value pair of an include or exclude entry. */
export interface GridPair {
  readonly key: string;
  readonly keySpan?: Span;
  readonly value: Value;
}

/** An include or exclude entry, taken literally (lists are values, not alternatives). */
export interface GridEntry {
  readonly pairs: readonly GridPair[];
  /** The same pairs as a mapping, in written order. */
  readonly map: ValueMap;
  readonly span?: Span;
}

/** One entry of a submatrix group: its own small product. */
export interface SubmatrixEntry {
  readonly axes: readonly GridAxis[];
  readonly span?: Span;
}

/** `submatrices` or `submatricesN`: one group of forks, applied after the groups before it. */
export interface SubmatrixGroup {
  readonly name: string;
  readonly entries: readonly SubmatrixEntry[];
  readonly span?: Span;
}

/** One independent matrix spec; a grid concatenates the rows of its specs. */
export interface GridSpec {
  /** The matrix params ("original keys"), in written order. */
  readonly axes: readonly GridAxis[];
  readonly include: readonly GridEntry[];
  readonly exclude: readonly GridEntry[];
  /** `submatrices` first, then `submatricesN` by increasing N. */
  readonly submatrixGroups: readonly SubmatrixGroup[];
  readonly span?: Span;
}

/** A parsed, validated param grid. Expand it with `expandGrid`. */
export interface Grid {
  readonly semantics: GridSemantics;
  readonly specs: readonly GridSpec[];
  readonly options: GridOptions;
  /** The `--params` text the grid came from. */
  readonly source: SourceText;
}

/** A distinct param key of a grid, for routing and reference scanning. */
export interface GridKey {
  readonly key: string;
  /** Where the key is first written. */
  readonly span?: Span;
  /** Every value written for the key: matrix and submatrix alternatives, include entries. */
  readonly values: readonly Value[];
}

/** Reads an `__include__` file; relative paths resolve against `relativeTo` (a directory). */
export type ReadIncludeFile = (path: string, relativeTo: string) => { source?: SourceText; diagnostics: Diagnostic[] };

/** What the grid parser needs from the outside world. */
export interface GridIo {
  readonly readFile: ReadIncludeFile;
  /**
   * Directory that relative `__include__` paths of the top file resolve against.
   * Defaults to the directory of the grid's source path; pass the cwd for inline `--params` text.
   */
  readonly baseDir?: string;
}
