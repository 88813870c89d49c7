import { makeTarget } from './make/index.js';
import { slurmTarget } from './slurm/index.js';
import { snakemakeTarget } from './snakemake/index.js';
import type { Target } from './target.js';

/** Every compile target by name; a new target must be added here (and to TargetName). */
export type TargetName = 'make' | 'slurm' | 'snakemake';

/** The targets the CLI offers. */
export const TARGETS = {
  make: makeTarget,
  slurm: slurmTarget,
  snakemake: snakemakeTarget,
} satisfies Record<TargetName, Target>;
