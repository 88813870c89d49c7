import type { Value, ValueMap } from '../values/value.js';
import {
  advance,
  baseRow,
  compileSpec,
  othersPresent,
  satisfied,
  type CompiledEntry,
  type CompiledSpec,
  type SubRow,
} from './compile-spec.js';
import type { GridSpec } from './grid-spec.js';

/**
 * The rows of one spec exactly as kwdagger's `extended_github_action_matrix`
 * yields them: product (last key fastest) → submatrix forks (depth-first) →
 * includes merged → excluded rows dropped; then every include entry that merged
 * into no row, verbatim, in include order.
 */
export function* expandKwdaggerSpec(spec: GridSpec): Generator<ValueMap, void, undefined> {
  const c = compileSpec(spec);
  const matched = new Uint8Array(c.include.length);
  const idx = new Int32Array(c.keys.length);
  // Refused empty lists guarantee a non-empty product; no axes gives the one row `{}`.
  do {
    const row = baseRow(c, idx);
    if (c.groups.length === 0) {
      if (finish(row, idx, c, matched)) yield row;
      continue;
    }
    for (const variant of forksOf(row, idx, c.groups)) {
      if (finish(variant, idx, c, matched)) yield variant;
    }
  } while (advance(idx, c.sizes));
  for (let i = 0; i < c.include.length; i++) {
    if (matched[i] === 0) yield { ...(c.include[i] as CompiledEntry).map };
  }
}

/**
 * Every fork of a row through the submatrix groups, depth-first. A subrow forks
 * the row when it agrees on the original keys it names; keys added by earlier
 * groups are never conditions (kwdagger's gotcha), so matching only looks at `idx`.
 */
function forksOf(row: Record<string, Value>, idx: Int32Array, groups: readonly (readonly SubRow[])[]): Record<string, Value>[] {
  const out: Record<string, Value>[] = [];
  visitGroups(row, idx, groups, 0, out);
  return out;
}

function visitGroups(
  row: Record<string, Value>,
  idx: Int32Array,
  groups: readonly (readonly SubRow[])[],
  g: number,
  out: Record<string, Value>[],
): void {
  const group = groups[g];
  if (!group) {
    out.push(row);
    return;
  }
  let forked = false;
  for (const sub of group) {
    if (!satisfied(sub.conditions, idx)) continue;
    forked = true;
    // `row | sub` in Python: existing keys keep their place, new ones are appended.
    visitGroups(Object.assign({}, row, sub.map), idx, groups, g + 1, out);
  }
  if (!forked) visitGroups(row, idx, groups, g + 1, out);
}

/**
 * Merges the matching includes into the (fresh, unshared) row in place, then
 * tells whether it survives exclude. An include is matched when it agrees with
 * the row on its original keys; it then overwrites, original keys included
 * (`1` becomes `1.0` when the include wrote `1.0`).
 */
function finish(row: Record<string, Value>, idx: Int32Array, c: CompiledSpec, matched: Uint8Array): boolean {
  for (let i = 0; i < c.include.length; i++) {
    const entry = c.include[i] as CompiledEntry;
    if (!satisfied(entry.conditions, idx)) continue;
    matched[i] = 1;
    Object.assign(row, entry.map);
  }
  return !isExcluded(row, idx, c.exclude);
}

/** A row is excluded when some non-empty entry's pairs are all in it with equal values. */
export function isExcluded(row: ValueMap, idx: Int32Array, exclude: readonly CompiledEntry[]): boolean {
  for (const entry of exclude) {
    if (!entry.empty && satisfied(entry.conditions, idx) && othersPresent(entry, row)) return true;
  }
  return false;
}
