import { hostileValues } from '../../../helpers/hostile-values.js';

/** Values that break naive quoting somewhere between TypeScript, the job table, bash, tmux and the runner. */
export const HOSTILE = hostileValues("$'\\n'", 'R 1 2', ',', '1:2,3:4');
