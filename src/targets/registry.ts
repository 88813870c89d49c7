import { argoTarget } from './argo/index.js';
import { bashTarget } from './bash/index.js';
import { makeTarget } from './make/index.js';
import { slurmTarget } from './slurm/index.js';
import { snakemakeTarget } from './snakemake/index.js';
import type { Target } from './target.js';
import { tmuxTarget } from './tmux/index.js';

/** Every compile target by name; a new target must be added here (and to TargetName). */
export type TargetName = 'make' | 'bash' | 'tmux' | 'slurm' | 'argo' | 'snakemake';

/** The targets the CLI offers, in the order `targets` lists them. */
export const TARGETS = {
  make: makeTarget,
  bash: bashTarget,
  tmux: tmuxTarget,
  slurm: slurmTarget,
  argo: argoTarget,
  snakemake: snakemakeTarget,
} satisfies Record<TargetName, Target>;
