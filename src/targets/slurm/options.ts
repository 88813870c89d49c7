import type { ValueMap } from '../../values/value.js';

/** Slurm's default MaxArraySize: array indices 0..1000. */
export const DEFAULT_MAX_ARRAY_SIZE = 1001;

/** What the slurm target reads from the command line (`TargetOptions.slurm`). */
export interface SlurmTargetOptions {
  /** Global sbatch options (`--slurm_options`), the lowest precedence. */
  readonly options?: ValueMap;
  /** Tasks per array at most (`--max-array-size`): the cluster's MaxArraySize. */
  readonly maxArraySize?: number;
}
