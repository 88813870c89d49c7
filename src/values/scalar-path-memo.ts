import type { Value, ValueMap } from './value.js';

/** A level of the tree: a value → the next level, or what is remembered after the last value. */
type Level<T> = Map<Value, Level<T> | T>;

/**
 * Texts (or objects other than a `Map`, which is a level) remembered by a fixed-length
 * path of scalar values: a tree of maps, one level per value. A sweep repeats the same values (the very same objects, or equal
 * numbers) across a node's jobs, so a few map lookups find what would otherwise be
 * made again from the values, a million times.
 *
 * Map keys compare as SameValueZero, which is what "the same Python value" needs for
 * scalars: `1n`, `1`, `true` and `'1'` stay apart (int and float are bigint and number),
 * and NaN finds NaN. Only -0 and 0 meet, so -0 (like a list or a mapping) is not a
 * memo scalar: a path holding one is left to the caller.
 */
export class ScalarPathMemo<T extends string | object = string> {
  readonly #limit: number;
  #root: Level<T> = new Map();
  #size = 0;
  /** Where {@link find} stopped: the last level and the last value, for {@link remember}. */
  #level: Level<T> | undefined;
  #value: Value = null;

  /** At most `limit` texts are kept: past that the tree starts over. */
  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Forgets every text (the paths change meaning, e.g. other keys). */
  clear(): void {
    this.#root = new Map();
    this.#size = 0;
    this.#level = undefined;
  }

  /**
   * The text remembered for the path `valueAt(source, 0 … count - 1)`, or undefined:
   * not seen yet (then {@link remember} takes its text) or not a path of memo scalars
   * (then it does nothing), as is an empty path (`count` 0).
   */
  find<S>(source: S, count: number, valueAt: (source: S, i: number) => Value): T | undefined {
    this.#level = undefined;
    if (count < 1) return undefined;
    for (let i = 0; i < count; i++) if (!isMemoScalar(valueAt(source, i))) return undefined;
    let level = this.#root;
    for (let i = 0; i < count - 1; i++) {
      const value = valueAt(source, i);
      let next = level.get(value);
      if (next === undefined) level.set(value, (next = new Map()));
      level = next as Level<T>;
    }
    const last = valueAt(source, count - 1);
    this.#level = level;
    this.#value = last;
    const found = level.get(last);
    return found === undefined || found instanceof Map ? undefined : (found as T);
  }

  /** Remembers the text of the path {@link find} last missed. */
  remember(text: T): void {
    const level = this.#level;
    this.#level = undefined;
    if (level === undefined) return;
    if (this.#size >= this.#limit) {
      this.clear();
      return;
    }
    level.set(this.#value, text);
    this.#size += 1;
  }
}

/** Scalars the memo tells apart exactly as hashing and JSON do (see {@link ScalarPathMemo}). */
export function isMemoScalar(value: Value): boolean {
  return typeof value === 'object' ? value === null : !Object.is(value, -0);
}

/** Whether every value of a config is a {@link isMemoScalar}. */
export function hasMemoScalarValues(config: ValueMap): boolean {
  for (const key in config) if (!isMemoScalar(config[key] as Value)) return false;
  return true;
}
