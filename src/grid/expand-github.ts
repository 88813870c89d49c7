import type { ValueMap } from '../values/value.js';
import { advance, baseRow, compileSpec, satisfied, type CompiledEntry } from './compile-spec.js';
import type { GridSpec } from './grid-spec.js';

/**
 * The rows of one spec under GitHub Actions' documented `strategy.matrix` rules:
 * exclude removes product combinations first (a partial match is enough); then
 * each include entry merges into every surviving combination whose original
 * values it agrees with, never changing an original value; an entry that agrees
 * with no surviving combination becomes its own row after the product, in
 * include order. A matrix with no axes has no combinations, so each include is a row.
 */
export function* expandGithubSpec(spec: GridSpec): Generator<ValueMap, void, undefined> {
  if (spec.submatrixGroups.length > 0) {
    // parseGrid refuses submatrices under github; pass overrides to parseGrid instead of patching `semantics`.
    throw new Error('internal: a github-semantics grid has submatrices (semantics changed after parseGrid?)');
  }
  const c = compileSpec(spec);
  const matched = new Uint8Array(c.include.length);
  if (c.keys.length > 0) {
    const idx = new Int32Array(c.keys.length);
    do {
      if (excludedBase(idx, c.exclude)) continue;
      const row = baseRow(c, idx);
      for (let i = 0; i < c.include.length; i++) {
        const entry = c.include[i] as CompiledEntry;
        if (!satisfied(entry.conditions, idx)) continue;
        matched[i] = 1;
        for (const [key, value] of entry.others) row[key] = value;
      }
      yield row;
    } while (advance(idx, c.sizes));
  }
  for (let i = 0; i < c.include.length; i++) {
    if (matched[i] === 0) yield { ...(c.include[i] as CompiledEntry).map };
  }
}

/**
 * Exclude sees the bare product, so an entry naming a key that is not an axis
 * can never match; an empty entry matches nothing (as in kwdagger).
 */
function excludedBase(idx: Int32Array, exclude: readonly CompiledEntry[]): boolean {
  for (const entry of exclude) {
    if (!entry.empty && entry.others.length === 0 && satisfied(entry.conditions, idx)) return true;
  }
  return false;
}
