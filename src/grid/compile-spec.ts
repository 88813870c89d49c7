import { pyEquals } from '../values/py-equals.js';
import type { Value, ValueMap } from '../values/value.js';
import type { GridAxis, GridEntry, GridSpec } from './grid-spec.js';

/**
 * "This original key holds one of these alternatives". Original (matrix) values
 * never change during expansion except for a `==`-equal replacement, so every
 * test on them is decided once per alternative here and per row is an array lookup.
 */
export interface Condition {
  readonly axis: number;
  /** accepts[j] is 1 when alternative j of the axis equals the written value (Python `==`). */
  readonly accepts: Uint8Array;
}

/** An include or exclude entry split into tests on original keys and the remaining pairs. */
export interface CompiledEntry {
  readonly map: ValueMap;
  readonly conditions: readonly Condition[];
  /** Pairs whose key is not an original matrix key, in written order. */
  readonly others: readonly (readonly [string, Value])[];
  /** An empty entry; kwdagger's exclude never matches one (`if common1:`). */
  readonly empty: boolean;
}

/** One row of a submatrix entry's product, with its conditions on original keys. */
export interface SubRow {
  readonly map: ValueMap;
  readonly conditions: readonly Condition[];
}

/** Everything expansion needs, computed once per spec. */
export interface CompiledSpec {
  readonly keys: readonly string[];
  readonly values: readonly (readonly Value[])[];
  readonly sizes: Int32Array;
  /** Makes the base row of a product position (see {@link rowMaker}). */
  readonly makeRow: RowMaker;
  readonly include: readonly CompiledEntry[];
  readonly exclude: readonly CompiledEntry[];
  /** Submatrix groups, each a flat list of subrows in written order. */
  readonly groups: readonly (readonly SubRow[])[];
}

const COMPILED = new WeakMap<GridSpec, CompiledSpec>();

/** The compiled form of a spec (memoized: counting and expanding share it). */
export function compileSpec(spec: GridSpec): CompiledSpec {
  let compiled = COMPILED.get(spec);
  if (!compiled) {
    compiled = buildCompiledSpec(spec);
    COMPILED.set(spec, compiled);
  }
  return compiled;
}

function buildCompiledSpec(spec: GridSpec): CompiledSpec {
  const axisOf = new Map<string, number>();
  spec.axes.forEach((axis, i) => axisOf.set(axis.key, i));
  const values = spec.axes.map((axis) => axis.values);
  const compile = (pairs: Iterable<readonly [string, Value]>): Omit<CompiledEntry, 'map' | 'empty'> => splitPairs(pairs, axisOf, values);
  const entry = (e: GridEntry): CompiledEntry => ({
    map: e.map,
    empty: e.pairs.length === 0,
    ...compile(e.pairs.map((p) => [p.key, p.value] as const)),
  });
  return {
    keys: spec.axes.map((axis) => axis.key),
    makeRow: rowMaker(spec.axes.map((axis) => axis.key)),
    values,
    sizes: Int32Array.from(values, (v) => v.length),
    include: spec.include.map(entry),
    exclude: spec.exclude.map(entry),
    groups: spec.submatrixGroups.map((group) =>
      group.entries.flatMap((e) => productOf(e.axes).map((map) => ({ map, conditions: compile(Object.entries(map)).conditions }))),
    ),
  };
}

function splitPairs(
  pairs: Iterable<readonly [string, Value]>,
  axisOf: ReadonlyMap<string, number>,
  values: readonly (readonly Value[])[],
): { conditions: Condition[]; others: (readonly [string, Value])[] } {
  const conditions: Condition[] = [];
  const others: (readonly [string, Value])[] = [];
  for (const [key, value] of pairs) {
    const axis = axisOf.get(key);
    if (axis === undefined) {
      others.push([key, value]);
      continue;
    }
    const alternatives = values[axis] as readonly Value[];
    conditions.push({ axis, accepts: Uint8Array.from(alternatives, (alt) => (pyEquals(alt, value) ? 1 : 0)) });
  }
  return { conditions, others };
}

/** True when the row whose alternative indices are `idx` meets every condition. */
export function satisfied(conditions: readonly Condition[], idx: Int32Array): boolean {
  for (const c of conditions) if (c.accepts[idx[c.axis] as number] !== 1) return false;
  return true;
}

/** True when some row of the full product meets every condition (they name distinct axes). */
export function satisfiable(conditions: readonly Condition[]): boolean {
  return conditions.every((c) => c.accepts.includes(1));
}

/** The product of a few axes, eagerly (submatrix entries are small); last key varies fastest. */
export function productOf(axes: readonly GridAxis[]): ValueMap[] {
  let rows: Record<string, Value>[] = [{}];
  for (const axis of axes) rows = rows.flatMap((row) => axis.values.map((v) => ({ ...row, [axis.key]: v })));
  return rows;
}

/** Moves `idx` to the next product position (last axis fastest); false after the last one. */
export function advance(idx: Int32Array, sizes: Int32Array): boolean {
  for (let k = idx.length - 1; k >= 0; k--) {
    const next = (idx[k] as number) + 1;
    if (next < (sizes[k] as number)) {
      idx[k] = next;
      return true;
    }
    idx[k] = 0;
  }
  return false;
}

/** A fresh base row for the product position `idx`. */
export function baseRow(spec: CompiledSpec, idx: Int32Array): Record<string, Value> {
  return spec.makeRow(spec.values, idx);
}

/** Makes a base row from each axis's values and the position's alternative indices. */
type RowMaker = (values: readonly (readonly Value[])[], idx: Int32Array) => Record<string, Value>;

/** Keys past this many are set one by one (a literal that long gains nothing). */
const MAX_LITERAL_KEYS = 64;

/**
 * A row maker whose rows are one object literal naming every key, in order: V8 then
 * compiles the stores, where setting keys by a computed name goes through a lookup
 * each (a million rows: 195 ms against 30 ms). The keys are JSON-quoted into the
 * literal. A literal's `"__proto__": v` would set the prototype instead of a key (the
 * grid refuses that key; this does not rely on it), so a spec with it, or with very
 * many keys, copies a template and sets its keys.
 */
function rowMaker(keys: readonly string[]): RowMaker {
  if (keys.length <= MAX_LITERAL_KEYS && !keys.includes('__proto__')) {
    const members = keys.map((key, k) => `${JSON.stringify(key)}: values[${k}][idx[${k}]]`);
    try {
      return new Function('values', 'idx', `return { ${members.join(', ')} };`) as RowMaker;
    } catch {
      // Node run with --disallow-code-generation-from-strings: set the keys one by one.
    }
  }
  // A copy of the template has every key already: setting them adds none (no new shapes per key).
  const template = Object.fromEntries(keys.map((key) => [key, null]));
  return (values, idx) => {
    const row: Record<string, Value> = { ...template };
    for (let k = 0; k < keys.length; k++) row[keys[k] as string] = (values[k] as readonly Value[])[idx[k] as number] as Value;
    return row;
  };
}

/** True when an entry's non-original pairs are all present in the row with equal values. */
export function othersPresent(entry: CompiledEntry, row: ValueMap): boolean {
  for (const [key, value] of entry.others) {
    if (!Object.hasOwn(row, key) || !pyEquals(row[key] as Value, value)) return false;
  }
  return true;
}
