/**
 * Whether the object's own enumerable keys are `keys`, in order, without making a
 * key array: graph building asks this of every grid row and job, and a million
 * throwaway arrays add up. (`for…in` lists own keys in `Object.keys` order; the
 * plain objects of grids and configs inherit no enumerable keys.)
 */
export function hasKeysInOrder(object: object, keys: readonly string[]): boolean {
  let i = 0;
  for (const key in object) {
    if (keys[i] !== key) return false;
    i++;
  }
  return i === keys.length;
}

/** Whether the map's keys are `keys`, in order. */
export function hasMapKeysInOrder(map: ReadonlyMap<string, unknown>, keys: readonly string[]): boolean {
  if (map.size !== keys.length) return false;
  let i = 0;
  for (const key of map.keys()) if (keys[i++] !== key) return false;
  return true;
}

/** Whether two lists hold the same items (by identity), in order: key lists, or a job's predecessors. */
export function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
