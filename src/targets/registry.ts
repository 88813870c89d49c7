import { makeTarget } from './make/index.js';
import type { Target } from './target.js';
import { tmuxTarget } from './tmux/index.js';

/** Every compile target by name; a new target must be added here (and to TargetName). */
export type TargetName = 'make' | 'tmux';

/** The targets the CLI offers. */
export const TARGETS = {
  make: makeTarget,
  tmux: tmuxTarget,
} satisfies Record<TargetName, Target>;
