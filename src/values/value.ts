/**
 * The value domain shared by grids, pipelines and job configs.
 *
 * Python distinguishes `1` (int) from `1.0` (float) and ids depend on it, while
 * JavaScript numbers do not. So integers are carried as `bigint` and floats as
 * `number` from the moment YAML is parsed (`intAsBigInt`).
 */
export type Scalar = null | boolean | bigint | number | string;
export type Value = Scalar | readonly Value[] | ValueMap;
export interface ValueMap {
  readonly [key: string]: Value;
}

/** Maps whose keys hash in sorted order (plain Python dicts, e.g. pipeline defaults); all others hash in insertion order. */
const UNORDERED_MAPS = new WeakSet<object>();

/** Marks a mapping as an unordered dict for hashing (see {@link isUnorderedMap}). */
export function markUnordered<T extends ValueMap>(map: T): T {
  UNORDERED_MAPS.add(map);
  return map;
}

/** True when the map was written as a plain dict rather than an ordered YAML mapping. */
export function isUnorderedMap(map: ValueMap): boolean {
  return UNORDERED_MAPS.has(map);
}

export function isValueMap(value: Value | undefined): value is ValueMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isValueList(value: Value | undefined): value is readonly Value[] {
  return Array.isArray(value);
}

/** Python's type name for a value, used in messages. */
export function pyTypeName(value: Value): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'number') return 'float';
  if (typeof value === 'string') return 'str';
  return Array.isArray(value) ? 'list' : 'dict';
}
