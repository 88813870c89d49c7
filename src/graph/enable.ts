import type { Value } from '../values/value.js';

/** A node's enable state: run, don't run, or run ignoring every cache. */
export type EnableState = boolean | 'redo';

const TRUE_TEXT = new Set(['1', 'true', 'True', 'yes', 'on']);
const FALSE_TEXT = new Set(['0', 'false', 'False', 'no', 'off', 'None', 'null', '']);

/** Reads `__enabled__` / `--enable NODE=…` values: 0, 1, true, false or `redo`; undefined when unreadable. */
export function parseEnable(value: Value): EnableState | undefined {
  if (value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value === 0n ? false : value === 1n ? true : undefined;
  if (typeof value === 'number') return value === 0 ? false : value === 1 ? true : undefined;
  if (typeof value !== 'string') return undefined;
  if (value === 'redo') return 'redo';
  if (TRUE_TEXT.has(value)) return true;
  if (FALSE_TEXT.has(value)) return false;
  return undefined;
}
