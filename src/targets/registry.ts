import { bashTarget } from './bash/index.js';
import { makeTarget } from './make/index.js';
import type { Target } from './target.js';

/** Every compile target by name; a new target must be added here (and to TargetName). */
export type TargetName = 'make' | 'bash';

/** The targets the CLI offers. */
export const TARGETS = {
  make: makeTarget,
  bash: bashTarget,
} satisfies Record<TargetName, Target>;
