import { isValueList, isValueMap, type Value } from './value.js';

/** Numeric view of a scalar as Python's `==` sees it: bool and int and float compare by value. */
function numericOf(value: Value): number | bigint | undefined {
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'bigint' || typeof value === 'number') return value;
  return undefined;
}

function numbersEqual(a: number | bigint, b: number | bigint): boolean {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a === b;
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  const [int, float] = typeof a === 'bigint' ? [a, b as number] : [b as bigint, a as number];
  return Number.isInteger(float) && BigInt(float) === int;
}

/**
 * Python's `==` on grid values: `1 == 1.0 == True`, lists element-wise, dicts by key set.
 * The grid matches include/exclude entries with it, exactly as kwdagger does.
 */
export function pyEquals(a: Value, b: Value): boolean {
  const na = numericOf(a);
  const nb = numericOf(b);
  if (na !== undefined || nb !== undefined) {
    return na !== undefined && nb !== undefined && numbersEqual(na, nb);
  }
  if (isValueList(a) || isValueList(b)) {
    if (!isValueList(a) || !isValueList(b) || a.length !== b.length) return false;
    return a.every((item, i) => pyEquals(item, b[i] as Value));
  }
  if (isValueMap(a) || isValueMap(b)) {
    if (!isValueMap(a) || !isValueMap(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((k) => Object.hasOwn(b, k) && pyEquals(a[k] as Value, b[k] as Value));
  }
  return a === b;
}
