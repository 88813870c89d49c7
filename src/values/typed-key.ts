import { isValueList, type Value } from './value.js';

/**
 * A string that is equal for two values exactly when they hash the same way
 * (type-sensitive: `1`, `1.0` and `'1'` differ). Used as a cache key.
 */
export function typedKey(value: Value): string {
  switch (typeof value) {
    case 'string':
      return `s${value.length}:${value}`;
    case 'bigint':
      return `i${value}`;
    case 'number':
      return `f${value}`;
    case 'boolean':
      return value ? 'i1' : 'i0';
    default:
      break;
  }
  if (value === null) return 'n';
  if (isValueList(value)) return `[${value.map(typedKey).join(',')}]`;
  return `{${Object.keys(value)
    .map((k) => `${k.length}:${k}=${typedKey(value[k] as Value)}`)
    .join(',')}}`;
}
