import { argoTarget } from './argo/index.js';
import { makeTarget } from './make/index.js';
import type { Target } from './target.js';

/** Every compile target by name; a new target must be added here (and to TargetName). */
export type TargetName = 'make' | 'argo';

/** The targets the CLI offers. */
export const TARGETS = {
  make: makeTarget,
  argo: argoTarget,
} satisfies Record<TargetName, Target>;
